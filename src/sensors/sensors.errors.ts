import { DomainError } from '../common/errors/domain-error.js';

export enum SensorsErrorCode {
  SENSOR_NOT_FOUND = 'SENSOR_NOT_FOUND',
  INVALID_READINGS = 'INVALID_READINGS',
  INVALID_QUERY = 'INVALID_QUERY',
  THRESHOLD_NOT_FOUND = 'THRESHOLD_NOT_FOUND',
  MQTT_DISCONNECTED = 'MQTT_DISCONNECTED',
  WEATHER_NOT_CONFIGURED = 'WEATHER_NOT_CONFIGURED',
  CITY_NOT_FOUND = 'CITY_NOT_FOUND',
  WEATHER_UPSTREAM_FAILED = 'WEATHER_UPSTREAM_FAILED',
}

export class SensorsError extends DomainError<SensorsErrorCode> {
  get status(): number {
    switch (this.code) {
      case SensorsErrorCode.INVALID_READINGS:
      case SensorsErrorCode.INVALID_QUERY:
        return 400;
      case SensorsErrorCode.SENSOR_NOT_FOUND:
      case SensorsErrorCode.THRESHOLD_NOT_FOUND:
      case SensorsErrorCode.CITY_NOT_FOUND:
        return 404;
      case SensorsErrorCode.WEATHER_UPSTREAM_FAILED:
        return 502;
      case SensorsErrorCode.MQTT_DISCONNECTED:
      case SensorsErrorCode.WEATHER_NOT_CONFIGURED:
        return 503;
    }
  }
}
