import { Inject, Injectable } from '@nestjs/common';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import { ContactsKind } from './contacts.kind.js';
import type { JobKind } from './job-kind.js';
import { ObservationsKind } from './observations.kind.js';
import { SensorReadingsKind } from './sensor-readings.kind.js';

/**
 * Every kind of ingestion job. Adding one: write `kinds/<name>.kind.ts` (a class with a static `kindName` equal to
 * its `name`) and list its class here.
 */
export const JOB_KIND_CLASSES = [ContactsKind, SensorReadingsKind, ObservationsKind];

/** The kinds' names, known before the application starts (for the OpenAPI enum). */
export const JOB_KIND_NAMES: string[] = JOB_KIND_CLASSES.map((k) => k.kindName);

export const JOB_KINDS = Symbol('JOB_KINDS');

/** Injects every kind instance in `JOB_KINDS`. */
export const jobKindsProvider = {
  provide: JOB_KINDS,
  inject: JOB_KIND_CLASSES,
  useFactory: (...kinds: JobKind[]): JobKind[] => kinds,
};

@Injectable()
export class JobKindRegistry {
  private readonly byName: Map<string, JobKind>;

  constructor(@Inject(JOB_KINDS) kinds: JobKind[]) {
    this.byName = new Map(kinds.map((k) => [k.name, k]));
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  all(): JobKind[] {
    return [...this.byName.values()];
  }

  get(name: string): JobKind {
    const kind = this.byName.get(name);
    if (!kind) {
      throw new JobsError(
        JobsErrorCode.UNKNOWN_KIND,
        `Unknown kind '${name}'; expected one of ${this.names().join(', ')}`,
      );
    }
    return kind;
  }
}
