import { Redis } from 'ioredis';

/** Empties the test Redis database (rate-limit counters, queues). */
export async function flushRedis(): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL as string);
  await redis.flushdb();
  await redis.quit();
}
