import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SPECIES_ENTITIES } from './entities/index.js';
import { ObisClient } from './etl/obis.client.js';
import { WormsClient } from './etl/worms.client.js';
import { CuratedObservationWriter } from './repositories/curated-observation.writer.js';
import { CuratedSearchService } from './services/curated-search.service.js';
import { EtlService } from './services/etl.service.js';
import { MapService } from './services/map.service.js';
import { ObservationsService } from './services/observations.service.js';
import { VernacularNamesService } from './services/vernacular-names.service.js';
import { SPECIES_ETL_QUEUE, SpeciesQueue } from './species.queue.js';

const SERVICES = [
  EtlService,
  VernacularNamesService,
  CuratedSearchService,
  ObservationsService,
  MapService,
  CuratedObservationWriter,
  SpeciesQueue,
];

/**
 * Marine species, what every process needs: OBIS occurrences enriched with WoRMS names (the ETL), spatial search,
 * users' sightings and the map. Nothing here touches the database at start-up, so the CLI can run `migrate` on an
 * empty one. Other modules use `ObservationsService` (e.g. `createMany`).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature(SPECIES_ENTITIES),
    BullModule.registerQueue({ name: SPECIES_ETL_QUEUE.name }),
  ],
  providers: [ObisClient, WormsClient, ...SERVICES],
  exports: SERVICES,
})
export class SpeciesCoreModule {}
