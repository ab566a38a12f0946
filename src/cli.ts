import 'reflect-metadata';
import './instrument.js';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';

async function main(): Promise<void> {
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    logger: ['error', 'warn'],
    // Bad arguments: nothing has started yet, so stop at once rather than leave connections holding the process.
    errorHandler: (err) => {
      console.error(err.message);
      process.exit(1);
    },
    serviceErrorHandler: (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  });
  app.enableShutdownHooks();
  await CommandFactory.runApplication(app);
  await app.close();
  // Client libraries (Bull, MQTT) may keep timers alive after close; a finished command should not linger.
  process.exit(process.exitCode ?? 0);
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
