import type { Severity } from './anomaly-detector.js';

/** `sensor_data`: every stored reading. */
export interface SensorDataEvent {
  sensor_id: string;
  sensor_type: string;
  value: number;
  unit: string | null;
  timestamp: string;
  origin: string;
  source_protocol: string;
  anomaly: boolean;
  reported_anomaly: boolean | null;
}

/** `alert`: a reading the server judged anomalous. */
export interface AlertEvent {
  sensor_id: string;
  sensor_type: string;
  value: number;
  message: string;
  severity: Severity;
  timestamp: string;
}

/** `system_status`: what arrives on `nodered/status` or `system/+`. */
export interface SystemStatusEvent {
  topic: string;
  status: unknown;
  received_at: string;
}

export interface Subscriptions {
  /** True while the client has no filter and receives everything. */
  all: boolean;
  sensor_ids: string[];
  types: string[];
}

/** Server-to-client events of the `/sensors` namespace. */
export interface SensorsServerEvents {
  sensor_data: (event: SensorDataEvent) => void;
  alert: (event: AlertEvent) => void;
  system_status: (event: SystemStatusEvent) => void;
  pong: (event: { ts: number }) => void;
}

/** Client-to-server events of the `/sensors` namespace (`subscribe`/`unsubscribe` answer with an ack). */
export interface SubscriptionRequest {
  sensor_ids?: string[];
  types?: string[];
}
