import { Global, Module } from '@nestjs/common';
import { MqttConsumerTransport } from './mqtt-consumer.transport.js';
import { MqttService } from './mqtt.service.js';

/**
 * MQTT for the whole app: `MqttConsumerTransport`, our transport microservice (main.ts connects it; the `@EventPattern`
 * handlers of every module run on it), and `MqttService`, a publisher that connects on first use (the CLI's
 * simulator), so the HTTP app holds no idle MQTT connection.
 */
@Global()
@Module({ providers: [MqttService, MqttConsumerTransport], exports: [MqttService, MqttConsumerTransport] })
export class MessagingModule {}
