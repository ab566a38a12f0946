import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pLimit from 'p-limit';
import { DataSource } from 'typeorm';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';
import { WormsClient } from '../etl/worms.client.js';

/**
 * Common names by AphiaID: the PostgreSQL cache first (entries expire after WORMS_CACHE_TTL_DAYS), then WoRMS with
 * bounded concurrency. A WoRMS failure yields no name and is not cached, so a later run asks again; it never fails
 * the caller.
 */
@Injectable()
export class VernacularNamesService {
  private readonly logger = new Logger(VernacularNamesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly worms: WormsClient,
    @Inject(speciesConfig.KEY) private readonly config: SpeciesConfig,
  ) {}

  /** Names of the given taxa; a taxon without one is absent from the map. Also counts WoRMS failures. */
  async resolve(aphiaIds: number[]): Promise<{ names: Map<number, string>; failures: number }> {
    const wanted = [...new Set(aphiaIds)];
    const names = new Map<number, string>();
    if (wanted.length === 0) return { names, failures: 0 };
    const cached = await this.db.query<Array<{ aphia_id: number; common_name: string | null }>>(
      `SELECT aphia_id, common_name FROM worms_vernacular_cache WHERE aphia_id = ANY($1::int[]) AND expires_at > now()`,
      [wanted],
    );
    const known = new Set<number>();
    for (const row of cached) {
      known.add(row.aphia_id);
      if (row.common_name) names.set(row.aphia_id, row.common_name);
    }
    const missing = wanted.filter((id) => !known.has(id));
    const limit = pLimit(this.config.worms.concurrency);
    let failures = 0;
    const fetched = await Promise.all(
      missing.map((id) =>
        limit(async () => {
          try {
            return { id, name: await this.worms.englishName(id) };
          } catch (error) {
            failures += 1;
            this.logger.warn(`WoRMS lookup of ${id} failed: ${(error as Error).message}`);
            return undefined;
          }
        }),
      ),
    );
    const found = fetched.filter((f): f is { id: number; name: string | null } => f !== undefined);
    if (found.length > 0) {
      await this.db.query(
        `INSERT INTO worms_vernacular_cache (aphia_id, common_name, fetched_at, expires_at)
         SELECT id, name, now(), now() + make_interval(days => $3)
         FROM unnest($1::int[], $2::text[]) AS t(id, name)
         ON CONFLICT (aphia_id) DO UPDATE
           SET common_name = EXCLUDED.common_name, fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at`,
        [found.map((f) => f.id), found.map((f) => f.name), this.config.worms.cacheTtlDays],
      );
    }
    for (const f of found) if (f.name) names.set(f.id, f.name);
    return { names, failures };
  }
}
