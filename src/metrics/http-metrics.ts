import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Histogram } from 'prom-client';
import { MetricsService } from './metrics.service.js';

/** The `route` label of a request that matched no route (a 404, a static file): one value, whatever the URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * How long HTTP requests take, by method, route template and status code. The label is the template the request
 * matched (`/api/v1/sensors/:id`), never its URL: ids in URLs would make a new time series per resource.
 */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(private readonly metrics: MetricsService) {
    this.duration = metrics.histogram({
      name: 'terrawatch_http_request_duration_seconds',
      help: 'Time from the first middleware to the last byte of the response, by method, route template and status',
      labelNames: ['method', 'route', 'status_code'],
    });
  }

  get enabled(): boolean {
    return this.metrics.enabled;
  }

  /** Express middleware; installed first (app.setup.ts), so body parsing and every guard are in the time. */
  readonly track = (req: Request, res: Response, next: NextFunction): void => {
    const stop = this.duration.startTimer();
    // The route is known only once the router has matched it: read when the response is finished.
    res.once('finish', () => stop({ method: req.method, route: routeOf(req), status_code: res.statusCode }));
    next();
  };
}

/** The route template Express matched (mount path included), or `UNMATCHED_ROUTE`. */
export function routeOf(req: Pick<Request, 'baseUrl' | 'route'>): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : UNMATCHED_ROUTE;
}
