import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';

/**
 * The MQTT consumer (our transport microservice). The variables keep their historical `SENSORS_` names: the
 * sensors' topics are what it consumes today.
 */
export class MqttConsumerEnv {
  @Transform(toBool)
  @IsBoolean()
  SENSORS_MQTT_ENABLED: boolean = true;

  /** Replicas in one group split the stream (`$share/<group>/...`) and take over each other's sessions. */
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  SENSORS_MQTT_SHARE_GROUP: string = 'terrawatch';

  /** A readable label in the consumer's client id (default: the host name); the id itself is new per process. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1-64 letters, digits, _ or -' })
  SENSORS_REPLICA_ID?: string;

  /**
   * How long the broker keeps a session whose consumer vanished and was not taken over by another replica (no
   * replica left, Redis down): the last line of defence, readings queue there until a replica comes back.
   */
  @IsInt()
  @Min(1)
  SENSORS_MQTT_SESSION_EXPIRY_SECONDS: number = 86400;

  /** The consumer's MQTT 5 Receive Maximum: QoS 1 messages in flight (delivered, not yet acknowledged). */
  @IsInt()
  @Min(1)
  @Max(65535)
  SENSORS_MQTT_RECEIVE_MAXIMUM: number = 20000;

  /**
   * On SIGTERM the consumer stops taking new messages and stores what its session holds; after this long it hands
   * the rest over to another replica (or to its own successor) instead.
   */
  @IsInt()
  @Min(0)
  @Max(600000)
  SENSORS_MQTT_DRAIN_TIMEOUT_MS: number = 10000;
}

export const mqttConsumerConfig = defineConfig('mqttConsumer', MqttConsumerEnv, (env) => ({
  enabled: env.SENSORS_MQTT_ENABLED,
  shareGroup: env.SENSORS_MQTT_SHARE_GROUP,
  replicaLabel: env.SENSORS_REPLICA_ID,
  sessionExpirySeconds: env.SENSORS_MQTT_SESSION_EXPIRY_SECONDS,
  receiveMaximum: env.SENSORS_MQTT_RECEIVE_MAXIMUM,
  drainTimeoutMs: env.SENSORS_MQTT_DRAIN_TIMEOUT_MS,
}));

export type MqttConsumerConfig = ConfigOf<typeof mqttConsumerConfig>;
