import { Injectable } from '@nestjs/common';
import { RedisService } from '../../redis/redis.service.js';

const LOCK_KEY = 'terrawatch:cloudcasting:run-lock';
const STATE_KEY = 'terrawatch:cloudcasting:run-state';
/** Long enough for one slow step; the holder refreshes it on every progress report. */
const LOCK_TTL_MS = 120_000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface RunState {
  is_running: boolean;
  job_id: string | null;
  current_task: string | null;
  progress: number;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
}

/**
 * The one-run-at-a-time lock and the progress of the current (or last) run, in Redis so every replica and the CLI
 * see the same state. The lock expires on its own if its holder dies, so a crash never blocks the next run.
 */
@Injectable()
export class RunStateStore {
  constructor(private readonly redis: RedisService) {}

  /** Takes the lock for `owner` (a job id); returns the current holder when it is taken. */
  async acquire(owner: string): Promise<{ acquired: true } | { acquired: false; holder: string }> {
    const ok = await this.redis.client.set(LOCK_KEY, owner, 'PX', LOCK_TTL_MS, 'NX');
    if (ok === 'OK') {
      await this.redis.client.hset(STATE_KEY, {
        job_id: owner,
        current_task: 'starting',
        progress: '0',
        error: '',
        started_at: new Date().toISOString(),
        finished_at: '',
      });
      return { acquired: true };
    }
    return { acquired: false, holder: (await this.redis.client.get(LOCK_KEY)) ?? 'unknown' };
  }

  async holder(): Promise<string | null> {
    return this.redis.client.get(LOCK_KEY);
  }

  async report(owner: string, task: string, progress: number): Promise<void> {
    await this.redis.client.eval(EXTEND, 1, LOCK_KEY, owner, LOCK_TTL_MS);
    await this.redis.client.hset(STATE_KEY, { current_task: task, progress: String(Math.round(progress)) });
  }

  async finish(owner: string, outcome: { task: string; error?: string }): Promise<void> {
    await this.redis.client.hset(STATE_KEY, {
      current_task: outcome.task,
      progress: outcome.error ? '0' : '100',
      error: outcome.error ?? '',
      finished_at: new Date().toISOString(),
    });
    await this.redis.client.eval(RELEASE, 1, LOCK_KEY, owner);
  }

  async read(): Promise<RunState> {
    const [holder, state] = await Promise.all([this.holder(), this.redis.client.hgetall(STATE_KEY)]);
    return {
      is_running: holder !== null,
      job_id: holder ?? (state.job_id || null),
      current_task: state.current_task || null,
      progress: Number(state.progress ?? 0),
      error: state.error || null,
      started_at: state.started_at || null,
      finished_at: holder ? null : state.finished_at || null,
    };
  }
}
