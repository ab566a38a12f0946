import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Sex } from '../entities/sex.js';
import { mapObisRecord, parseEventDate, UNKNOWN_SPECIES } from './obis-mapper.js';
import type { ObisPage, ObisRecord } from './obis-record.js';

const fixture = (name: string): ObisPage =>
  JSON.parse(readFileSync(resolve(process.cwd(), 'test/fixtures/species', name), 'utf8')) as ObisPage;
const global = fixture('occurrence-global-page.json').results;
const molaGadus = fixture('occurrence-mola-gadus-page.json').results;
const byId = (id: string): ObisRecord => {
  const found = [...global, ...molaGadus].find((r) => r.id === id);
  if (!found) throw new Error(`no record ${id}`);
  return found;
};
const mapped = (record: ObisRecord) => {
  const result = mapObisRecord(record);
  if (!result.ok) throw new Error(`skipped: ${result.reason}`);
  return result.value;
};

describe('parseEventDate', () => {
  it.each([
    ['2007-09-06', { date: '2007-09-06', datetime: null }],
    ['1954-07', { date: '1954-07-01', datetime: null }],
    ['1997', { date: '1997-01-01', datetime: null }],
    ['1998-07-21/1998-07-22', { date: '1998-07-21', datetime: null }],
    ['2004-05-09T20:58:00', { date: '2004-05-09', datetime: '2004-05-09T20:58:00.000Z' }],
    ['2013-06-23 23:05:13', { date: '2013-06-23', datetime: '2013-06-23T23:05:13.000Z' }],
    ['1994-07-21T08:10:00+00:00', { date: '1994-07-21', datetime: '1994-07-21T08:10:00.000Z' }],
    ['2013-07-10T12:59:00-0300', { date: '2013-07-10', datetime: '2013-07-10T15:59:00.000Z' }],
    ['1972-04-21 22:40:00+01', { date: '1972-04-21', datetime: '1972-04-21T21:40:00.000Z' }],
    ['1990-07-30T02:00Z', { date: '1990-07-30', datetime: '1990-07-30T02:00:00.000Z' }],
    ['2015-11-10T18:13:44.35+09:00', { date: '2015-11-10', datetime: '2015-11-10T09:13:44.350Z' }],
    [
      '2010-01-01T10:00:00Z/2010-01-02T10:00:00Z',
      { date: '2010-01-01', datetime: '2010-01-01T10:00:00.000Z' },
    ],
  ])('%s', (input, expected) => {
    expect(parseEventDate(input)).toEqual(expected);
  });

  it.each(['', 'yesterday', '2001-13-01', '2001-02-30', '2001-02-03T25:00:00', '/2001-02-03'])(
    'refuses %j',
    (input) => {
      expect(parseEventDate(input)).toBeUndefined();
    },
  );
});

describe('mapObisRecord on the real OBIS pages', () => {
  it('maps every record of both pages (all have coordinates)', () => {
    for (const record of [...global, ...molaGadus]) {
      const result = mapObisRecord(record);
      expect(result.ok).toBe(true);
    }
  });

  it('maps a plain record field by field', () => {
    const record = global[0];
    const row = mapped(record);
    expect(row).toMatchObject({
      obisId: record.id,
      speciesName: record.scientificName,
      aphiaId: record.aphiaID,
      longitude: record.decimalLongitude,
      latitude: record.decimalLatitude,
      observationDate: '2007-09-06',
      observationDatetime: null,
      basisOfRecord: record.basisOfRecord,
      bathymetry: record.bathymetry,
      temperature: record.sst,
    });
    expect(row.raw).toBe(record);
  });

  it('takes the start of an interval', () => {
    expect(mapped(byId('0000013d-37ef-46e2-8fb8-bd2fb3683863')).observationDate).toBe('1998-07-21');
  });

  it('falls back to date_start when eventDate is missing, and to nothing when both are', () => {
    const noDates = mapped(byId('000001ef-2e42-4e96-94eb-809316503039'));
    expect(noDates.observationDate).toBeNull();
    expect(noDates.observationDatetime).toBeNull();
    const record = { ...byId('0000013d-37ef-46e2-8fb8-bd2fb3683863') };
    delete record.eventDate;
    expect(mapped(record).observationDate).toBe('1998-07-21');
    const midOnly: ObisRecord = { ...record, date_start: undefined, date_mid: Date.UTC(2001, 4, 6) };
    expect(mapped(midOnly).observationDate).toBe('2001-05-06');
  });

  it('reads month-only dates of the real page', () => {
    expect(mapped(byId('0000bf51-cfd9-4ad1-8e4d-5813494f5786')).observationDate).toBe('1954-07-01');
  });

  it('copies the missing side of the depth range, or uses depth', () => {
    const base: ObisRecord = { id: 'x', decimalLatitude: 1, decimalLongitude: 2 };
    expect(mapped({ ...base, maximumDepthInMeters: 30 })).toMatchObject({ depthMin: 30, depthMax: 30 });
    expect(mapped({ ...base, minimumDepthInMeters: '5' })).toMatchObject({ depthMin: 5, depthMax: 5 });
    expect(mapped({ ...base, minimumDepthInMeters: 5, maximumDepthInMeters: 9, depth: 7 })).toMatchObject({
      depthMin: 5,
      depthMax: 9,
    });
    expect(mapped({ ...base, depth: 12.5 })).toMatchObject({ depthMin: 12.5, depthMax: 12.5 });
    expect(mapped(base)).toMatchObject({ depthMin: null, depthMax: null });
  });

  it('skips records without both coordinates or out of range', () => {
    expect(mapObisRecord({ id: 'a', decimalLatitude: 10 })).toEqual({
      ok: false,
      reason: 'missing_coordinates',
    });
    expect(mapObisRecord({ id: 'b', decimalLatitude: 91, decimalLongitude: 0 })).toEqual({
      ok: false,
      reason: 'coordinates_out_of_range',
    });
    expect(mapObisRecord({ id: 'c', decimalLatitude: 0, decimalLongitude: -180.5 })).toEqual({
      ok: false,
      reason: 'coordinates_out_of_range',
    });
  });

  it('defaults the species name and normalises sex', () => {
    const base: ObisRecord = { id: 'x', decimalLatitude: 1, decimalLongitude: 2 };
    expect(mapped(base).speciesName).toBe(UNKNOWN_SPECIES);
    expect(mapped({ ...base, sex: 'FEMALE' }).sex).toBe(Sex.FEMALE);
    expect(mapped({ ...base, sex: 'M' }).sex).toBe(Sex.MALE);
    expect(mapped({ ...base, sex: 'Undetermined - no attempt made' }).sex).toBe(Sex.UNKNOWN);
    expect(mapped(base).sex).toBeNull();
  });

  it('keeps the record vernacular name', () => {
    const withName = molaGadus.find((r) => r.vernacularName === 'Atlantic cod') as ObisRecord;
    expect(mapped(withName).commonName).toBe('Atlantic cod');
  });
});
