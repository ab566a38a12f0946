import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, MqttContext, Payload } from '@nestjs/microservices';
import { currentRequestId } from '../common/context/request-context.js';
import { LiveStream } from './live-stream.js';
import { SensorIngestService } from './services/sensor-ingest.service.js';

export const READINGS_TOPIC = 'sensors/+/+';
export const NODERED_STATUS_TOPIC = 'nodered/status';
export const SYSTEM_TOPIC = 'system/+';

/**
 * The sensors' MQTT handlers, served by our transport microservice (`MqttConsumerTransport`): a QoS 1 message is
 * acknowledged once its handler's promise settles, so a reading is acknowledged only after its batch committed.
 * Each message runs in its own correlation id, which is also stored as the reading's `trace_id`.
 */
@Controller()
export class SensorsMqttController {
  constructor(
    private readonly ingest: SensorIngestService,
    private readonly liveStream: LiveStream,
  ) {}

  /** `sensors/{type}/{id}`, JSON `{ts?, value, unit?, origin?, anomaly?}`. */
  @EventPattern<string>(READINGS_TOPIC)
  onReading(@Payload() payload: Buffer, @Ctx() context: MqttContext): Promise<void> {
    return this.ingest.ingestMqtt(context.getTopic(), payload, currentRequestId());
  }

  /** Node-RED's status, passed on to every dashboard. */
  @EventPattern<string>(NODERED_STATUS_TOPIC)
  onNodeRedStatus(@Payload() payload: Buffer, @Ctx() context: MqttContext): void {
    this.systemStatus(context.getTopic(), payload);
  }

  /** `system/{name}`: system messages, passed on to every dashboard. */
  @EventPattern<string>(SYSTEM_TOPIC)
  onSystem(@Payload() payload: Buffer, @Ctx() context: MqttContext): void {
    this.systemStatus(context.getTopic(), payload);
  }

  private systemStatus(topic: string, payload: Buffer): void {
    const text = payload.toString('utf8');
    let status: unknown = text;
    try {
      status = JSON.parse(text);
    } catch {
      // a plain-text status is passed on as it is
    }
    this.liveStream.systemStatus({ topic, status, received_at: new Date().toISOString() });
  }
}
