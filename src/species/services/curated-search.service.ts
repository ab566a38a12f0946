import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { page, Page, PageQueryDto } from '../../common/pagination/pagination.js';
import {
  CountDto,
  CuratedObservationDetailDto,
  CuratedObservationDto,
  SpeciesStatsDto,
  SpeciesSummaryDto,
} from '../dto/search.dto.js';
import { Sex } from '../entities/sex.js';
import { invalidParameter, SpeciesError, SpeciesErrorCode } from '../species.errors.js';
import { decodeCursor, encodeCursor } from '../search/cursor.js';
import { Bbox, Circle } from '../search/geo-params.js';

export interface CuratedSearch {
  speciesName?: string;
  commonName?: string;
  aphiaId?: number;
  from?: string;
  to?: string;
  minDepth?: number;
  maxDepth?: number;
  bbox?: Bbox;
  circle?: Circle;
  limit: number;
  cursor?: string;
}

export interface CuratedResults {
  items: CuratedObservationDto[];
  nextCursor: string | null;
}

interface Row {
  id: string;
  obis_id: string;
  species_name: string;
  common_name: string | null;
  aphia_id: number | null;
  observation_date: string | null;
  observation_datetime: Date | null;
  lng: number;
  lat: number;
  location_name: string | null;
  basis_of_record: string | null;
  depth_min: number | null;
  depth_max: number | null;
  bathymetry: number | null;
  temperature: number | null;
  sex: Sex | null;
  dataset_name: string | null;
  source: string;
  distance_m?: number;
  raw?: Record<string, unknown>;
  created_at?: Date;
  updated_at?: Date;
}

const COLUMNS = `c.id::text AS id, c.obis_id, c.species_name, c.common_name, c.aphia_id,
  to_char(c.observation_date, 'YYYY-MM-DD') AS observation_date, c.observation_datetime,
  ST_X(c.location::geometry) AS lng, ST_Y(c.location::geometry) AS lat, c.location_name, c.basis_of_record,
  c.depth_min, c.depth_max, c.bathymetry, c.temperature, c.sex, c.dataset_name, c.source`;

/** Escapes LIKE wildcards so a user's `%` or `_` match themselves. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** Read side of the curated OBIS observations: filters, bbox, radius (by distance), keyset pages, figures. */
@Injectable()
export class CuratedSearchService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async search(q: CuratedSearch): Promise<CuratedResults> {
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to))
      throw invalidParameter('from', 'must not be after to');
    if (q.minDepth !== undefined && q.maxDepth !== undefined && q.minDepth > q.maxDepth)
      throw invalidParameter('min_depth', 'must not be greater than max_depth');
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (q.speciesName)
      where.push(`lower(c.species_name) LIKE ${p(likeEscape(q.speciesName.toLowerCase()) + '%')}`);
    if (q.commonName) where.push(`c.common_name ILIKE ${p('%' + likeEscape(q.commonName) + '%')}`);
    if (q.aphiaId !== undefined) where.push(`c.aphia_id = ${p(q.aphiaId)}`);
    if (q.from) where.push(`c.observation_date >= ${p(q.from)}::timestamptz::date`);
    if (q.to) where.push(`c.observation_date <= ${p(q.to)}::timestamptz::date`);
    if (q.minDepth !== undefined) where.push(`c.depth_max >= ${p(q.minDepth)}`);
    if (q.maxDepth !== undefined) where.push(`c.depth_min <= ${p(q.maxDepth)}`);
    if (q.bbox)
      where.push(
        `c.location::geometry && ST_MakeEnvelope(${p(q.bbox.minLon)}, ${p(q.bbox.minLat)}, ${p(q.bbox.maxLon)}, ${p(q.bbox.maxLat)}, 4326)`,
      );

    let sql: string;
    if (q.circle) {
      const centre = `ST_SetSRID(ST_MakePoint(${p(q.circle.lng)}, ${p(q.circle.lat)}), 4326)::geography`;
      where.push(`ST_DWithin(c.location, ${centre}, ${p(q.circle.radiusKm * 1000)})`);
      const distance = `ST_Distance(c.location, ${centre})`;
      if (q.cursor) {
        const cursor = decodeCursor(q.cursor, true);
        where.push(`(${distance}, c.id) > (${p(cursor.distance)}::float8, ${p(cursor.id)}::bigint)`);
      }
      sql = `SELECT ${COLUMNS}, ${distance} AS distance_m FROM curated_observations c
        WHERE ${where.join(' AND ')} ORDER BY distance_m, c.id LIMIT ${p(q.limit + 1)}`;
    } else {
      if (q.cursor) where.push(`c.id < ${p(decodeCursor(q.cursor, false).id)}::bigint`);
      sql = `SELECT ${COLUMNS} FROM curated_observations c
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.id DESC LIMIT ${p(q.limit + 1)}`;
    }
    const rows = await this.db.query<Row[]>(sql, params);
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toDto),
      nextCursor: more && last ? encodeCursor({ id: last.id, distance: last.distance_m }) : null,
    };
  }

  async get(id: string): Promise<CuratedObservationDetailDto> {
    const rows = /^\d{1,18}$/.test(id)
      ? await this.db.query<Row[]>(
          `SELECT ${COLUMNS}, c.raw, c.created_at, c.updated_at FROM curated_observations c WHERE c.id = $1`,
          [id],
        )
      : [];
    const row = rows[0];
    if (!row) throw new SpeciesError(SpeciesErrorCode.OBSERVATION_NOT_FOUND, `Observation ${id} not found`);
    return {
      ...toDto(row),
      raw: row.raw ?? {},
      created_at: (row.created_at as Date).toISOString(),
      updated_at: (row.updated_at as Date).toISOString(),
    };
  }

  async species(query: PageQueryDto & { search?: string }): Promise<Page<SpeciesSummaryDto>> {
    const params: unknown[] = [];
    let filter = '';
    if (query.search) {
      params.push(`%${likeEscape(query.search)}%`);
      filter = `WHERE species_name ILIKE $1 OR common_name ILIKE $1`;
    }
    const rows = await this.db.query<Array<SpeciesSummaryDto & { total: string; count: string }>>(
      `SELECT species_name, max(common_name) AS common_name, min(aphia_id) AS aphia_id, count(*) AS count,
         count(*) OVER () AS total
       FROM curated_observations ${filter}
       GROUP BY species_name ORDER BY count(*) DESC, species_name
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    let total = rows.length > 0 ? Number(rows[0].total) : 0;
    if (rows.length === 0 && query.offset > 0) {
      const [counted] = await this.db.query<Array<{ n: string }>>(
        `SELECT count(DISTINCT species_name) AS n FROM curated_observations ${filter}`,
        params,
      );
      total = Number(counted.n);
    }
    const items = rows.map((r) => ({
      species_name: r.species_name,
      common_name: r.common_name,
      aphia_id: r.aphia_id,
      count: Number(r.count),
    }));
    return page(items, total, query);
  }

  async stats(): Promise<SpeciesStatsDto> {
    const [totals] = await this.db.query<
      Array<{ n: string; species: string; datasets: string; earliest: string | null; latest: string | null }>
    >(
      `SELECT count(*) AS n, count(DISTINCT species_name) AS species, count(DISTINCT dataset_name) AS datasets,
         to_char(min(observation_date), 'YYYY-MM-DD') AS earliest, to_char(max(observation_date), 'YYYY-MM-DD') AS latest
       FROM curated_observations`,
    );
    const counts = (sql: string) =>
      this.db
        .query<Array<{ key: string | null; count: string }>>(sql)
        .then((rows): CountDto[] => rows.map((r) => ({ key: r.key ?? 'unknown', count: Number(r.count) })));
    const [basis, top, users, lastRun] = await Promise.all([
      counts(
        `SELECT basis_of_record AS key, count(*) AS count FROM curated_observations GROUP BY 1 ORDER BY 2 DESC LIMIT 10`,
      ),
      counts(
        `SELECT species_name AS key, count(*) AS count FROM curated_observations GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
      ),
      counts(`SELECT validated::text AS key, count(*) AS count FROM observations GROUP BY 1 ORDER BY 1`),
      this.db.query<Array<{ created_at: Date; status: string }>>(
        `SELECT created_at, status FROM etl_runs ORDER BY created_at DESC LIMIT 1`,
      ),
    ]);
    return {
      curated_observations: Number(totals.n),
      species: Number(totals.species),
      datasets: Number(totals.datasets),
      earliest_date: totals.earliest,
      latest_date: totals.latest,
      by_basis_of_record: basis,
      top_species: top,
      user_observations: users.reduce((sum, c) => sum + c.count, 0),
      user_observations_by_status: users,
      last_etl_run_at: lastRun[0]?.created_at.toISOString() ?? null,
      last_etl_run_status: lastRun[0]?.status ?? null,
    };
  }
}

function toDto(row: Row): CuratedObservationDto {
  const dto: CuratedObservationDto = {
    id: Number(row.id),
    obis_id: row.obis_id,
    species_name: row.species_name,
    common_name: row.common_name,
    aphia_id: row.aphia_id,
    observation_date: row.observation_date,
    observation_datetime: row.observation_datetime?.toISOString() ?? null,
    longitude: row.lng,
    latitude: row.lat,
    location_name: row.location_name,
    basis_of_record: row.basis_of_record,
    depth_min: row.depth_min,
    depth_max: row.depth_max,
    bathymetry: row.bathymetry,
    temperature: row.temperature,
    sex: row.sex,
    dataset_name: row.dataset_name,
    source: row.source,
  };
  if (row.distance_m !== undefined) dto.distance_km = Number(row.distance_m) / 1000;
  return dto;
}
