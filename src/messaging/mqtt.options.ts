import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A client id unique to this process: a fixed id shared by several replicas makes the broker kick one out each
 * time another connects, in an endless reconnect loop.
 */
export function uniqueMqttClientId(prefix: string, role: string): string {
  const host = hostname()
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 20);
  return `${prefix}-${role}-${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
