import 'reflect-metadata';
import './instrument.js';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConfigService } from '@nestjs/config';
import { AppModule } from './app.module.js';
import { setupApp } from './app.setup.js';
import { AppConfig } from './config/app.config.js';
import { mqttMicroserviceOptions } from './messaging/mqtt.options.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  setupApp(app);
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  app.connectMicroservice<MicroserviceOptions>(
    mqttMicroserviceOptions(config.mqttUrl, config.mqttClientPrefix),
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  const server = await app.listen(config.port);
  // Keep-alive sockets would otherwise hold shutdown open until they time out.
  process.once('SIGTERM', () => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.());
}

void bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
