import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { RedisService } from '../../redis/redis.service.js';

const KEY = 'terrawatch:sensors:previous';
/** A batch does not wait longer than this for Redis before judging with local values. */
const REDIS_TIMEOUT_MS = 1000;
/** Bounds the in-process fallback used while Redis is unreachable. */
const MAX_LOCAL = 200_000;

/**
 * For each sensor of a batch (in order), swaps the stored value with the batch's last one and returns what was
 * there: atomic, so two replicas writing batches of one sensor see each other's values in the order they ran.
 */
const SWAP_SCRIPT = `
local out = {}
for i = 1, #ARGV, 2 do
  out[#out + 1] = redis.call('HGET', KEYS[1], ARGV[i]) or false
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return out`;

type SwapClient = Redis & {
  sensorsSwapPrevious(key: string, ...args: string[]): Promise<Array<string | null>>;
};

/** One reading's sensor and value, in batch order. */
export interface SensorValue {
  sensorId: string;
  sensorType: string;
  value: number;
}

/**
 * The previous value of every sensor, shared by all replicas (Redis hash), for the jump check: whichever replica
 * stored a sensor's last reading, the next one is judged against it. A sensor Redis does not know yet (first
 * reading, or Redis emptied) starts from its registry row (`sensors.last_value`). While Redis is unreachable the
 * replica judges with the values it saw itself (logged, counted) rather than stop ingesting.
 */
@Injectable()
export class PreviousValues {
  private readonly logger = new Logger(PreviousValues.name);
  private readonly client: SwapClient;
  private readonly local = new Map<string, number>();
  /** Batches judged with this replica's own values because Redis was unreachable. */
  fallbacks = 0;

  constructor(
    redis: RedisService,
    @InjectDataSource() private readonly db: DataSource,
  ) {
    this.client = redis.client as SwapClient;
    if (typeof (redis.client as unknown as Partial<SwapClient>).sensorsSwapPrevious !== 'function')
      this.client.defineCommand('sensorsSwapPrevious', { numberOfKeys: 1, lua: SWAP_SCRIPT });
  }

  /** The previous value of each reading's sensor (undefined: none known), advancing the state past the batch. */
  async advance(readings: SensorValue[]): Promise<Array<number | undefined>> {
    const keys = readings.map((r) => `${r.sensorId}\u0000${r.sensorType}`);
    // The batch's last value per sensor; its first reading takes the shared value, the others their predecessor.
    const last = new Map<string, number>();
    keys.forEach((key, i) => last.set(key, readings[i].value));
    let shared: Map<string, number | undefined>;
    try {
      shared = await this.swap(last);
    } catch (error) {
      this.fallbacks += 1;
      if (this.fallbacks === 1 || this.fallbacks % 1000 === 0)
        this.logger.warn(
          `Redis unreachable (${(error as Error).message}); jump checks use this replica's values`,
        );
      shared = new Map([...last.keys()].map((key) => [key, this.local.get(key)]));
    }
    const previous = new Map(shared);
    const result = keys.map((key, i) => {
      const before = previous.get(key);
      previous.set(key, readings[i].value);
      return before;
    });
    if (this.local.size > MAX_LOCAL) this.local.clear();
    for (const [key, value] of last) this.local.set(key, value);
    return result;
  }

  private async swap(last: Map<string, number>): Promise<Map<string, number | undefined>> {
    const args: string[] = [];
    for (const [key, value] of last) args.push(key, String(value));
    const replies = await withTimeout(this.client.sensorsSwapPrevious(KEY, ...args), REDIS_TIMEOUT_MS);
    const out = new Map<string, number | undefined>();
    const missing: string[] = [];
    let i = 0;
    for (const key of last.keys()) {
      const reply = replies[i++];
      if (reply === null || reply === undefined) missing.push(key);
      out.set(key, reply === null || reply === undefined ? undefined : Number(reply));
    }
    if (missing.length > 0) for (const [key, value] of await this.fromRegistry(missing)) out.set(key, value);
    return out;
  }

  /** Sensors Redis does not know: their last stored value, if any. */
  private async fromRegistry(keys: string[]): Promise<Map<string, number>> {
    const ids = keys.map((k) => k.slice(0, k.indexOf('\u0000')));
    const types = keys.map((k) => k.slice(k.indexOf('\u0000') + 1));
    const rows = (await this.db.query(
      `SELECT s.sensor_id, s.sensor_type, s.last_value
         FROM sensors s JOIN unnest($1::text[], $2::text[]) AS k(sensor_id, sensor_type)
           ON s.sensor_id = k.sensor_id AND s.sensor_type = k.sensor_type`,
      [ids, types],
    )) as Array<{ sensor_id: string; sensor_type: string; last_value: number }>;
    return new Map(rows.map((r) => [`${r.sensor_id}\u0000${r.sensor_type}`, r.last_value]));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
