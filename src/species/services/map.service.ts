import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, hasRole, Role } from '../../auth/index.js';
import { feature, FeatureCollectionDto, FeatureDto } from '../dto/geo.dto.js';
import { Circle } from '../search/geo-params.js';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';

interface MapRow {
  id: string;
  species_name: string;
  common_name: string | null;
  observed: Date | string | null;
  lng: number;
  lat: number;
  distance_m: number;
  extra: Record<string, unknown>;
}

/**
 * Curated and user sightings around a point, merged into one FeatureCollection ordered by distance. Users see
 * their own sightings and validated ones of others; researchers and admins see all.
 */
@Injectable()
export class MapService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(speciesConfig.KEY) private readonly config: SpeciesConfig,
  ) {}

  async around(circle: Circle, caller: AuthUser): Promise<FeatureCollectionDto> {
    const limit = this.config.mapMaxFeatures;
    const seesAll = hasRole(caller, Role.RESEARCHER, Role.ADMIN);
    const params = [circle.lng, circle.lat, circle.radiusKm * 1000, limit, caller.id, seesAll];
    const centre = `ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography`;
    const [curated, users] = await Promise.all([
      this.db.query<MapRow[]>(
        `SELECT c.id::text AS id, c.species_name, c.common_name, to_char(c.observation_date, 'YYYY-MM-DD') AS observed,
           ST_X(c.location::geometry) AS lng, ST_Y(c.location::geometry) AS lat,
           ST_Distance(c.location, ${centre}) AS distance_m,
           jsonb_build_object('obis_id', c.obis_id, 'aphia_id', c.aphia_id, 'dataset_name', c.dataset_name) AS extra
         FROM curated_observations c
         WHERE ST_DWithin(c.location, ${centre}, $3)
         ORDER BY distance_m, c.id LIMIT $4`,
        params.slice(0, 4),
      ),
      this.db.query<MapRow[]>(
        `SELECT o.id::text AS id, o.species_name, o.common_name, o.observation_datetime AS observed,
           ST_X(o.location::geometry) AS lng, ST_Y(o.location::geometry) AS lat,
           ST_Distance(o.location, ${centre}) AS distance_m,
           jsonb_build_object('validated', o.validated, 'owner_id', o.owner_id, 'location_name', o.location_name) AS extra
         FROM observations o
         WHERE ST_DWithin(o.location, ${centre}, $3)
           AND (o.owner_id = $5 OR o.validated = 'validated' OR $6)
         ORDER BY distance_m, o.id LIMIT $4`,
        params,
      ),
    ]);
    const features = [
      ...curated.map((r) => this.toFeature('obis', 'OBIS', r)),
      ...users.map((r) => this.toFeature('user', 'user', r)),
    ]
      .sort((a, b) => (a.properties.distance_km as number) - (b.properties.distance_km as number))
      .slice(0, limit);
    return { type: 'FeatureCollection', features };
  }

  private toFeature(prefix: 'obis' | 'user', source: string, r: MapRow): FeatureDto {
    return feature(`${prefix}-${r.id}`, r.lng, r.lat, {
      source,
      species_name: r.species_name,
      common_name: r.common_name,
      observed: r.observed instanceof Date ? r.observed.toISOString() : r.observed,
      distance_km: Number(r.distance_m) / 1000,
      ...r.extra,
    });
  }
}
