import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ACCOUNT_DELETE_CONFIRMATION } from '../services/privacy.service.js';

export class DeleteAccountDto {
  @ApiProperty({
    example: ACCOUNT_DELETE_CONFIRMATION,
    description: `Must be exactly "${ACCOUNT_DELETE_CONFIRMATION}"`,
  })
  @IsString()
  @MaxLength(100)
  confirm: string;

  @ApiPropertyOptional({
    description:
      'Your current password; required when the account has one (not for external sign-in accounts)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;
}

export class ErasureReportDto {
  @ApiProperty({ format: 'uuid' }) user_id: string;

  @ApiProperty({
    description: 'Per module, per table: rows erased (or detached, e.g. `thresholds_detached`)',
    example: { account: { users: 1, refresh_tokens: 2 }, species: { observations: 3, images: 1 } },
  })
  deleted: Record<string, Record<string, number>>;
}
