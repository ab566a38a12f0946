import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { flushRedis } from '../helpers/redis.js';

const execFileP = promisify(execFile);

/**
 * Two replicas' cron providers (built code, real Redis) tick for the same scheduled time: Bull ends up with one
 * job, carrying only the mode (the worker creates the run). Nothing is executed: no worker listens here.
 */
const REPLICAS = `
  import Bull from 'bull';
  import { EtlCron } from '${resolve('dist/src/species/crons/etl.cron.js')}';
  import { SpeciesQueue } from '${resolve('dist/src/species/species.queue.js')}';
  const config = { cron: { enabled: false } };
  const queues = [0, 1].map(() => new Bull('species-etl', process.env.REDIS_URL, { prefix: 'terrawatch' }));
  const replicas = queues.map((q) => new EtlCron({}, new SpeciesQueue(q), config));
  const at = new Date('2030-01-01T04:00:00.000Z');
  await Promise.all([replicas[0].tick('full', at), replicas[1].tick('full', new Date(at.getTime() + 800))]);
  await replicas[0].tick('incremental', at);
  const jobs = await queues[0].getJobs(['waiting', 'delayed', 'active']);
  console.log(JSON.stringify(jobs.map((j) => ({ id: j.id, name: j.name, data: j.data })).sort((a, b) => (a.id < b.id ? -1 : 1))));
  await Promise.all(queues.map((q) => q.close()));
`;

beforeAll(flushRedis);
afterAll(flushRedis);

describe('ETL crons', () => {
  it('only enqueue, once per tick across replicas', async () => {
    const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', REPLICAS], {
      env: process.env,
      timeout: 20_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual([
      { id: 'species-etl-full-2030-01-01T04', name: 'run', data: { mode: 'full' } },
      { id: 'species-etl-incremental-2030-01-01T04', name: 'run', data: { mode: 'incremental' } },
    ]);
  });
});
