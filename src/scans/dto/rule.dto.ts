import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsObject, IsOptional } from 'class-validator';
import type { EffectiveRule } from '../services/rules.service.js';
import { CLOUD_PROVIDERS } from '../entities/cloud-account.entity.js';

export class RuleParameterDto {
  @ApiProperty({ example: 'min_age_days' }) name: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: ['integer', 'number'] }) type: string;
  @ApiProperty() min: number;
  @ApiProperty() max: number;
  @ApiProperty() default: number;
  @ApiProperty({ description: 'In force for the caller' }) value: number;
}

export class RuleDto {
  @ApiProperty({ example: 'ebs_volume' }) resource_type: string;
  @ApiProperty({ enum: CLOUD_PROVIDERS }) provider: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'Whether the caller changed anything' }) overridden: boolean;
  @ApiProperty({ type: [RuleParameterDto] }) parameters: RuleParameterDto[];

  static from(r: EffectiveRule): RuleDto {
    return {
      resource_type: r.rule.resourceType,
      provider: r.rule.provider,
      title: r.rule.title,
      description: r.rule.description,
      enabled: r.enabled,
      overridden: r.overridden,
      parameters: r.rule.parameters.map((p) => ({ ...p, value: r.params[p.name] })),
    };
  }
}

export class UpdateRuleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    example: { min_age_days: 14 },
    description: 'Validated against the rule parameters',
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;
}
