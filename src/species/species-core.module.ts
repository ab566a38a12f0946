import { BullModule } from '@nestjs/bull';
import { Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PersonalDataRegistry } from '../privacy/index.js';
import { PrivacyCoreModule } from '../privacy/privacy-core.module.js';
import { SPECIES_ENTITIES } from './entities/index.js';
import { ObisClient } from './etl/obis.client.js';
import { WormsClient } from './etl/worms.client.js';
import { CuratedObservationWriter } from './repositories/curated-observation.writer.js';
import { CuratedSearchService } from './services/curated-search.service.js';
import { EtlService } from './services/etl.service.js';
import { MapService } from './services/map.service.js';
import { ObservationsService } from './services/observations.service.js';
import { SpeciesPersonalData } from './services/species-personal-data.js';
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
    PrivacyCoreModule,
  ],
  providers: [ObisClient, WormsClient, ...SERVICES, SpeciesPersonalData],
  exports: SERVICES,
})
export class SpeciesCoreModule implements OnModuleInit {
  constructor(
    private readonly personalData: PersonalDataRegistry,
    private readonly sightings: SpeciesPersonalData,
  ) {}

  onModuleInit(): void {
    this.personalData.register(this.sightings);
  }
}
