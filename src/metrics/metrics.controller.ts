import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/index.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { METRICS_CONTENT_TYPE, MetricsService } from './metrics.service.js';

// Public to user authentication (a scraper has no account): MetricsAccessGuard checks METRICS_TOKEN instead.
@ApiTags('health')
@Controller('metrics')
@Public()
@SkipThrottle()
@UseGuards(MetricsAccessGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', METRICS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Prometheus metrics of this process (text format); a bearer METRICS_TOKEN when one is set',
  })
  @ApiOkResponse({ description: 'The text exposition format', content: { 'text/plain': {} } })
  scrape(): Promise<string> {
    return this.metrics.render();
  }
}
