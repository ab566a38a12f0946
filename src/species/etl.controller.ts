import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles, Role } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { PageQueryDto } from '../common/pagination/pagination.js';
import { EtlRunDto, EtlRunPageDto, StartEtlRunDto } from './dto/etl.dto.js';
import { EtlService } from './services/etl.service.js';

@ApiTags('species')
@ApiBearerAuth()
@Roles(Role.ADMIN)
@ApiResponse({ status: 401, type: ErrorBody })
@ApiResponse({ status: 403, type: ErrorBody, description: 'Admins only' })
@Controller('species/etl/runs')
export class EtlController {
  constructor(private readonly etl: EtlService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue an OBIS load (incremental: last 30 days unless dates are given)' })
  @ApiResponse({ status: 202, type: EtlRunDto })
  @ApiResponse({ status: 400, type: ErrorBody })
  async start(@Body() dto: StartEtlRunDto): Promise<EtlRunDto> {
    const run = await this.etl.enqueue(
      {
        mode: dto.mode ?? 'incremental',
        pages: dto.pages,
        startDate: dto.start_date,
        endDate: dto.end_date,
        taxonId: dto.taxonid,
        scientificName: dto.scientificname,
        geometry: dto.geometry,
        size: dto.size,
      },
      'api',
    );
    return EtlRunDto.from(run);
  }

  @Get()
  @ApiOperation({ summary: 'ETL runs, newest first' })
  @ApiResponse({ status: 200, type: EtlRunPageDto })
  async list(@Query() query: PageQueryDto): Promise<EtlRunPageDto> {
    const result = await this.etl.list(query);
    return { ...result, items: result.items.map((r) => EtlRunDto.from(r)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ETL run with its counters and cursor' })
  @ApiResponse({ status: 200, type: EtlRunDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(@Param('id') id: string): Promise<EtlRunDto> {
    return EtlRunDto.from(await this.etl.get(id));
  }

  @Post(':id/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a failed or interrupted run again; it continues from its cursor' })
  @ApiResponse({ status: 202, type: EtlRunDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'Already succeeded or running' })
  async resume(@Param('id') id: string): Promise<EtlRunDto> {
    return EtlRunDto.from(await this.etl.enqueueResume(id));
  }
}
