import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCookieAuth,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Groups } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { RateLimit } from '../common/throttling/rate-limit.guards.js';
import {
  AnomaliesDto,
  HistoryDto,
  IngestResponseDto,
  LatestDto,
  LiveDto,
  StatsDto,
} from './dto/reading.dto.js';
import {
  AnomaliesQueryDto,
  HistoryQueryDto,
  HoursQueryDto,
  LatestQueryDto,
  LiveQueryDto,
} from './dto/sensor-queries.dto.js';
import { LiveReadings } from './live-readings.js';
import { SensorIngestService } from './services/sensor-ingest.service.js';
import { SensorsRateLimit } from './sensors.rate-limits.js';
import { SensorsError, SensorsErrorCode } from './sensors.errors.js';
import { MqttConsumerTransport } from '../messaging/mqtt-consumer.transport.js';
import { SensorsQueryService } from './services/sensors-query.service.js';

export const MAX_READINGS_PER_REQUEST = 1000;

const READING_SCHEMA = {
  type: 'object',
  required: ['value', 'type', 'sensor_id'],
  properties: {
    sensor_id: { type: 'string', example: 'greenhouse-1-temp' },
    type: { type: 'string', example: 'temperature' },
    value: { type: 'number', example: 21.4 },
    unit: { type: 'string', example: '°C' },
    ts: {
      description: 'or `timestamp`: ISO 8601, epoch s or ms; default now',
      example: '2026-01-01T12:00:00Z',
    },
    origin: { type: 'string', enum: ['edge', 'fog', 'cloud'] },
    source_protocol: { type: 'string', enum: ['mqtt', 'http', 'coap'], default: 'http' },
    anomaly: { type: 'boolean', description: "The device's own flag (kept beside the server's verdict)" },
  },
};

@ApiTags('sensors')
@ApiBearerAuth()
@ApiCookieAuth('access_token')
@ApiResponse({ status: 400, type: ErrorBody, description: 'Invalid input' })
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('sensors')
export class SensorsController {
  constructor(
    private readonly queries: SensorsQueryService,
    private readonly ingest: SensorIngestService,
    private readonly live: LiveReadings,
    private readonly consumer: MqttConsumerTransport,
  ) {}

  @Post('readings')
  @HttpCode(201)
  @Groups('ingest')
  @RateLimit(SensorsRateLimit.HTTP_INGEST)
  @ApiOperation({
    summary: 'Store one reading or an array of up to 1000 (devices without MQTT); group `ingest` or admin',
    description:
      'Same validation as MQTT. One bad item refuses the whole request: 400 with `details` = [{index, reason}].',
  })
  @ApiBody({
    schema: {
      oneOf: [READING_SCHEMA, { type: 'array', maxItems: MAX_READINGS_PER_REQUEST, items: READING_SCHEMA }],
    },
  })
  @ApiResponse({ status: 201, type: IngestResponseDto })
  @ApiResponse({ status: 403, type: ErrorBody, description: 'Not in group ingest' })
  @ApiResponse({
    status: 429,
    type: ErrorBody,
    description: 'More than SENSORS_HTTP_INGEST_PER_MINUTE requests',
  })
  async postReadings(@Body() body: unknown): Promise<IngestResponseDto> {
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0)
      throw new SensorsError(SensorsErrorCode.INVALID_READINGS, 'No readings in the body');
    if (items.length > MAX_READINGS_PER_REQUEST)
      throw new SensorsError(
        SensorsErrorCode.INVALID_READINGS,
        `At most ${MAX_READINGS_PER_REQUEST} readings per request (got ${items.length})`,
      );
    const results = await this.ingest.ingestAll(items, 'http');
    return {
      accepted: results.filter((r) => r.status === 'stored').length,
      duplicates: results.filter((r) => r.status === 'duplicate').length,
      anomalies: results.filter((r) => r.anomaly).length,
      set_aside: results.filter((r) => r.status === 'set_aside').length,
      results,
    };
  }

  @Get('latest')
  @ApiOperation({
    summary: 'Latest reading per sensor, grouped by type (most recently updated sensors first)',
  })
  @ApiResponse({ status: 200, type: LatestDto })
  latest(@Query() q: LatestQueryDto): Promise<LatestDto> {
    return this.queries.latest(q.limit);
  }

  @Get('history')
  @ApiOperation({
    summary: "One sensor's readings over a window, or with `bucket` avg/min/max/count per bucket (in SQL)",
  })
  @ApiResponse({ status: 200, type: HistoryDto })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'Unknown sensor' })
  history(@Query() q: HistoryQueryDto): Promise<HistoryDto> {
    return this.queries.history({
      sensorId: q.sensor_id,
      hours: q.hours,
      from: q.from,
      to: q.to,
      bucket: q.bucket,
      limit: q.limit,
    });
  }

  @Get('anomalies')
  @ApiOperation({ summary: 'Anomalous readings of the last hours, newest first' })
  @ApiResponse({ status: 200, type: AnomaliesDto })
  anomalies(@Query() q: AnomaliesQueryDto): Promise<AnomaliesDto> {
    return this.queries.anomalies(q.hours, q.limit, q.offset);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Totals, anomaly rate, counts by type, origin and protocol over the last hours' })
  @ApiResponse({ status: 200, type: StatsDto })
  stats(@Query() q: HoursQueryDto): Promise<StatsDto> {
    return this.queries.stats(q.hours);
  }

  @Get('live')
  @ApiOperation({
    summary:
      'The latest reading per sensor held in memory by this replica (no database); 503 while MQTT is down',
  })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiResponse({ status: 200, type: LiveDto })
  @ApiResponse({ status: 503, type: ErrorBody, description: 'The MQTT consumer is disconnected' })
  liveReadings(@Query() q: LiveQueryDto): LiveDto {
    if (!this.consumer.connected)
      throw new SensorsError(
        SensorsErrorCode.MQTT_DISCONNECTED,
        'Live readings are unavailable: the MQTT consumer is not connected to the broker',
      );
    return this.live.list(q.limit);
  }
}
