import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles, CurrentUser, type AuthUser, Role } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { EffectiveThresholdsDto, ThresholdsDto, ThresholdsListDto } from './dto/thresholds.dto.js';
import { NAME_PATTERN } from './sensors.rules.js';
import { SensorsError, SensorsErrorCode } from './sensors.errors.js';
import { type EffectiveThresholds, ThresholdsService } from './services/thresholds.service.js';

/** Anomaly thresholds: per type and per sensor overrides of the configured defaults. Admins only. */
@ApiTags('sensors')
@ApiBearerAuth()
@ApiCookieAuth('access_token')
@ApiResponse({ status: 400, type: ErrorBody })
@ApiResponse({ status: 403, type: ErrorBody, description: 'Not an admin' })
@Roles(Role.ADMIN)
@Controller('sensors/thresholds')
export class ThresholdsController {
  constructor(private readonly thresholds: ThresholdsService) {}

  @Get()
  @ApiOperation({ summary: 'Effective thresholds per type and every per-sensor override' })
  @ApiResponse({ status: 200, type: ThresholdsListDto })
  list(): ThresholdsListDto {
    return this.thresholds.list();
  }

  @Get('types/:type')
  @ApiParam({ name: 'type', example: 'temperature' })
  @ApiOperation({ summary: 'Effective thresholds of a type' })
  @ApiResponse({ status: 200, type: EffectiveThresholdsDto })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'The type has no thresholds' })
  ofType(@Param('type') type: string): EffectiveThresholds {
    return found(this.thresholds.effective(name(type).toLowerCase()), `type '${type}'`);
  }

  @Put('types/:type')
  @ApiParam({ name: 'type', example: 'pressure' })
  @ApiOperation({ summary: "Override a type's thresholds (all sensors of the type without their own)" })
  @ApiResponse({ status: 200, type: ThresholdsDto })
  setType(@Param('type') type: string, @Body() dto: ThresholdsDto, @CurrentUser() user: AuthUser) {
    return this.thresholds.set('type', name(type).toLowerCase(), normalise(dto), user.id);
  }

  @Delete('types/:type')
  @HttpCode(204)
  @ApiParam({ name: 'type' })
  @ApiOperation({ summary: "Drop a type's override (back to the configured thresholds)" })
  @ApiResponse({ status: 404, type: ErrorBody })
  async removeType(@Param('type') type: string): Promise<void> {
    await this.thresholds.remove('type', name(type).toLowerCase());
  }

  @Get('sensors/:sensorId')
  @ApiParam({ name: 'sensorId', example: 'greenhouse-1-temp' })
  @ApiOperation({
    summary: "One sensor's own override (404 when it follows its type's thresholds)",
  })
  @ApiResponse({ status: 200, type: EffectiveThresholdsDto })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No override for this sensor' })
  ofSensor(@Param('sensorId') sensorId: string): EffectiveThresholds {
    return found(this.thresholds.effective('', name(sensorId)), `sensor '${sensorId}'`);
  }

  @Put('sensors/:sensorId')
  @ApiParam({ name: 'sensorId', example: 'greenhouse-1-temp' })
  @ApiOperation({ summary: "Override one sensor's thresholds" })
  @ApiResponse({ status: 200, type: ThresholdsDto })
  setSensor(@Param('sensorId') sensorId: string, @Body() dto: ThresholdsDto, @CurrentUser() user: AuthUser) {
    return this.thresholds.set('sensor', name(sensorId), normalise(dto), user.id);
  }

  @Delete('sensors/:sensorId')
  @HttpCode(204)
  @ApiParam({ name: 'sensorId' })
  @ApiOperation({ summary: "Drop a sensor's override" })
  @ApiResponse({ status: 404, type: ErrorBody })
  async removeSensor(@Param('sensorId') sensorId: string): Promise<void> {
    await this.thresholds.remove('sensor', name(sensorId));
  }
}

function name(value: string): string {
  if (!NAME_PATTERN.test(value))
    throw new SensorsError(SensorsErrorCode.INVALID_QUERY, 'Names are 1-100 letters, digits or . _ : -');
  return value;
}

function normalise(dto: ThresholdsDto) {
  return { min: dto.min ?? null, max: dto.max ?? null, jump: dto.jump ?? null };
}

function found(value: EffectiveThresholds | null, what: string): EffectiveThresholds {
  if (!value) throw new SensorsError(SensorsErrorCode.THRESHOLD_NOT_FOUND, `No thresholds for ${what}`);
  return value;
}
