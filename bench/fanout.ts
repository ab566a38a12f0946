import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { migrate, startProcess, table } from './lib.js';
import { ensureDatabase, percentile, sleep, useBenchServices } from './sensors-lib.js';

/**
 * `npm run bench:fanout`: 1,000 authenticated Socket.IO clients on `/sensors` (all receiving everything) while
 * readings are published over MQTT. Prints delivered events/s across all clients and the latency from the MQTT
 * publish to the client's receipt (MQTT, batch and commit, Redis adapter, WebSocket), p50/p99.
 */
const clientCount = Number(process.env.BENCH_CLIENTS ?? 1000);
const eventsPerSecond = Number(process.env.BENCH_EVENTS ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

async function main(): Promise<void> {
  const { databaseUrl } = useBenchServices();
  await ensureDatabase(databaseUrl);
  migrate();
  const run = `fan${randomBytes(3).toString('hex')}`;
  const app = await startProcess(['dist/main.js'], {
    LOG_LEVEL: 'warn',
    THROTTLE_DEFAULT_LIMIT: '100000000',
    THROTTLE_LOGIN_LIMIT: '1000',
    THROTTLE_REGISTER_LIMIT: '1000',
    SENSORS_MQTT_SHARE_GROUP: run,
    SENSORS_REPLICA_ID: run,
    SENSORS_MQTT_SESSION_EXPIRY_SECONDS: '30',
  });
  const password = 'bench-password-1';
  await fetch(`${app.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `${run}@example.org`, username: run, password }),
  });
  const login = (await (
    await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: `${run}@example.org`, password }),
    })
  ).json()) as { access_token: string };

  const latencies: number[] = [];
  let firstAt = 0;
  let lastAt = 0;
  const sockets: Socket[] = [];
  for (let i = 0; i < clientCount; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, clientCount - i) }, async () => {
        const socket = io(`${app.url}/sensors`, {
          transports: ['websocket'],
          reconnection: false,
          auth: { token: login.access_token },
        });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        socket.on('sensor_data', (event: { sensor_id: string; timestamp: string }) => {
          if (!event.sensor_id.startsWith(run)) return;
          const now = Date.now();
          firstAt ||= now;
          lastAt = now;
          latencies.push(now - Date.parse(event.timestamp));
        });
        return socket;
      }),
    );
    sockets.push(...batch);
  }
  console.log(
    `bench:fanout: ${sockets.length} clients connected; ${eventsPerSecond} readings/s for ${seconds} s`,
  );

  const mqtt = await connectAsync(process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883', {
    clientId: `${run}-pub`,
  });
  await sleep(500);
  let published = 0;
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * eventsPerSecond) - published;
    for (let i = 0; i < due; i++) {
      const payload = { ts: Date.now(), value: 20 + (published % 10) / 10, unit: '°C' };
      await mqtt.publishAsync(`sensors/temperature/${run}-${published % 50}`, JSON.stringify(payload), {
        qos: 1,
      });
      published += 1;
    }
    await sleep(5);
  }
  const expected = published * sockets.length;
  const deadline = Date.now() + 20_000;
  while (latencies.length < expected && Date.now() < deadline) await sleep(100);

  const sorted = [...latencies].sort((a, b) => a - b);
  table([
    {
      clients: sockets.length,
      'readings published': published,
      'events delivered': latencies.length,
      'delivered events/s': Math.round(latencies.length / Math.max((lastAt - firstAt) / 1000, 0.001)),
      'latency p50 ms': percentile(sorted, 50),
      'latency p99 ms': percentile(sorted, 99),
    },
  ]);
  if (latencies.length < expected) console.log(`missing ${expected - latencies.length} deliveries`);
  for (const socket of sockets) socket.close();
  await mqtt.endAsync();
  await app.stop();
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
