import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/pagination.js';
import { Sex } from '../entities/sex.js';

export const MAX_RADIUS_KM = 1000;

export class ObservationSearchQueryDto {
  @ApiPropertyOptional({ description: 'Scientific name, case-insensitive prefix', example: 'Gadus' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  species_name?: string;

  @ApiPropertyOptional({ description: 'Common name, case-insensitive substring', example: 'cod' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  common_name?: string;

  @ApiPropertyOptional({ example: 126436 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  aphia_id?: number;

  @ApiPropertyOptional({ description: 'Observed on or after (date or date-time)', example: '2000-01-01' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Observed on or before (date or date-time)', example: '2020-12-31' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ description: 'Metres; keeps observations reaching at least this depth' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min_depth?: number;

  @ApiPropertyOptional({ description: 'Metres; keeps observations starting no deeper than this' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max_depth?: number;

  @ApiPropertyOptional({ description: 'minLon,minLat,maxLon,maxLat', example: '-10,40,10,60' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  bbox?: string;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, description: 'Centre of a radius search' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat?: number;

  @ApiPropertyOptional({ minimum: -180, maximum: 180 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lng?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_RADIUS_KM, description: 'Kilometres; results by distance' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.001)
  @Max(MAX_RADIUS_KM)
  radius_km?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 100;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ enum: ['json', 'geojson'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'geojson'])
  format: 'json' | 'geojson' = 'json';
}

export class CuratedObservationDto {
  @ApiProperty({ example: 42 }) id: number;
  @ApiProperty() obis_id: string;
  @ApiProperty() species_name: string;
  @ApiProperty({ nullable: true, type: String }) common_name: string | null;
  @ApiProperty({ nullable: true, type: Number }) aphia_id: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) observation_date: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) observation_datetime: string | null;
  @ApiProperty() longitude: number;
  @ApiProperty() latitude: number;
  @ApiProperty({ nullable: true, type: String }) location_name: string | null;
  @ApiProperty({ nullable: true, type: String }) basis_of_record: string | null;
  @ApiProperty({ nullable: true, type: Number }) depth_min: number | null;
  @ApiProperty({ nullable: true, type: Number }) depth_max: number | null;
  @ApiProperty({ nullable: true, type: Number }) bathymetry: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Sea surface temperature (OBIS sst), °C' })
  temperature: number | null;
  @ApiProperty({ nullable: true, enum: Sex }) sex: Sex | null;
  @ApiProperty({ nullable: true, type: String }) dataset_name: string | null;
  @ApiProperty({ example: 'OBIS' }) source: string;
  @ApiPropertyOptional({ description: 'Kilometres from the search centre (radius searches)' })
  distance_km?: number;
}

export class CuratedObservationDetailDto extends CuratedObservationDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The OBIS record as received' })
  raw: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class CuratedObservationListDto {
  @ApiProperty({ type: [CuratedObservationDto] }) items: CuratedObservationDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page' })
  next_cursor: string | null;
  @ApiProperty() limit: number;
}

export class SpeciesListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Substring of the scientific or common name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

export class SpeciesSummaryDto {
  @ApiProperty() species_name: string;
  @ApiProperty({ nullable: true, type: String }) common_name: string | null;
  @ApiProperty({ nullable: true, type: Number }) aphia_id: number | null;
  @ApiProperty() count: number;
}

export class SpeciesPageDto extends PageMetaDto {
  @ApiProperty({ type: [SpeciesSummaryDto] }) items: SpeciesSummaryDto[];
}

export class CountDto {
  @ApiProperty() key: string;
  @ApiProperty() count: number;
}

export class SpeciesStatsDto {
  @ApiProperty() curated_observations: number;
  @ApiProperty() species: number;
  @ApiProperty() datasets: number;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) earliest_date: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) latest_date: string | null;
  @ApiProperty({ type: [CountDto] }) by_basis_of_record: CountDto[];
  @ApiProperty({ type: [CountDto] }) top_species: CountDto[];
  @ApiProperty() user_observations: number;
  @ApiProperty({ type: [CountDto] }) user_observations_by_status: CountDto[];
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_etl_run_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_etl_run_status: string | null;
}
