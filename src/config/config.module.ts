import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ALL_CONFIGS } from './configs.js';
import { validateEnv } from './env.js';

/** Loads and validates every module's configuration once, at start-up. */
@Global()
@Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      envFilePath: ['.env'],
      cache: true,
      load: ALL_CONFIGS,
      validate: (env) =>
        validateEnv(
          env,
          ALL_CONFIGS.map((c) => c.schema),
        ),
    }),
  ],
})
export class AppConfigModule {}
