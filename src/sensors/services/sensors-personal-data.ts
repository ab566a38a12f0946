import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Erasure, PersonalDataContributor } from '../../privacy/index.js';
import { SensorThreshold } from '../entities/sensor-threshold.entity.js';

/**
 * Sensors hold no data of a user's own (readings belong to devices); only the admin's name on the thresholds they
 * last changed. Erasure detaches it and keeps the thresholds, which the platform still needs.
 */
@Injectable()
export class SensorsPersonalData implements PersonalDataContributor {
  readonly name = 'sensors';
  readonly description = 'thresholds the user last changed (as an admin): detached on erasure, not deleted';

  constructor(@InjectRepository(SensorThreshold) private readonly thresholds: Repository<SensorThreshold>) {}

  async export(userId: string) {
    const changed = await this.thresholds.find({
      where: { updatedBy: userId },
      order: { scope: 'ASC', subject: 'ASC' },
    });
    return {
      thresholds_changed: changed.map((t) => ({
        scope: t.scope,
        subject: t.subject,
        min: t.min,
        max: t.max,
        jump: t.jump,
        updated_at: t.updatedAt.toISOString(),
      })),
    };
  }

  async erase(userId: string, manager: EntityManager): Promise<Erasure> {
    // A raw UPDATE: TypeORM's would bump updated_at, which records the threshold's change, not this one.
    const [, detached] = await manager.query<[unknown, number]>(
      `UPDATE sensor_thresholds SET updated_by = NULL WHERE updated_by = $1`,
      [userId],
    );
    return { counts: { thresholds_detached: detached } };
  }
}
