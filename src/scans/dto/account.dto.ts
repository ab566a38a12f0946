import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/pagination.js';
import {
  CLOUD_PROVIDERS,
  CloudAccount,
  type CloudProvider,
  type ScheduleFrequency,
} from '../entities/cloud-account.entity.js';

export class ScheduleDto {
  @ApiProperty({ description: 'Run scheduled scans of this account' })
  @IsBoolean()
  enabled: boolean;

  @ApiPropertyOptional({ enum: ['daily', 'weekly', 'monthly'], default: 'daily' })
  @IsOptional()
  @IsIn(['daily', 'weekly', 'monthly'])
  frequency?: ScheduleFrequency;

  @ApiPropertyOptional({ minimum: 0, maximum: 23, default: 2, description: 'Hour of the day, UTC' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(23)
  hour?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 6, description: 'Weekly: 0 = Sunday' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(6)
  day_of_week?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 28, description: 'Monthly: day of the month' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(28)
  day_of_month?: number;
}

export class CreateAccountDto {
  @ApiProperty({ enum: CLOUD_PROVIDERS })
  @IsIn(CLOUD_PROVIDERS)
  provider: CloudProvider;

  @ApiProperty({ example: 'Production' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    example: '123456789012',
    description:
      'AWS account id; Azure subscription, GCP project and Microsoft 365 tenant come from the credentials when omitted',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  account_identifier?: string;

  @ApiProperty({ type: [String], example: ['us-east-1', 'eu-west-1'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @IsString({ each: true })
  regions: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiProperty({
    description:
      'aws: {access_key_id, secret_access_key}; azure: {tenant_id, client_id, client_secret, subscription_id}; gcp: {project_id, service_account_json}; m365: {tenant_id, client_id, client_secret} (regions: ["global"])',
    example: {
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
  })
  @IsObject()
  credentials: Record<string, unknown>;

  @ApiPropertyOptional({ type: ScheduleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduleDto)
  schedule?: ScheduleDto;
}

export class UpdateAccountDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  account_identifier?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(40)
  @IsString({ each: true })
  regions?: string[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Replaces the stored credentials (all fields of the provider)' })
  @IsOptional()
  @IsObject()
  credentials?: Record<string, unknown>;

  @ApiPropertyOptional({ type: ScheduleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduleDto)
  schedule?: ScheduleDto;
}

export class ScheduleViewDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: ['daily', 'weekly', 'monthly'] }) frequency: ScheduleFrequency;
  @ApiProperty() hour: number;
  @ApiProperty({ nullable: true, type: Number }) day_of_week: number | null;
  @ApiProperty({ nullable: true, type: Number }) day_of_month: number | null;
}

export class AccountDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CLOUD_PROVIDERS }) provider: CloudProvider;
  @ApiProperty() name: string;
  @ApiProperty() account_identifier: string;
  @ApiProperty({ type: [String] }) regions: string[];
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() is_active: boolean;
  @ApiProperty({
    example: 'access key AKIA…MPLE, secret ****EY',
    description: 'Masked; secrets are never returned',
  })
  credentials_hint: string;
  @ApiProperty({ type: ScheduleViewDto }) schedule: ScheduleViewDto;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_scan_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(a: CloudAccount): AccountDto {
    return {
      id: a.id,
      provider: a.provider,
      name: a.name,
      account_identifier: a.accountIdentifier,
      regions: a.regions,
      description: a.description,
      is_active: a.isActive,
      credentials_hint: a.credentialsHint,
      schedule: {
        enabled: a.scheduleEnabled,
        frequency: a.scheduleFrequency,
        hour: a.scheduleHour,
        day_of_week: a.scheduleDayOfWeek,
        day_of_month: a.scheduleDayOfMonth,
      },
      last_scan_at: a.lastScanAt?.toISOString() ?? null,
      created_at: a.createdAt.toISOString(),
      updated_at: a.updatedAt.toISOString(),
    };
  }
}

export class AccountPageDto extends PageMetaDto {
  @ApiProperty({ type: [AccountDto] }) items: AccountDto[];
}

export class ValidationResultDto {
  @ApiProperty() valid: boolean;
  @ApiProperty({ example: 'arn:aws:iam::123456789012:user/scanner' }) identity: string;
  @ApiProperty({ example: '123456789012' }) account_identifier: string;
}

export class ListAccountsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CLOUD_PROVIDERS })
  @IsOptional()
  @IsIn(CLOUD_PROVIDERS)
  provider?: CloudProvider;
}
