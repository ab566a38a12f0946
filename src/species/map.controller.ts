import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { FeatureCollectionDto } from './dto/geo.dto.js';
import { MapQueryDto } from './dto/map.dto.js';
import { MapService } from './services/map.service.js';

@ApiTags('species')
@ApiBearerAuth()
@Controller('map')
export class MapController {
  constructor(private readonly map: MapService) {}

  @Get('observations')
  @ApiOperation({
    summary: 'Curated (obis-{id}) and user (user-{id}) sightings within radius km, by distance (distance_km)',
  })
  @ApiResponse({ status: 200, type: FeatureCollectionDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Bad lat, lng or radius (named)' })
  @ApiResponse({ status: 401, type: ErrorBody })
  around(@CurrentUser() user: AuthUser, @Query() q: MapQueryDto): Promise<FeatureCollectionDto> {
    return this.map.around({ lat: q.lat, lng: q.lng, radiusKm: q.radius }, user);
  }
}
