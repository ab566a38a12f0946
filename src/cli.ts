import 'reflect-metadata';
import './instrument.js';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';

async function main(): Promise<void> {
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    logger: ['error', 'warn'],
    errorHandler: (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
    serviceErrorHandler: (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  });
  app.enableShutdownHooks();
  await CommandFactory.runApplication(app);
  await app.close();
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
