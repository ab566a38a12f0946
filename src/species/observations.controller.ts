import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { memoryStorage } from 'multer';
import { type AuthUser, Roles, CurrentUser, Role } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  CreateObservationDto,
  ExportQueryDto,
  ImageUploadDto,
  ObservationCollectionDto,
  ObservationFeatureDto,
  ObservationListQueryDto,
  UpdateObservationDto,
  ValidateObservationDto,
} from './dto/observation.dto.js';
import { parseBbox } from './search/geo-params.js';
import { SpeciesError, SpeciesErrorCode } from './species.errors.js';
import { MAX_IMAGE_BYTES } from './observations/observation-image.js';
import { CSV_COLUMNS, toCsvLine, toFeature } from './observations/observation.geojson.js';
import { ObservationsService } from './services/observations.service.js';

@ApiTags('observations')
@ApiBearerAuth()
@ApiResponse({ status: 400, type: ErrorBody, description: 'Invalid input, the field named' })
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('observations')
export class ObservationsController {
  constructor(private readonly observations: ObservationsService) {}

  @Get()
  @ApiOperation({ summary: "The caller's own sightings as GeoJSON, newest first" })
  @ApiResponse({ status: 200, type: ObservationCollectionDto })
  async list(
    @CurrentUser() user: AuthUser,
    @Query() query: ObservationListQueryDto,
  ): Promise<ObservationCollectionDto> {
    const bbox = query.in_bbox !== undefined ? parseBbox(query.in_bbox, 'in_bbox') : undefined;
    const { items, total } = await this.observations.list(user.id, query, bbox);
    return {
      type: 'FeatureCollection',
      features: items.map(toFeature),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  @Post()
  @ApiOperation({ summary: 'Record a sighting' })
  @ApiResponse({ status: 201, type: ObservationFeatureDto })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateObservationDto,
  ): Promise<ObservationFeatureDto> {
    return toFeature(await this.observations.create(user.id, dto));
  }

  @Get('export')
  @ApiOperation({ summary: "All the caller's sightings as a GeoJSON or CSV download" })
  @ApiProduces('application/geo+json', 'text/csv')
  @ApiResponse({ status: 200, description: 'The file' })
  async export(
    @CurrentUser() user: AuthUser,
    @Query() query: ExportQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const csv = query.format === 'csv';
    res.setHeader('Content-Type', csv ? 'text/csv; charset=utf-8' : 'application/geo+json');
    res.setHeader('Content-Disposition', `attachment; filename="observations.${csv ? 'csv' : 'geojson'}"`);
    res.write(csv ? `${CSV_COLUMNS.join(',')}\r\n` : '{"type":"FeatureCollection","features":[');
    let first = true;
    for await (const rows of this.observations.exportAll(user.id)) {
      if (csv) res.write(rows.map((o) => `${toCsvLine(o)}\r\n`).join(''));
      else {
        res.write((first ? '' : ',') + rows.map((o) => JSON.stringify(toFeature(o))).join(','));
        first = false;
      }
    }
    res.end(csv ? '' : ']}');
  }

  @Get(':id')
  @ApiOperation({ summary: 'One sighting (its owner, researchers and admins; others get 404)' })
  @ApiResponse({ status: 200, type: ObservationFeatureDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<ObservationFeatureDto> {
    return toFeature(await this.observations.get(id, user));
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a sighting' })
  @ApiResponse({ status: 200, type: ObservationFeatureDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async replace(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: CreateObservationDto,
  ): Promise<ObservationFeatureDto> {
    return toFeature(await this.observations.replace(id, user, dto));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of a sighting' })
  @ApiResponse({ status: 200, type: ObservationFeatureDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async patch(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: UpdateObservationDto,
  ): Promise<ObservationFeatureDto> {
    return toFeature(await this.observations.patch(id, user, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a sighting and its image' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, type: ErrorBody })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.observations.remove(id, user);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @Roles(Role.RESEARCHER, Role.ADMIN)
  @ApiOperation({ summary: 'Mark a sighting validated, rejected or pending (researchers and admins)' })
  @ApiResponse({ status: 200, type: ObservationFeatureDto })
  @ApiResponse({ status: 403, type: ErrorBody })
  @ApiResponse({ status: 404, type: ErrorBody })
  async validate(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: ValidateObservationDto,
  ): Promise<ObservationFeatureDto> {
    return toFeature(await this.observations.setValidation(id, user, dto.status));
  }

  @Post(':id/image')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImageUploadDto })
  @UseInterceptors(
    FileInterceptor('image', { storage: memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1 } }),
  )
  @ApiOperation({
    summary: 'Attach a photo (JPEG or PNG, at most 2 MB; checked by content), replacing any previous',
  })
  @ApiResponse({ status: 200, type: ObservationFeatureDto })
  @ApiResponse({ status: 413, type: ErrorBody })
  @ApiResponse({ status: 415, type: ErrorBody })
  async attachImage(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @UploadedFile() file: Express.Multer.File | undefined,
  ): Promise<ObservationFeatureDto> {
    if (!file)
      throw new SpeciesError(
        SpeciesErrorCode.INVALID_PARAMETER,
        'image is required (multipart field "image")',
      );
    return toFeature(await this.observations.attachImage(id, user, file.buffer));
  }

  @Get(':id/image')
  @ApiOperation({ summary: 'The photo of a sighting' })
  @ApiProduces('image/jpeg', 'image/png')
  @ApiResponse({ status: 200, description: 'The image' })
  @ApiResponse({ status: 404, type: ErrorBody })
  async image(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<StreamableFile> {
    const { stream, type } = await this.observations.image(id, user);
    return new StreamableFile(stream, { type });
  }
}
