import { readFile } from 'node:fs/promises';
import { Inject } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Command, CommandRunner } from 'nest-commander';
import { authConfig, type AuthConfig, UserDirectory } from '../../auth/index.js';
import { AppConfig } from '../../config/app.config.js';
import { CuratedObservationWriter } from '../repositories/curated-observation.writer.js';
import { MappedObservation, mapObisRecord } from '../etl/obis-mapper.js';
import type { ObisRecord } from '../etl/obis-record.js';
import { ObservationsService } from '../services/observations.service.js';

/**
 * A sample of real OBIS occurrences (the first 50 records of each recorded page in test/fixtures/species, trimmed to
 * the fields the mapper reads), so the demo has curated observations without reaching the OBIS API. A data asset
 * that the build copies beside the compiled code.
 */
const DEMO_OCCURRENCES_FILE = new URL('../demo/demo-occurrences.json', import.meta.url);

const DEMO_SIGHTINGS = [
  {
    speciesName: 'Mola mola',
    commonName: 'Ocean Sunfish',
    locationName: 'Plymouth Sound',
    observationDatetime: '2024-07-14T11:20:00Z',
    location: { type: 'Point', coordinates: [-4.1427, 50.3455] },
    depthMin: 0,
    depthMax: 2,
    temperature: 16.5,
    visibility: 10,
    notes: 'Basking at the surface',
  },
  {
    speciesName: 'Phocoena phocoena',
    commonName: 'Harbour Porpoise',
    locationName: 'Moray Firth',
    observationDatetime: '2024-05-03T07:45:00Z',
    location: { type: 'Point', coordinates: [-3.9, 57.65] },
    notes: 'Pod of three',
  },
  {
    speciesName: 'Gadus morhua',
    commonName: 'Atlantic Cod',
    locationName: 'Lofoten',
    observationDatetime: '2024-03-21T13:00:00Z',
    location: { type: 'Point', coordinates: [14.1, 68.2] },
    depthMin: 18,
    depthMax: 25,
    temperature: 4,
    sex: 'unknown',
  },
];

/**
 * Demo data of the Species module: a bundled sample of real OBIS records through the ETL's mapper and upsert (no
 * network; names only from the records), and a few sightings of the demo admin. Idempotent; refuses production.
 */
@Command({ name: 'species:demo-seed', description: 'Load a sample of OBIS observations and demo sightings' })
export class SpeciesDemoSeedCommand extends CommandRunner {
  constructor(
    private readonly writer: CuratedObservationWriter,
    private readonly observations: ObservationsService,
    private readonly users: UserDirectory,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
    private readonly config: ConfigService,
  ) {
    super();
  }

  async run(): Promise<void> {
    if (!this.config.getOrThrow<AppConfig>('app').demoDataAllowed)
      throw new Error(
        'species:demo-seed does not run in production (unless DEMO_DATA=true, for a demo deployment)',
      );
    const occurrences = JSON.parse(await readFile(DEMO_OCCURRENCES_FILE, 'utf8')) as ObisRecord[];
    const rows = occurrences
      .map(mapObisRecord)
      .filter((r) => r.ok)
      .map((r) => (r as { value: MappedObservation }).value);
    const counts = await this.writer.upsert(rows);
    console.log(
      `Curated observations: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged`,
    );
    const admin = this.auth.demo ? await this.users.findByEmail(this.auth.demo.email) : null;
    if (!admin) {
      console.log('No demo admin (run demo:seed first): no demo sightings');
      return;
    }
    if ((await this.observations.countByOwner(admin.id)) > 0) {
      console.log(`Demo sightings of ${admin.username} already exist`);
      return;
    }
    const { ids } = await this.observations.createMany(admin.id, DEMO_SIGHTINGS);
    console.log(`Created ${ids.length} demo sightings for ${admin.username}`);
  }
}
