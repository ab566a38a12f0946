import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The body of every error response. */
export class ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable, machine-readable error code' })
  code: string;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiProperty({
    example: '0f8fad5b-d9cb-469f-a165-70867728950e',
    description: 'Also in the X-Request-ID header',
  })
  requestId: string;

  @ApiPropertyOptional({
    description: 'For validation errors: one entry per bad field',
    example: [{ field: 'email', problems: ['email must be an email'] }],
  })
  details?: unknown;
}
