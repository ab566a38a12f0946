import 'reflect-metadata';
import { flushSentry, reportToSentry } from './instrument.js';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { AppModule } from './app.module.js';
import { answerUnmatchedWithJson, setupApp } from './app.setup.js';
import { AppConfig } from './config/app.config.js';
import { MqttConsumerTransport } from './messaging/mqtt-consumer.transport.js';

/**
 * A library that lets a promise reject unobserved (a Redis client during an outage, say) must not end the process:
 * every route would go down with the dependency. The error is logged and reported instead; the parts that need the
 * dependency answer 503 until it is back.
 */
process.on('unhandledRejection', (reason) => {
  new Logger('Process').error(
    { err: reason },
    `Unhandled promise rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
  );
  reportToSentry(reason, { context: 'process' });
});

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  setupApp(app);
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  // Our MQTT transport: the @EventPattern handlers (sensors.mqtt.controller.ts) with acknowledge-after-commit.
  // It does not inherit the HTTP guards, pipes and interceptors: it sets each message's correlation id itself.
  app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(MqttConsumerTransport) },
    { inheritAppConfig: false },
  );
  await app.startAllMicroservices();
  // The routes are in place after init: what none of them (nor the console) takes is a JSON 404 too.
  await app.init();
  answerUnmatchedWithJson(app);
  const server = await app.listen(config.port);
  // On SIGTERM Nest stops taking requests, waits for in-flight ones and closes queues, MQTT and the pool
  // (enableShutdownHooks); idle keep-alive sockets are dropped at once, and a stuck shutdown is cut short.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      setTimeout(() => {
        console.error(`Shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
}

void bootstrap().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  reportToSentry(error, { context: 'process' });
  await flushSentry();
  process.exit(1);
});
