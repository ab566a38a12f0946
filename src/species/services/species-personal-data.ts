import { rm } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Erasure, PersonalDataContributor } from '../../privacy/index.js';
import { toFeature } from '../observations/observation.geojson.js';
import { ObservationsService } from './observations.service.js';

/** The user's own sightings (GeoJSON features, streamed in keyset pages) and their photos. */
@Injectable()
export class SpeciesPersonalData implements PersonalDataContributor {
  readonly name = 'species';
  readonly description = 'sightings (observations) with their photos in SPECIES_UPLOAD_DIR';

  constructor(private readonly observations: ObservationsService) {}

  export(userId: string) {
    return Promise.resolve({ observations: this.features(userId) });
  }

  async erase(userId: string, manager: EntityManager): Promise<Erasure> {
    const { count, imageFiles } = await this.observations.eraseAllOf(userId, manager);
    return {
      counts: { observations: count, images: imageFiles.length },
      afterCommit: imageFiles.map((file) => () => rm(file, { force: true })),
    };
  }

  private async *features(userId: string) {
    for await (const page of this.observations.exportAll(userId)) yield* page.map((o) => toFeature(o));
  }
}
