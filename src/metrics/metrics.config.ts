import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';

/** The Prometheus endpoint, `GET /metrics`. */
export class MetricsEnv {
  @Transform(toBool)
  @IsBoolean()
  METRICS_ENABLED: boolean = true;

  /**
   * When set, `/metrics` answers only requests with `Authorization: Bearer <token>`. Unset, anyone who reaches the
   * port can read it: keep the port private then.
   */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{16,256}$/, { message: 'must be 16-256 printable characters without spaces' })
  METRICS_TOKEN?: string;
}

export const metricsConfig = defineConfig('metrics', MetricsEnv, (env) => ({
  enabled: env.METRICS_ENABLED,
  token: env.METRICS_TOKEN,
}));

export type MetricsConfig = ConfigOf<typeof metricsConfig>;
