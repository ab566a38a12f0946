import { Controller, Get, Header, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  LayerStatisticsDto,
  LegendDto,
  LegendQueryDto,
  TileJsonDto,
  TileParamsDto,
  TileStyleQueryDto,
  TileXyzParamsDto,
} from './dto/cloudcasting.dto.js';
import { CloudcastingTiles } from './services/cloudcasting-tiles.js';

/** The set id in every URL pins the bytes: a year, and no revalidation while the client has them. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

@ApiTags('cloudcasting')
@Controller('cloudcasting')
export class TilesController {
  constructor(private readonly tiles: CloudcastingTiles) {}

  @Get('tiles/:set/:channel/:step/:z/:x/:y.png')
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({
    summary: 'A 256 px Web Mercator tile of one layer, coloured (colormap) and stretched (rescale=min,max)',
  })
  @ApiProduces('image/png')
  @ApiResponse({ status: 200, description: 'PNG; transparent where there is no data' })
  @ApiResponse({ status: 304, description: 'Unchanged (If-None-Match)' })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Bad tile, channel, step, colormap or rescale' })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No such layer set (pruned)' })
  async tile(
    @Param() params: TileXyzParamsDto,
    @Query() query: TileStyleQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const tile = await this.tiles.tile(
      { ...params, setId: params.set, colormap: query.colormap ?? 'greys', rescale: query.rescale },
      req.headers['if-none-match'],
    );
    res.setHeader('ETag', tile.etag);
    res.setHeader('Cache-Control', IMMUTABLE);
    if (!tile.png) {
      res.status(304).end();
      return;
    }
    res.type('image/png').send(tile.png);
  }

  @Get('tiles/:set/:channel/:step/tilejson.json')
  @Header('Cache-Control', IMMUTABLE)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({
    summary: 'TileJSON 3.0.0 of one layer; colormap and rescale are carried into its tile URL',
  })
  @ApiResponse({ status: 200, type: TileJsonDto })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No such layer set (pruned)' })
  tileJson(
    @Param() params: TileParamsDto,
    @Query() query: TileStyleQueryDto,
    @Req() req: Request,
  ): Promise<TileJsonDto> {
    const search = new URLSearchParams();
    if (query.colormap) search.set('colormap', query.colormap);
    if (query.rescale) search.set('rescale', query.rescale);
    return this.tiles.tileJson(
      params.set,
      params.channel,
      params.step,
      `${req.protocol}://${req.get('host')}`,
      search,
    );
  }

  @Get('tiles/:set/:channel/:step/statistics')
  @Header('Cache-Control', IMMUTABLE)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({
    summary: 'Statistics of one layer (min, max, mean, std, percentiles), computed at conversion',
  })
  @ApiResponse({ status: 200, type: LayerStatisticsDto })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No such layer set (pruned)' })
  statistics(@Param() params: TileParamsDto): Promise<LayerStatisticsDto> {
    return this.tiles.statistics(params.set, params.channel, params.step);
  }

  @Public()
  @Get('legend')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOperation({
    summary: 'Legend of a colour map: colour stops over rescale=min,max (JSON), or a PNG ramp',
  })
  @ApiProduces('application/json', 'image/png')
  @ApiResponse({ status: 200, type: LegendDto })
  legend(@Query() query: LegendQueryDto, @Res() res: Response): void {
    const colormap = query.colormap ?? 'greys';
    const legend: LegendDto = { colormap, ...this.tiles.legend(colormap, query.rescale) };
    if (query.format === 'png') res.type('image/png').send(this.tiles.legendPng(colormap, 256, 16));
    else res.json(legend);
  }
}
