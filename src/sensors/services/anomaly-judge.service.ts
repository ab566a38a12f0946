import { Injectable } from '@nestjs/common';
import { type AnomalyVerdict, detectAnomaly } from '../anomaly-detector.js';
import type { ValidReading } from '../reading.js';
import { PreviousValues } from '../state/previous-values.js';
import { ThresholdsService } from './thresholds.service.js';

/**
 * The server's verdict on a batch of valid readings, in order: range from the thresholds, jump from the sensor's
 * previous value as every replica sees it (`PreviousValues`), which the batch advances.
 */
@Injectable()
export class AnomalyJudge {
  constructor(
    private readonly thresholds: ThresholdsService,
    private readonly previous: PreviousValues,
  ) {}

  async judgeBatch(readings: ValidReading[]): Promise<AnomalyVerdict[]> {
    const previous = await this.previous.advance(readings);
    return readings.map((r, i) =>
      detectAnomaly(r.value, previous[i], this.thresholds.resolve(r.sensorType, r.sensorId)),
    );
  }
}
