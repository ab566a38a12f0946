import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { freePort } from './lib.js';
import { sleep } from './sensors-lib.js';

export interface Broker {
  url: string;
  /** Started here with the project's configuration. */
  own: boolean;
  pid?: number;
  /** Messages the broker holds (queued for sessions, retained), from $SYS; undefined before the first report. */
  queued(): number | undefined;
  stop(): Promise<void>;
}

/**
 * A Mosquitto of the benchmark's own, configured exactly as the project ships it (docker/mosquitto.conf, with a
 * free loopback port and a throwaway persistence folder). Without a `mosquitto` binary, MQTT_URL's broker is used.
 */
export async function startBroker(): Promise<Broker> {
  let binary: string | undefined;
  try {
    binary = execFileSync('sh', ['-c', 'command -v mosquitto || ls /usr/sbin/mosquitto'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')[0];
  } catch {
    binary = undefined;
  }
  if (!binary) {
    const url = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
    console.log(`(no mosquitto binary: using ${url}, whose queue limits may drop readings under overload)`);
    return watch(url, false, undefined, async () => undefined);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosquitto-'));
  const conf = readFileSync(new URL('../../docker/mosquitto.conf', import.meta.url), 'utf8')
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  const child: ChildProcess = spawn(binary, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const probe = await connectAsync(url, { reconnectPeriod: 0, connectTimeout: 500 });
      await probe.endAsync();
      break;
    } catch {
      await sleep(100);
    }
  }
  return watch(url, true, child.pid, async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });
}

async function watch(
  url: string,
  own: boolean,
  pid: number | undefined,
  stop: () => Promise<void>,
): Promise<Broker> {
  const client: MqttClient = await connectAsync(url, { clean: true });
  let queued: number | undefined;
  client.on('message', (_topic, payload) => (queued = Number(payload.toString())));
  await client.subscribeAsync('$SYS/broker/store/messages/count');
  return {
    url,
    own,
    pid,
    queued: () => queued,
    stop: async () => {
      await client.endAsync();
      await stop();
    },
  };
}
