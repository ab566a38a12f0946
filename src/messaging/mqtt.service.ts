import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { connect, IClientPublishOptions, MqttClient } from 'mqtt';
import { AppConfig } from '../config/app.config.js';
import { uniqueMqttClientId } from './mqtt.options.js';

/**
 * A publishing MQTT connection, opened on the first `publish` (the CLI's simulator): a process that never publishes
 * holds no connection. The app's own connection to the broker is the consumer's (`MqttConsumerTransport`).
 */
@Injectable()
export class MqttService implements OnApplicationShutdown {
  private readonly logger = new Logger(MqttService.name);
  private client?: MqttClient;

  constructor(private readonly config: ConfigService) {}

  private connection(): MqttClient {
    if (this.client) return this.client;
    const app = this.config.getOrThrow<AppConfig>('app');
    this.client = connect(app.mqttUrl, {
      clientId: uniqueMqttClientId(app.mqttClientPrefix, 'pub'),
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    this.client.on('error', (err) => this.logger.warn(`MQTT: ${err.message}`));
    return this.client;
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    options: IClientPublishOptions = { qos: 1 },
  ): Promise<void> {
    await this.connection().publishAsync(topic, payload, options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync().catch(() => undefined);
  }
}
