import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class PointGeometryDto {
  @ApiProperty({ enum: ['Point'] }) type: 'Point';
  @ApiProperty({ type: [Number], example: [-4.1427, 50.3655], description: '[lng, lat]' })
  coordinates: [number, number];
}

export class FeatureDto {
  @ApiProperty({ enum: ['Feature'] }) type: 'Feature';
  @ApiProperty({ example: 'obis-42', oneOf: [{ type: 'string' }, { type: 'number' }] }) id: string | number;
  @ApiProperty({ type: PointGeometryDto }) geometry: PointGeometryDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) properties: Record<string, unknown>;
}

export class FeatureCollectionDto {
  @ApiProperty({ enum: ['FeatureCollection'] }) type: 'FeatureCollection';
  @ApiProperty({ type: [FeatureDto] }) features: FeatureDto[];
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Cursor of the next page' })
  next_cursor?: string | null;
  @ApiPropertyOptional() total?: number;
  @ApiPropertyOptional() limit?: number;
  @ApiPropertyOptional() offset?: number;
}

export function feature(
  id: string | number,
  lng: number,
  lat: number,
  properties: Record<string, unknown>,
): FeatureDto {
  return { type: 'Feature', id, geometry: { type: 'Point', coordinates: [lng, lat] }, properties };
}
