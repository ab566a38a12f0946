import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { connect, IClientPublishOptions, MqttClient } from 'mqtt';
import { AppConfig } from '../config/app.config.js';
import { uniqueMqttClientId } from './mqtt.options.js';

/** A publishing MQTT connection that also tells whether the broker is reachable (health, status). */
@Injectable()
export class MqttService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(MqttService.name);
  private client?: MqttClient;

  constructor(private readonly config: ConfigService) {}

  onModuleInit(): void {
    const app = this.config.getOrThrow<AppConfig>('app');
    this.client = connect(app.mqttUrl, {
      clientId: uniqueMqttClientId(app.mqttClientPrefix, 'pub'),
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    });
    this.client.on('error', (err) => this.logger.warn(`MQTT: ${err.message}`));
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async publish(
    topic: string,
    payload: string | Buffer,
    options: IClientPublishOptions = { qos: 1 },
  ): Promise<void> {
    if (!this.client) throw new Error('MQTT client not started');
    await this.client.publishAsync(topic, payload, options);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.endAsync().catch(() => undefined);
  }
}
