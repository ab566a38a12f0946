import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { RedisService } from '../../redis/redis.service.js';

const LOCK_KEY = 'terrawatch:cloudcasting:run-lock';
const STATE_KEY = 'terrawatch:cloudcasting:run-state';
/**
 * The lock outlives its holder by at most this long: the holder renews it every HEARTBEAT_MS while it runs, so a
 * killed run's lock goes soon, and the status stops saying "running".
 */
const LOCK_TTL_MS = 15_000;
const HEARTBEAT_MS = 5_000;

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/**
 * Taken when free, or when its holder is this very owner: the same Bull job taken up again after its worker died
 * (Bull hands a job to one worker at a time), so the retry is not skipped by the dead run's lock.
 */
const ACQUIRE = `local holder = redis.call('get', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
  if holder == false then return 1 else return 2 end
end
return holder`;
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

export type Acquired = { acquired: true; tookOver: boolean } | { acquired: false; holder: string };

/**
 * The one-run-at-a-time lock and the progress of the current (or last) run, in Redis so every replica and the CLI
 * see the same state. The holder's heartbeat keeps the lock; it expires on its own soon after its holder dies, and
 * the retry of the same job takes it over at once, so a crash never blocks the next run nor drops the retry.
 */
@Injectable()
export class RunStateStore implements OnModuleDestroy {
  private readonly heartbeats = new Map<string, NodeJS.Timeout>();

  constructor(private readonly redis: RedisService) {}

  /** Takes the lock for `owner` (a job id); returns the current holder when another owner has it. */
  async acquire(owner: string): Promise<Acquired> {
    const result = (await this.redis.client.eval(ACQUIRE, 1, LOCK_KEY, owner, LOCK_TTL_MS)) as
      number | string;
    if (result === 1 || result === 2) {
      this.startHeartbeat(owner);
      await this.redis.client.hset(STATE_KEY, {
        job_id: owner,
        current_task: 'starting',
        progress: '0',
        error: '',
        started_at: new Date().toISOString(),
        finished_at: '',
      });
      return { acquired: true, tookOver: result === 2 };
    }
    return { acquired: false, holder: String(result) };
  }

  private startHeartbeat(owner: string): void {
    clearInterval(this.heartbeats.get(owner));
    const timer = setInterval(
      () => void this.redis.client.eval(EXTEND, 1, LOCK_KEY, owner, LOCK_TTL_MS).catch(() => undefined),
      HEARTBEAT_MS,
    );
    timer.unref();
    this.heartbeats.set(owner, timer);
  }

  onModuleDestroy(): void {
    for (const timer of this.heartbeats.values()) clearInterval(timer);
    this.heartbeats.clear();
  }

  async holder(): Promise<string | null> {
    return this.redis.client.get(LOCK_KEY);
  }

  async report(owner: string, task: string, progress: number): Promise<void> {
    await this.redis.client.eval(EXTEND, 1, LOCK_KEY, owner, LOCK_TTL_MS);
    await this.redis.client.hset(STATE_KEY, { current_task: task, progress: String(Math.round(progress)) });
  }

  async finish(owner: string, outcome: { task: string; error?: string }): Promise<void> {
    clearInterval(this.heartbeats.get(owner));
    this.heartbeats.delete(owner);
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
    // Started, not finished, and nobody holds the lock: its process died (the queue may still take it up again).
    const interrupted = holder === null && !!state.started_at && !state.finished_at;
    return {
      is_running: holder !== null,
      job_id: holder ?? (state.job_id || null),
      current_task: interrupted ? `interrupted while ${state.current_task}` : state.current_task || null,
      progress: Number(state.progress ?? 0),
      error: interrupted ? 'The run stopped without finishing: its process died' : state.error || null,
      started_at: state.started_at || null,
      finished_at: holder ? null : state.finished_at || null,
    };
  }
}
