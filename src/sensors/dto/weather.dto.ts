import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class CityQueryDto {
  @ApiProperty({ example: 'London' })
  @IsString()
  @Length(1, 100)
  city: string;
}

export class WeatherDto {
  @ApiProperty({ example: 'London' }) city: string;
  @ApiProperty({ example: 'GB', nullable: true, type: String }) country: string | null;
  @ApiProperty({ example: 18.2, description: '°C' }) temperature: number;
  @ApiProperty({ example: 72, description: '%' }) humidity: number;
  @ApiProperty({ example: 1015, description: 'hPa' }) pressure: number;
  @ApiProperty({ example: 'broken clouds', nullable: true, type: String }) description: string | null;
  @ApiProperty({ example: 4.6, nullable: true, type: Number, description: 'm/s' }) wind_speed: number | null;
  @ApiProperty({ example: '2024-01-01T12:00:00.000Z' }) observed_at: string;
  @ApiProperty({ enum: ['openweather'] }) source: 'openweather';
}

export class LocalAverageDto {
  @ApiProperty() average: number;
  @ApiProperty() readings: number;
  @ApiProperty() sensors: number;
}

export class ComparisonAlertDto {
  @ApiProperty({ enum: ['temperature', 'humidity', 'pressure'] }) metric: string;
  @ApiProperty({ description: 'local minus external' }) difference: number;
  @ApiProperty({ enum: ['warning', 'critical'] }) severity: string;
  @ApiProperty() message: string;
}

export class WeatherComparisonDto {
  @ApiProperty() city: string;
  @ApiProperty({ example: 60 }) window_minutes: number;
  @ApiProperty({ type: WeatherDto }) external: WeatherDto;
  @ApiProperty({
    description: 'Per metric: local average over the window, or null without readings',
    example: { temperature: { average: 21.3, readings: 120, sensors: 2 }, humidity: null, pressure: null },
  })
  local: Record<string, LocalAverageDto | null>;
  @ApiProperty({ example: { temperature: 3.1, humidity: null, pressure: null } })
  differences: Record<string, number | null>;
  @ApiProperty({ type: [ComparisonAlertDto] }) alerts: ComparisonAlertDto[];
}
