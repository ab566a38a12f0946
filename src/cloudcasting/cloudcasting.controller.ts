import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles, Public, Role } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { PageQueryDto } from '../common/pagination/pagination.js';
import {
  CloudcastingStatusDto,
  DataInfoDto,
  DownloadStatusDto,
  ForecastPageDto,
  LayerParamsDto,
  LayersDto,
  PointQueryDto,
  PointSeriesDto,
  TriggerDownloadDto,
  TriggerDownloadResponseDto,
} from './dto/cloudcasting.dto.js';
import { CloudcastingQueries } from './services/cloudcasting-queries.js';
import { CloudcastingQueue } from './cloudcasting.queue.js';

@ApiTags('cloudcasting')
@Controller('cloudcasting')
export class CloudcastingController {
  constructor(
    private readonly queries: CloudcastingQueries,
    private readonly queue: CloudcastingQueue,
  ) {}

  @Public()
  @Get('status')
  @ApiOperation({ summary: 'Source, schedule, the forecast being served and the download state' })
  @ApiResponse({ status: 200, type: CloudcastingStatusDto })
  status(): Promise<CloudcastingStatusDto> {
    return this.queries.status();
  }

  @Post('trigger-download')
  @HttpCode(202)
  @Roles(Role.ADMIN)
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Queue a download now (admin)' })
  @ApiResponse({ status: 202, type: TriggerDownloadResponseDto })
  @ApiResponse({
    status: 409,
    type: ErrorBody,
    description: 'A download is running; details.job_id is its id',
  })
  @ApiResponse({ status: 503, type: ErrorBody, description: 'No source configured' })
  trigger(@Body() dto: TriggerDownloadDto): Promise<TriggerDownloadResponseDto> {
    return this.queue.trigger(dto.force ?? false);
  }

  @Public()
  @Get('download-status')
  @ApiOperation({ summary: 'Whether a download runs, its task and progress, the last success and error' })
  @ApiResponse({ status: 200, type: DownloadStatusDto })
  downloadStatus(): Promise<DownloadStatusDto> {
    return this.queries.downloadStatus();
  }

  @Public()
  @Get('data-info')
  @ApiOperation({ summary: 'The forecast being served: init time, steps, variables, size, time range' })
  @ApiResponse({ status: 200, type: DataInfoDto })
  dataInfo(): Promise<DataInfoDto> {
    return this.queries.dataInfo();
  }

  @Public()
  @Get('forecasts')
  @ApiOperation({ summary: 'Processed forecasts, newest first, with sizes and timings' })
  @ApiResponse({ status: 200, type: ForecastPageDto })
  forecasts(@Query() query: PageQueryDto): Promise<ForecastPageDto> {
    return this.queries.history(query);
  }

  @Public()
  @Get('layers')
  @ApiOperation({ summary: 'Channels and steps of the forecast being served' })
  @ApiResponse({ status: 200, type: LayersDto })
  layers(): Promise<LayersDto> {
    return this.queries.layers();
  }

  @Get('layers/:channel/:step.tif')
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiParam({ name: 'channel', example: 'IR_108' })
  @ApiParam({ name: 'step', example: 0, description: 'Step index' })
  @ApiOperation({
    summary:
      'One layer as a float32 GeoTIFF (EPSG:4326, DEFLATE, tiled, NaN nodata); supports Range and ETag',
  })
  @ApiProduces('image/tiff')
  @ApiResponse({ status: 200, description: 'The GeoTIFF' })
  @ApiResponse({ status: 206, description: 'A byte range of it' })
  @ApiResponse({ status: 304, description: 'Unchanged (If-None-Match)' })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Unknown channel or step out of range' })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No such layer in the current forecast' })
  async layer(@Param() params: LayerParamsDto, @Res() res: Response): Promise<void> {
    const file = await this.queries.layerFile(params.channel, params.step);
    res.setHeader('ETag', file.etag);
    res.setHeader('Cache-Control', `private, max-age=${this.queries.tiffMaxAgeSeconds}`);
    res.setHeader('Content-Disposition', `inline; filename="${file.fileName}"`);
    res.setHeader('Content-Type', 'image/tiff');
    await new Promise<void>((resolve, reject) =>
      // `send` answers Range (206/416), If-None-Match / If-Range (304) against the ETag set above.
      res.sendFile(file.path, { etag: false, cacheControl: false, lastModified: true }, (err) =>
        err && !res.headersSent ? reject(err) : resolve(),
      ),
    );
  }

  @Get('point')
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'The forecast at one place: one value per step of a channel' })
  @ApiResponse({ status: 200, type: PointSeriesDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Unknown channel or point outside the grid' })
  @ApiResponse({ status: 404, type: ErrorBody, description: 'No forecast published yet' })
  point(@Query() query: PointQueryDto): Promise<PointSeriesDto> {
    return this.queries.point(query.lon, query.lat, query.channel);
  }
}
