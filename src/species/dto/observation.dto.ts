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
import {
  inObservationRange,
  OBSERVATION_DATETIME_FORMAT,
  OBSERVATION_MAX_LENGTHS,
  OBSERVATION_RANGES,
} from '../rules/observation-limits.js';

const { latitude, longitude, depthMin, depthMax, bathymetry, temperature, visibility } = OBSERVATION_RANGES;

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
          inObservationRange(value[0] as number, longitude) &&
          inObservationRange(value[1] as number, latitude),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'coordinates'} must be [lng, lat] with lng between ${longitude.min} and ${longitude.max} and lat between ${latitude.min} and ${latitude.max}`,
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
  @MaxLength(OBSERVATION_MAX_LENGTHS.speciesName)
  speciesName: string;

  @ApiPropertyOptional({ example: 'Ocean Sunfish' })
  @IsOptional()
  @IsString()
  @MaxLength(OBSERVATION_MAX_LENGTHS.commonName)
  commonName?: string;

  @ApiProperty({ example: 'Plymouth Sound' })
  @IsString()
  @MinLength(1)
  @MaxLength(OBSERVATION_MAX_LENGTHS.locationName)
  locationName: string;

  @ApiProperty({ example: '2024-06-01T10:30:00Z' })
  @IsISO8601(OBSERVATION_DATETIME_FORMAT, { message: 'observationDatetime must be an ISO 8601 date-time' })
  observationDatetime: string;

  @ApiProperty({ type: PointDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PointDto)
  location: PointDto;

  @ApiPropertyOptional({ minimum: depthMin.min, maximum: depthMin.max, description: 'Metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(depthMin.min)
  @Max(depthMin.max)
  depthMin?: number;

  @ApiPropertyOptional({ minimum: depthMax.min, maximum: depthMax.max, description: 'Metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(depthMax.min)
  @Max(depthMax.max)
  depthMax?: number;

  @ApiPropertyOptional({ description: 'Sea-floor depth, metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(bathymetry.min)
  @Max(bathymetry.max)
  bathymetry?: number;

  @ApiPropertyOptional({ description: 'Water temperature, °C' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(temperature.min)
  @Max(temperature.max)
  temperature?: number;

  @ApiPropertyOptional({ description: 'Visibility, metres' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(visibility.min)
  @Max(visibility.max)
  visibility?: number;

  @ApiPropertyOptional({ maxLength: OBSERVATION_MAX_LENGTHS.notes })
  @IsOptional()
  @IsString()
  @MaxLength(OBSERVATION_MAX_LENGTHS.notes)
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
