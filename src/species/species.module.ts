import { Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { StatusRegistry } from '../common/status/status.registry.js';
import { EtlCron } from './crons/etl.cron.js';
import { EtlController } from './etl.controller.js';
import { EtlProcessor } from './jobs/etl.processor.js';
import { MapController } from './map.controller.js';
import { ObservationsController } from './observations.controller.js';
import { ProfilesController } from './profiles.controller.js';
import { SpeciesCoreModule } from './species-core.module.js';
import { SpeciesController } from './species.controller.js';

/**
 * Species in the HTTP app: the routes, the ETL worker, the scheduled loads and the module's line of
 * `GET /api/v1/status`. The core is re-exported, so a module importing this one gets `ObservationsService` too.
 */
@Module({
  imports: [SpeciesCoreModule, AuthModule],
  controllers: [SpeciesController, EtlController, ObservationsController, MapController, ProfilesController],
  providers: [EtlProcessor, EtlCron],
  exports: [SpeciesCoreModule],
})
export class SpeciesModule implements OnModuleInit {
  constructor(
    private readonly status: StatusRegistry,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onModuleInit(): void {
    this.status.register('species', async () => {
      const [row] = await this.db.query<
        Array<{
          curated_estimate: string;
          user_observations: string;
          last_run: string | null;
          last_status: string | null;
        }>
      >(
        `SELECT (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'curated_observations'::regclass) AS curated_estimate,
           (SELECT count(*) FROM observations) AS user_observations,
           (SELECT created_at FROM etl_runs ORDER BY created_at DESC LIMIT 1) AS last_run,
           (SELECT status::text FROM etl_runs ORDER BY created_at DESC LIMIT 1) AS last_status`,
      );
      return {
        curatedObservationsEstimate: Number(row.curated_estimate),
        userObservations: Number(row.user_observations),
        lastEtlRunAt: row.last_run,
        lastEtlRunStatus: row.last_status,
      };
    });
  }
}
