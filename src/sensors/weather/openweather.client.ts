import { Inject, Injectable } from '@nestjs/common';
import { sensorsConfig, type SensorsConfig } from '../sensors.config.js';
import { SensorsError, SensorsErrorCode } from '../sensors.errors.js';

/** Current weather of a city, as Terrawatch exposes it. */
export interface CurrentWeather {
  city: string;
  country: string | null;
  temperature: number;
  humidity: number;
  pressure: number;
  description: string | null;
  wind_speed: number | null;
  observed_at: string;
  source: 'openweather';
}

/** The part of OpenWeather's `GET /data/2.5/weather` answer we use. */
interface OpenWeatherResponse {
  name?: string;
  dt?: number;
  sys?: { country?: string };
  main?: { temp?: number; humidity?: number; pressure?: number };
  weather?: Array<{ description?: string }>;
  wind?: { speed?: number };
}

/**
 * OpenWeather current weather (`/data/2.5/weather?q=&appid=&units=metric`), base URL from config so tests point
 * it at a local fake. Answers are cached per city for a few minutes (the free plan allows 60 calls a minute).
 * Never invents weather: no key is a 503, an unknown city a 404, anything else upstream a 502.
 */
@Injectable()
export class OpenWeatherClient {
  private readonly cache = new Map<string, { at: number; weather: CurrentWeather }>();

  constructor(@Inject(sensorsConfig.KEY) private readonly config: SensorsConfig) {}

  async current(city: string): Promise<CurrentWeather> {
    const { apiKey, baseUrl, cacheSeconds, timeoutMs } = this.config.openWeather;
    if (!apiKey)
      throw new SensorsError(
        SensorsErrorCode.WEATHER_NOT_CONFIGURED,
        'Weather is not available: OPENWEATHER_API_KEY is not set',
      );
    const key = city.trim().toLowerCase();
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < cacheSeconds * 1000) return cached.weather;

    const url = new URL('/data/2.5/weather', baseUrl);
    url.search = new URLSearchParams({ q: city, appid: apiKey, units: 'metric' }).toString();
    let res: Response;
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { Accept: 'application/json' },
      });
    } catch (e) {
      throw upstream(`OpenWeather did not answer: ${(e as Error).message}`);
    }
    if (res.status === 404)
      throw new SensorsError(SensorsErrorCode.CITY_NOT_FOUND, `City '${city}' not found`);
    if (res.status === 401) throw upstream('OpenWeather refused the API key');
    if (!res.ok) throw upstream(`OpenWeather answered ${res.status}`);
    let body: OpenWeatherResponse;
    try {
      body = (await res.json()) as OpenWeatherResponse;
    } catch {
      throw upstream('OpenWeather answered with something that is not JSON');
    }
    const { temp, humidity, pressure } = body.main ?? {};
    if (![temp, humidity, pressure].every((n) => typeof n === 'number' && Number.isFinite(n)))
      throw upstream('OpenWeather answer lacks temperature, humidity or pressure');
    const weather: CurrentWeather = {
      city: body.name ?? city,
      country: body.sys?.country ?? null,
      temperature: temp as number,
      humidity: humidity as number,
      pressure: pressure as number,
      description: body.weather?.[0]?.description ?? null,
      wind_speed: body.wind?.speed ?? null,
      observed_at: new Date((body.dt ?? Date.now() / 1000) * 1000).toISOString(),
      source: 'openweather',
    };
    this.cache.set(key, { at: Date.now(), weather });
    return weather;
  }
}

function upstream(message: string): SensorsError {
  return new SensorsError(SensorsErrorCode.WEATHER_UPSTREAM_FAILED, message);
}
