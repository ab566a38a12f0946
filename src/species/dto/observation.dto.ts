import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { UserSummaryDto } from '../../auth/index.js';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsObject,
  IsEnum,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { ValidationStatus } from '../entities/observation.entity.js';
import { Sex } from '../entities/sex.js';

/** `[lng, lat]` inside the globe; the message names the field so a 400 says which coordinate is wrong. */
function IsLngLat(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLngLat',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) &&
          value.length === 2 &&
          value.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
          Math.abs(value[0] as number) <= 180 &&
          Math.abs(value[1] as number) <= 90,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'coordinates'} must be [lng, lat] with lng between -180 and 180 and lat between -90 and 90`,
      },
    });
}

export class PointDto {
  @ApiProperty({ enum: ['Point'] })
  @IsIn(['Point'])
  type: 'Point';

  @ApiProperty({ type: [Number], example: [-4.1427, 50.3655], description: '[lng, lat]' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(2)
  @IsLngLat()
  coordinates: [number, number];
}

export class CreateObservationDto {
  @ApiProperty({ example: 'Mola mola' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  speciesName: string;

  @ApiPropertyOptional({ example: 'Ocean Sunfish' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  commonName?: string;

  @ApiProperty({ example: 'Plymouth Sound' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  locationName: string;

  @ApiProperty({ example: '2024-06-01T10:30:00Z' })
  @IsISO8601({ strict: true }, { message: 'observationDatetime must be an ISO 8601 date-time' })
  observationDatetime: string;

  @ApiProperty({ type: PointDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PointDto)
  location: PointDto;

  @ApiPropertyOptional({ minimum: 0, maximum: 11000, description: 'Metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(11000)
  depthMin?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 11000, description: 'Metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(11000)
  depthMax?: number;

  @ApiPropertyOptional({ description: 'Sea-floor depth, metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-11000)
  @Max(11000)
  bathymetry?: number;

  @ApiPropertyOptional({ description: 'Water temperature, °C' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-5)
  @Max(50)
  temperature?: number;

  @ApiPropertyOptional({ description: 'Visibility, metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  visibility?: number;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;

  @ApiPropertyOptional({ enum: Sex })
  @IsOptional()
  @IsEnum(Sex)
  sex?: Sex;
}

export class UpdateObservationDto extends PartialType(CreateObservationDto) {}

export class ValidateObservationDto {
  @ApiProperty({ enum: ValidationStatus, example: ValidationStatus.VALIDATED })
  @IsEnum(ValidationStatus)
  status: ValidationStatus;
}

export class ObservationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'minLon,minLat,maxLon,maxLat', example: '-10,40,10,60' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  in_bbox?: string;
}

export class ExportQueryDto {
  @ApiPropertyOptional({ enum: ['geojson', 'csv'], default: 'geojson' })
  @IsOptional()
  @IsIn(['geojson', 'csv'])
  format: 'geojson' | 'csv' = 'geojson';
}

export class ImageUploadDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'JPEG or PNG, at most 2 MB' })
  image: unknown;
}

export class ObservationPropertiesDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) owner_id: string;
  @ApiProperty() species_name: string;
  @ApiProperty({ nullable: true, type: String }) common_name: string | null;
  @ApiProperty() location_name: string;
  @ApiProperty({ format: 'date-time' }) observation_datetime: string;
  @ApiProperty({ nullable: true, type: Number }) depth_min: number | null;
  @ApiProperty({ nullable: true, type: Number }) depth_max: number | null;
  @ApiProperty({ nullable: true, type: Number }) bathymetry: number | null;
  @ApiProperty({ nullable: true, type: Number }) temperature: number | null;
  @ApiProperty({ nullable: true, type: Number }) visibility: number | null;
  @ApiProperty({ nullable: true, type: String }) notes: string | null;
  @ApiProperty({ nullable: true, enum: Sex }) sex: Sex | null;
  @ApiProperty({ enum: ValidationStatus }) validated: ValidationStatus;
  @ApiProperty({ example: 'user' }) source: string;
  @ApiProperty({ nullable: true, type: String, example: '/api/v1/observations/{id}/image' }) image_url:
    string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class ObservationFeatureDto {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: PointDto }) geometry: PointDto;
  @ApiProperty({ type: ObservationPropertiesDto }) properties: ObservationPropertiesDto;
}

export class ObservationCollectionDto {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ type: [ObservationFeatureDto] }) features: ObservationFeatureDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

export class ProfileDto extends UserSummaryDto {
  @ApiProperty({ description: 'Sightings recorded by this user' }) observation_count: number;
}
