import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Public } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { feature, FeatureCollectionDto } from './dto/geo.dto.js';
import {
  CuratedObservationDetailDto,
  CuratedObservationListDto,
  ObservationSearchQueryDto,
  SpeciesListQueryDto,
  SpeciesPageDto,
  SpeciesStatsDto,
} from './dto/search.dto.js';
import { CuratedSearchService } from './services/curated-search.service.js';
import { circleOf, parseBbox } from './search/geo-params.js';

@ApiTags('species')
@ApiResponse({ status: 400, type: ErrorBody, description: 'A bad parameter, named in the message' })
@Controller('species')
export class SpeciesController {
  constructor(private readonly search: CuratedSearchService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Distinct species with their observation counts, most observed first' })
  @ApiResponse({ status: 200, type: SpeciesPageDto })
  species(@Query() query: SpeciesListQueryDto): Promise<SpeciesPageDto> {
    return this.search.species(query);
  }

  @Get('stats')
  @Public()
  @ApiOperation({ summary: 'Figures of the curated and user observations and the last ETL run' })
  @ApiResponse({ status: 200, type: SpeciesStatsDto })
  stats(): Promise<SpeciesStatsDto> {
    return this.search.stats();
  }

  @Get('observations')
  @Public()
  @ApiOperation({
    summary: 'Search curated OBIS observations',
    description:
      'Filters combine. With lat, lng and radius_km the results are ordered by distance (distance_km on each); ' +
      'otherwise newest loaded first. Follow next_cursor for the next page. format=geojson returns a FeatureCollection.',
  })
  @ApiExtraModels(CuratedObservationListDto, FeatureCollectionDto)
  @ApiResponse({
    status: 200,
    schema: {
      oneOf: [
        { $ref: getSchemaPath(CuratedObservationListDto) },
        { $ref: getSchemaPath(FeatureCollectionDto) },
      ],
    },
  })
  async observations(
    @Query() q: ObservationSearchQueryDto,
  ): Promise<CuratedObservationListDto | FeatureCollectionDto> {
    const result = await this.search.search({
      speciesName: q.species_name,
      commonName: q.common_name,
      aphiaId: q.aphia_id,
      from: q.from,
      to: q.to,
      minDepth: q.min_depth,
      maxDepth: q.max_depth,
      bbox: q.bbox !== undefined ? parseBbox(q.bbox) : undefined,
      circle: circleOf(
        { lat: q.lat, lng: q.lng, radius: q.radius_km },
        { lat: 'lat', lng: 'lng', radius: 'radius_km' },
      ),
      limit: q.limit,
      cursor: q.cursor,
    });
    if (q.format === 'geojson') {
      return {
        type: 'FeatureCollection',
        features: result.items.map(({ longitude, latitude, ...properties }) =>
          feature(`obis-${properties.id}`, longitude, latitude, properties),
        ),
        next_cursor: result.nextCursor,
      };
    }
    return { items: result.items, next_cursor: result.nextCursor, limit: q.limit };
  }

  @Get('observations/:id')
  @Public()
  @ApiOperation({ summary: 'One curated observation, with the OBIS record as received' })
  @ApiResponse({ status: 200, type: CuratedObservationDetailDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  observation(@Param('id') id: string): Promise<CuratedObservationDetailDto> {
    return this.search.get(id);
  }
}
