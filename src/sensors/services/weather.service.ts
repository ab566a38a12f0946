import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { compareWeather, METRICS, type Metric } from '../weather/weather-comparison.js';
import { OpenWeatherClient } from '../weather/openweather.client.js';

/** Local readings of the last hour are compared with the official current weather. */
const LOCAL_WINDOW_MINUTES = 60;

@Injectable()
export class WeatherService {
  constructor(
    private readonly openWeather: OpenWeatherClient,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  current(city: string) {
    return this.openWeather.current(city);
  }

  async compare(city: string) {
    const external = await this.openWeather.current(city);
    const rows = (await this.db.query(
      `SELECT sensor_type, avg(value) AS avg, count(*)::int AS readings, count(DISTINCT sensor_id)::int AS sensors
         FROM sensor_readings
        WHERE sensor_type = ANY($1) AND "timestamp" >= now() - make_interval(mins => $2)
        GROUP BY sensor_type`,
      [METRICS, LOCAL_WINDOW_MINUTES],
    )) as Array<{ sensor_type: Metric; avg: number; readings: number; sensors: number }>;
    const local = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<
      Metric,
      { average: number; readings: number; sensors: number } | null
    >;
    for (const r of rows)
      local[r.sensor_type] = {
        average: Math.round(r.avg * 100) / 100,
        readings: r.readings,
        sensors: r.sensors,
      };
    const { differences, alerts } = compareWeather(
      Object.fromEntries(METRICS.map((m) => [m, local[m]?.average ?? null])) as Record<Metric, number | null>,
      external,
    );
    return {
      city: external.city,
      window_minutes: LOCAL_WINDOW_MINUTES,
      external,
      local,
      differences,
      alerts,
    };
  }
}
