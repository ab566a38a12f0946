import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One stored reading as the API returns it. */
export class ReadingDto {
  @ApiProperty({ example: 'greenhouse-1-temp' }) sensor_id: string;
  @ApiProperty({ example: 'temperature' }) sensor_type: string;
  @ApiProperty({ example: 21.4 }) value: number;
  @ApiProperty({ example: '°C', nullable: true, type: String }) unit: string | null;
  @ApiProperty({ example: '2026-01-01T12:00:00.000Z' }) timestamp: string;
  @ApiProperty({ enum: ['edge', 'fog', 'cloud', 'unknown'] }) origin: string;
  @ApiProperty({ enum: ['mqtt', 'http', 'coap'] }) source_protocol: string;
  @ApiProperty({ description: "The server's verdict" }) anomaly: boolean;
  @ApiPropertyOptional({ nullable: true, type: Boolean, description: "The device's own flag" })
  reported_anomaly?: boolean | null;
  @ApiPropertyOptional({ nullable: true, type: String }) anomaly_message?: string | null;
}

export class LatestDto {
  @ApiProperty({
    description: 'Latest reading per sensor, grouped by type',
    example: { temperature: [{ sensor_id: 't-1', sensor_type: 'temperature', value: 21.4 }] },
  })
  sensors: Record<string, ReadingDto[]>;
  @ApiProperty({ description: 'Sensors known in total (the list is limited)' }) total_count: number;
  @ApiProperty({ nullable: true, type: String }) last_updated: string | null;
}

export class HistoryPointDto {
  @ApiProperty() bucket_start: string;
  @ApiProperty() sensor_type: string;
  @ApiProperty() avg: number;
  @ApiProperty() min: number;
  @ApiProperty() max: number;
  @ApiProperty() count: number;
}

export class HistoryDto {
  @ApiProperty() sensor_id: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiPropertyOptional({ nullable: true, type: String }) bucket: string | null;
  @ApiPropertyOptional({ type: [ReadingDto], description: 'Without bucket: readings, newest first' })
  readings?: ReadingDto[];
  @ApiPropertyOptional({
    type: [HistoryPointDto],
    description: 'With bucket: one point per bucket, oldest first',
  })
  points?: HistoryPointDto[];
  @ApiProperty({ description: 'True when `limit` cut the answer short' }) truncated: boolean;
}

export class AnomaliesDto {
  @ApiProperty({ type: [ReadingDto] }) items: ReadingDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
  @ApiProperty() hours: number;
}

export class CountDto {
  @ApiProperty() key: string;
  @ApiProperty() count: number;
  @ApiProperty() anomalies: number;
}

export class StatsDto {
  @ApiProperty() hours: number;
  @ApiProperty() total_readings: number;
  @ApiProperty() anomalies: number;
  @ApiProperty({ description: 'anomalies / total_readings, 0 when empty' }) anomaly_rate: number;
  @ApiProperty() sensors: number;
  @ApiProperty({ type: [CountDto] }) by_type: CountDto[];
  @ApiProperty({ type: [CountDto] }) by_origin: CountDto[];
  @ApiProperty({ type: [CountDto] }) by_protocol: CountDto[];
}

export class LiveDto {
  @ApiProperty({ type: [ReadingDto] }) readings: ReadingDto[];
  @ApiProperty({ description: 'Sensors seen by this replica since it started' }) total: number;
}

export class IngestItemResultDto {
  @ApiProperty() index: number;
  @ApiProperty({
    enum: ['stored', 'duplicate', 'invalid', 'set_aside'],
    description: 'set_aside: valid, but PostgreSQL refused it; kept in sensor_readings_rejected',
  })
  status: string;
  @ApiPropertyOptional({ description: 'Why it was refused (invalid, set_aside)' }) reason?: string;
  @ApiPropertyOptional() anomaly?: boolean;
}

export class IngestResponseDto {
  @ApiProperty() accepted: number;
  @ApiProperty({ description: 'Already stored (same sensor, type and timestamp)' }) duplicates: number;
  @ApiProperty() anomalies: number;
  @ApiProperty({ description: 'Refused by PostgreSQL, set aside with the reason' }) set_aside: number;
  @ApiProperty({ type: [IngestItemResultDto] }) results: IngestItemResultDto[];
}
