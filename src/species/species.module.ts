import { BullModule } from '@nestjs/bull';
import { Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { StatusRegistry } from '../common/status/status.registry.js';
import { SPECIES_ENTITIES } from './entities/index.js';
import { CuratedObservationWriter } from './etl/curated-observation.writer.js';
import { EtlController } from './etl/etl.controller.js';
import { SPECIES_ETL_QUEUE } from './etl/etl.queue.js';
import { EtlService } from './etl/etl.service.js';
import { ObisClient } from './etl/obis.client.js';
import { VernacularNamesService } from './etl/vernacular-names.service.js';
import { WormsClient } from './etl/worms.client.js';
import { MapController } from './map/map.controller.js';
import { MapService } from './map/map.service.js';
import { ObservationsController } from './observations/observations.controller.js';
import { ObservationsService } from './observations/observations.service.js';
import { ProfilesController } from './observations/profiles.controller.js';
import { CuratedSearchService } from './search/curated-search.service.js';
import { SpeciesController } from './search/species.controller.js';

/**
 * Marine species: OBIS occurrences enriched with WoRMS names (ETL), spatial search, users' sightings and the map.
 * Used by the HTTP app and the CLI; the queue worker and the crons live in SpeciesWorkerModule, which only the
 * HTTP app loads. Other modules use `ObservationsService` (e.g. `createMany`).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(SPECIES_ENTITIES),
    BullModule.registerQueue({ name: SPECIES_ETL_QUEUE }),
    AuthModule,
  ],
  controllers: [SpeciesController, EtlController, ObservationsController, MapController, ProfilesController],
  providers: [
    ObisClient,
    WormsClient,
    VernacularNamesService,
    CuratedObservationWriter,
    EtlService,
    CuratedSearchService,
    ObservationsService,
    MapService,
  ],
  exports: [ObservationsService, EtlService, CuratedObservationWriter, BullModule],
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
