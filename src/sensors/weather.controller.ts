import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body.js';
import { CityQueryDto, WeatherComparisonDto, WeatherDto } from './dto/weather.dto.js';
import { WeatherService } from './services/weather.service.js';

@ApiTags('sensors')
@ApiBearerAuth()
@ApiCookieAuth('access_token')
@ApiResponse({ status: 404, type: ErrorBody, description: 'Unknown city' })
@ApiResponse({ status: 502, type: ErrorBody, description: 'OpenWeather failed' })
@ApiResponse({ status: 503, type: ErrorBody, description: 'OPENWEATHER_API_KEY is not set' })
@Controller('sensors')
export class WeatherController {
  constructor(private readonly weather: WeatherService) {}

  @Get('external/weather')
  @ApiOperation({ summary: 'Current weather of a city from OpenWeather (cached a few minutes)' })
  @ApiResponse({ status: 200, type: WeatherDto })
  external(@Query() q: CityQueryDto): Promise<WeatherDto> {
    return this.weather.current(q.city);
  }

  @Get('compare/weather')
  @ApiOperation({
    summary: "Last hour's local averages against OpenWeather: differences and alerts",
    description:
      'Alerts: temperature over 5 °C warning, over 10 critical; humidity over 20 % warning, over 30 critical; ' +
      'pressure over 10 hPa warning.',
  })
  @ApiResponse({ status: 200, type: WeatherComparisonDto })
  compare(@Query() q: CityQueryDto): Promise<WeatherComparisonDto> {
    return this.weather.compare(q.city);
  }
}
