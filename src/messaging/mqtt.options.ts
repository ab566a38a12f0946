import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';

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

/** Options for the MQTT transport microservice that runs beside the HTTP app. */
export function mqttMicroserviceOptions(url: string, prefix: string): MicroserviceOptions {
  return {
    transport: Transport.MQTT,
    options: {
      url,
      clientId: uniqueMqttClientId(prefix, 'transport'),
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    },
  };
}
