import { mapHeader, RowValues } from './job-kind.js';
import { ObservationsKind } from './observations.kind.js';

const kind = new ObservationsKind(undefined as never);

const row = (changes: Partial<RowValues> = {}): RowValues => ({
  species_name: 'Mola mola',
  common_name: null,
  latitude: '50.36',
  longitude: '-4.14',
  observation_datetime: '2024-06-01T10:30:00Z',
  location_name: 'Plymouth Sound',
  depth_min: null,
  depth_max: null,
  bathymetry: null,
  temperature: null,
  visibility: null,
  notes: null,
  sex: null,
  ...changes,
});

describe('ObservationsKind', () => {
  it('maps OBIS-style and plain header spellings', () => {
    const header = ['scientificName', 'decimalLatitude', 'decimalLongitude', 'eventDate', 'locality'];
    expect(mapHeader(kind, header).missing).toEqual([]);
    expect(mapHeader(kind, ['species', 'lat', 'lng', 'date', 'site']).missing).toEqual([]);
  });

  it('accepts a complete row, a date without a time and a sex in any case', () => {
    const full = row({ depth_min: '0', depth_max: '11000', temperature: '-5', sex: 'Female' });
    expect(kind.validateRow(full)).toEqual([]);
    expect(kind.validateRow(row({ observation_datetime: '2024-06-01' }))).toEqual([]);
  });

  it.each([
    [{ location_name: null }, 'MISSING_REQUIRED_FIELD', 'location_name'],
    [{ latitude: 'north' }, 'INVALID_NUMBER', 'latitude'],
    [{ latitude: '-90.5' }, 'OUT_OF_RANGE', 'latitude'],
    [{ longitude: '180.1' }, 'OUT_OF_RANGE', 'longitude'],
    [{ depth_max: '-1' }, 'OUT_OF_RANGE', 'depth_max'],
    [{ temperature: '51' }, 'OUT_OF_RANGE', 'temperature'],
    [{ depth_min: '10', depth_max: '9.5' }, 'DEPTH_RANGE_INVERTED', 'depth_min'],
    [{ observation_datetime: '2024-02-30T10:00:00Z' }, 'INVALID_DATE', 'observation_datetime'],
    [{ observation_datetime: '1 June 2024' }, 'INVALID_DATE', 'observation_datetime'],
    [{ species_name: 's'.repeat(201) }, 'TOO_LONG', 'species_name'],
    [{ sex: 'both' }, 'INVALID_SEX', 'sex'],
  ])('reports %j as %s on %s', (changes, type, field) => {
    expect(kind.validateRow(row(changes)).map((p) => [p.type, p.field])).toEqual([[type, field]]);
  });
});
