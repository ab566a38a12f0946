import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CommonError, CommonErrorCode } from '../common/errors/domain-error.js';
import { metricsConfig, type MetricsConfig } from './metrics.config.js';

/**
 * Who may read `/metrics`: nobody when `METRICS_ENABLED=false` (it answers as a route that does not exist), else
 * everyone, or only bearers of `METRICS_TOKEN` when it is set. Separate from user authentication: a scraper has a
 * static token, not a user account.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(metricsConfig.KEY) private readonly config: MetricsConfig) {
    if (config.token) this.expected = digest(config.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!this.config.enabled)
      throw new CommonError(CommonErrorCode.NOT_FOUND, `Cannot ${req.method} ${req.path}`);
    if (!this.expected) return true;
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    // Digests of equal length, compared in constant time: the answer's timing says nothing about the token.
    if (scheme?.toLowerCase() === 'bearer' && token && timingSafeEqual(digest(token), this.expected))
      return true;
    const error = new CommonError(
      CommonErrorCode.UNAUTHORIZED,
      'GET /metrics needs the metrics token: Authorization: Bearer <METRICS_TOKEN>',
    );
    error.headers['WWW-Authenticate'] = 'Bearer realm="metrics"';
    throw error;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
