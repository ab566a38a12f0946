import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  ListResourcesQueryDto,
  ResourceDto,
  ResourcePageDto,
  ResourceStatsDto,
  StatsQueryDto,
  TopCostQueryDto,
  UpdateResourceDto,
} from './dto/scan.dto.js';
import { ResourcesService } from './services/resources.service.js';

@ApiTags('scans: resources')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

  @Get()
  @ApiOperation({
    summary:
      'Orphaned resources, costliest first; by default those of the latest completed scan of each account',
  })
  @ApiResponse({ status: 200, type: ResourcePageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListResourcesQueryDto): Promise<ResourcePageDto> {
    const result = await this.resources.list(user.id, query);
    return { ...result, items: result.items.map((r) => ResourceDto.from(r)) };
  }

  @Get('stats')
  @ApiOperation({ summary: 'Counts and monthly cost by type, region and status; monthly and annual waste' })
  @ApiResponse({ status: 200, type: ResourceStatsDto })
  async stats(@CurrentUser() user: AuthUser, @Query() query: StatsQueryDto): Promise<ResourceStatsDto> {
    return this.resources.stats(user.id, query);
  }

  @Get('top-cost')
  @ApiOperation({ summary: 'The costliest resources still counted as waste' })
  @ApiResponse({ status: 200, type: [ResourceDto] })
  async topCost(@CurrentUser() user: AuthUser, @Query() query: TopCostQueryDto): Promise<ResourceDto[]> {
    const items = await this.resources.topCost(user.id, query.limit, { account_id: query.account_id });
    return items.map((r) => ResourceDto.from(r));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One resource' })
  @ApiResponse({ status: 200, type: ResourceDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ResourceDto> {
    return ResourceDto.from(await this.resources.get(user.id, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change status or notes' })
  @ApiResponse({ status: 200, type: ResourceDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateResourceDto,
  ): Promise<ResourceDto> {
    return ResourceDto.from(await this.resources.update(user.id, id, dto));
  }

  @Patch(':id/ignore')
  @ApiOperation({ summary: 'Ignore: it stays ignored in later scans' })
  @ApiResponse({ status: 200, type: ResourceDto })
  async ignore(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ResourceDto> {
    return ResourceDto.from(await this.resources.update(user.id, id, { status: 'ignored' }));
  }

  @Patch(':id/mark-for-deletion')
  @ApiOperation({ summary: 'Mark for deletion (kept in later scans until it is gone)' })
  @ApiResponse({ status: 200, type: ResourceDto })
  async markForDeletion(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ResourceDto> {
    return ResourceDto.from(await this.resources.update(user.id, id, { status: 'marked_for_deletion' }));
  }
}
