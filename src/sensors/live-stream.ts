import { Injectable, Logger } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { AlertEvent, SensorDataEvent, SensorsServerEvents, SystemStatusEvent } from './sensor-events.js';

/** Every client starts here and gets everything until it subscribes to something narrower. */
export const ALL_ROOM = 'sensors:all';
export const sensorRoom = (sensorId: string) => `sensor:${sensorId}`;
export const typeRoom = (sensorType: string) => `type:${sensorType}`;

export type SensorsNamespace = Namespace<Record<string, never>, SensorsServerEvents>;

/**
 * The `/sensors` events the services emit. An event goes to the rooms of its sensor, of its type and to the
 * catch-all room, and Socket.IO sends it once per client even when the client is in several of them. The gateway
 * (HTTP app) attaches the namespace when Socket.IO starts it; in a process without one (the CLI) nothing is sent.
 */
@Injectable()
export class LiveStream {
  private readonly logger = new Logger(LiveStream.name);
  private namespace?: SensorsNamespace;

  attach(namespace: SensorsNamespace): void {
    this.namespace = namespace;
  }

  sensorData(event: SensorDataEvent): void {
    this.namespace
      ?.to([ALL_ROOM, sensorRoom(event.sensor_id), typeRoom(event.sensor_type)])
      .emit('sensor_data', event);
  }

  alert(event: AlertEvent): void {
    this.namespace
      ?.to([ALL_ROOM, sensorRoom(event.sensor_id), typeRoom(event.sensor_type)])
      .emit('alert', event);
  }

  /** Everyone gets the system status, whatever they subscribed to. */
  systemStatus(event: SystemStatusEvent): void {
    this.namespace?.emit('system_status', event);
    this.logger.debug(`system status from ${event.topic}`);
  }
}
