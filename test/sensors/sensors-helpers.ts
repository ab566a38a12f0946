import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';

/** Unique per test run: the share group, replica id and sensor ids, so no other process on the broker interferes. */
export const runId = `t${process.pid}${randomBytes(3).toString('hex')}`;

/** App settings that isolate this run's MQTT consumer (and let the broker forget its session soon after). */
export function sensorsEnv(name: string): Record<string, string> {
  return {
    SENSORS_MQTT_SHARE_GROUP: `${runId}-${name}`,
    SENSORS_REPLICA_ID: `${runId}-${name}`,
    SENSORS_MQTT_SESSION_EXPIRY_SECONDS: '60',
    SENSORS_BATCH_MAX_WAIT_MS: '20',
  };
}

export async function publisher(): Promise<MqttClient> {
  return connectAsync(process.env.MQTT_URL as string, {
    clientId: `${runId}-pub-${randomBytes(2).toString('hex')}`,
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function connectSocket(url: string, token: string): Promise<Socket> {
  const socket = io(`${url}/sensors`, { transports: ['websocket'], reconnection: false, auth: { token } });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  return socket;
}

/** Collects every event of the given names a socket receives. */
export function record<T = Record<string, unknown>>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}
