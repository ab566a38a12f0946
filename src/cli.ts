import 'reflect-metadata';
import { flushSentry, reportToSentry } from './instrument.js';
import { randomBytes } from 'node:crypto';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli/cli.module.js';
import { runWithRequestId } from './common/context/request-context.js';
import { DomainError } from './common/errors/domain-error.js';
import { ErrorReporter } from './common/errors/error-reporter.js';

/** The command's correlation id: on its log lines, in the Sentry event of its failure and in its error message. */
const command = /^[A-Za-z0-9_:-]{1,60}$/.test(process.argv[2] ?? '') ? process.argv[2] : 'cli';
const correlationId = `cli:${command}:${randomBytes(6).toString('hex')}`;

async function main(): Promise<void> {
  const app = await CommandFactory.createWithoutRunning(CliModule, {
    logger: ['error', 'warn'],
    // Bad arguments: nothing has started yet, so stop at once rather than leave connections holding the process.
    errorHandler: (err) => {
      console.error(err.message);
      process.exit(1);
    },
    // The command failed. A domain error is the operator's to fix (a missing file, a bad id): said, not reported.
    // Anything else is a bug or an outage: reported with the command's correlation id.
    serviceErrorHandler: (err) => {
      if (!(err instanceof DomainError && err.status < 500))
        app.get(ErrorReporter).report(err, { context: 'cli', correlationId, tags: { command } });
      console.error(`${err.message} (correlation id ${correlationId})`);
      process.exitCode = 1;
    },
  });
  app.enableShutdownHooks();
  await runWithRequestId(correlationId, () => CommandFactory.runApplication(app));
  // Closing flushes Sentry (ErrorReporter's shutdown hook).
  await app.close();
  // Client libraries (Bull, MQTT) may keep timers alive after close; a finished command should not linger.
  process.exit(process.exitCode ?? 0);
}

void main().catch(async (err: unknown) => {
  // The application could not start (config, database): there is no ErrorReporter yet.
  console.error(`${err instanceof Error ? err.message : String(err)} (correlation id ${correlationId})`);
  reportToSentry(err, { context: 'cli', correlation_id: correlationId, command });
  await flushSentry();
  process.exit(1);
});
