import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, Min, ValidateIf } from 'class-validator';

/** A normal range and jump limit; a missing or null field means "no limit". */
export class ThresholdsDto {
  @ApiPropertyOptional({ nullable: true, type: Number, example: 18 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber({ allowInfinity: false, allowNaN: false })
  min?: number | null;

  @ApiPropertyOptional({ nullable: true, type: Number, example: 32 })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber({ allowInfinity: false, allowNaN: false })
  max?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    type: Number,
    example: 5,
    description: 'Largest normal step between readings',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber({ allowInfinity: false, allowNaN: false })
  @Min(0.000001)
  jump?: number | null;
}

export class EffectiveThresholdsDto {
  @ApiProperty({ nullable: true, type: Number }) min: number | null;
  @ApiProperty({ nullable: true, type: Number }) max: number | null;
  @ApiProperty({ nullable: true, type: Number }) jump: number | null;
  @ApiProperty({
    enum: ['sensor', 'type', 'config'],
    description: 'Where it comes from, most specific first',
  })
  source: string;
}

export class ThresholdsListDto {
  @ApiProperty({
    description: 'Effective thresholds per type',
    example: { temperature: { min: 18, max: 32, jump: 5, source: 'config' } },
  })
  types: Record<string, EffectiveThresholdsDto>;
  @ApiProperty({
    description: 'Per-sensor overrides',
    example: { 'greenhouse-1-temp': { min: 10, max: 40, jump: 8 } },
  })
  sensors: Record<string, ThresholdsDto>;
}
