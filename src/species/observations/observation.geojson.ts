import { apiPath } from '../../common/http/api-prefix.js';
import { ObservationFeatureDto } from '../dto/observation.dto.js';
import { Observation } from '../entities/observation.entity.js';

export function toFeature(o: Observation): ObservationFeatureDto {
  return {
    type: 'Feature',
    id: o.id,
    geometry: { type: 'Point', coordinates: [o.location.coordinates[0], o.location.coordinates[1]] },
    properties: {
      id: o.id,
      owner_id: o.ownerId,
      species_name: o.speciesName,
      common_name: o.commonName,
      location_name: o.locationName,
      observation_datetime: o.observationDatetime.toISOString(),
      depth_min: o.depthMin,
      depth_max: o.depthMax,
      bathymetry: o.bathymetry,
      temperature: o.temperature,
      visibility: o.visibility,
      notes: o.notes,
      sex: o.sex,
      validated: o.validated,
      source: o.source,
      image_url: o.imagePath ? apiPath(`observations/${o.id}/image`) : null,
      created_at: o.createdAt.toISOString(),
      updated_at: o.updatedAt.toISOString(),
    },
  };
}

export const CSV_COLUMNS = [
  'id',
  'species_name',
  'common_name',
  'observation_datetime',
  'longitude',
  'latitude',
  'location_name',
  'depth_min',
  'depth_max',
  'bathymetry',
  'temperature',
  'visibility',
  'sex',
  'validated',
  'notes',
  'created_at',
] as const;

/** One CSV line (RFC 4180 quoting; a leading =,+,-,@ is prefixed with ' so spreadsheets do not run it). */
export function toCsvLine(o: Observation): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    id: o.id,
    species_name: o.speciesName,
    common_name: o.commonName,
    observation_datetime: o.observationDatetime.toISOString(),
    longitude: o.location.coordinates[0],
    latitude: o.location.coordinates[1],
    location_name: o.locationName,
    depth_min: o.depthMin,
    depth_max: o.depthMax,
    bathymetry: o.bathymetry,
    temperature: o.temperature,
    visibility: o.visibility,
    sex: o.sex,
    validated: o.validated,
    notes: o.notes,
    created_at: o.createdAt.toISOString(),
  };
  return CSV_COLUMNS.map((c) => csvField(values[c])).join(',');
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
