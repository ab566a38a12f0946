import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCookieAuth,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Groups } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  IssueDto,
  IssuePageDto,
  JobDto,
  JobIssueQueryDto,
  JobPageDto,
  ListJobsQueryDto,
  ReviewOutcomeDto,
  UploadJobBodyDto,
  UploadJobDto,
  UploadResponseDto,
} from './dto/jobs.dto.js';
import { JobKindRegistry } from './kinds/registry.js';
import { ReviewService } from './services/review.service.js';
import { RejectsService } from './services/rejects.service.js';
import { JobsService } from './services/jobs.service.js';
import type { ReceivedFile } from './services/csv-intake.js';
import { CsvUploadInterceptor, UploadedCsv } from './http/csv-upload.interceptor.js';

@ApiTags('jobs')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly review: ReviewService,
    private readonly kinds: JobKindRegistry,
    private readonly rejected: RejectsService,
  ) {}

  @Post('upload')
  @Groups('uploader')
  @UseInterceptors(CsvUploadInterceptor)
  @ApiOperation({
    summary:
      'Upload a CSV or JSON Lines file, gzip-compressed or not (multipart: file + kind, optional delimiter, columns, types, on_issues); it is checked, stored and queued.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadJobBodyDto })
  @ApiResponse({ status: 201, type: UploadResponseDto })
  @ApiResponse({
    status: 400,
    type: ErrorBody,
    description:
      'EMPTY_FILE, NO_DATA_ROWS, MISSING_COLUMNS (lists the columns found and expected), MALFORMED_CSV, MALFORMED_XLSX, UNKNOWN_FIELD, UNKNOWN_KIND, FILE_MISSING',
  })
  @ApiResponse({ status: 403, type: ErrorBody, description: "Not in group 'uploader'" })
  @ApiResponse({
    status: 409,
    type: ErrorBody,
    description: 'DUPLICATE_UPLOAD: you uploaded this content before',
  })
  @ApiResponse({ status: 413, type: ErrorBody, description: 'FILE_TOO_LARGE (JOBS_MAX_UPLOAD_MB)' })
  @ApiResponse({ status: 415, type: ErrorBody, description: 'BINARY_FILE, UNSUPPORTED_ENCODING' })
  @ApiResponse({ status: 503, type: ErrorBody, description: 'QUEUE_UNAVAILABLE or STORAGE_UNAVAILABLE' })
  async upload(
    @CurrentUser() user: AuthUser,
    @Body() dto: UploadJobDto,
    @UploadedCsv() file: ReceivedFile | undefined,
  ): Promise<UploadResponseDto> {
    const { job, ignoredColumns } = await this.jobs.upload(user.id, dto.kind, file, {
      delimiter: dto.delimiter,
      sheet: dto.sheet,
      columns: dto.columns,
      types: dto.types,
      onIssues: dto.on_issues,
    });
    return {
      job_id: job.id,
      message: 'File uploaded; processing has been queued',
      filename: job.originalFilename,
      total_rows: job.totalRows ?? 0,
      ignored_columns: ignoredColumns,
    };
  }

  @Get('kinds')
  @ApiOperation({ summary: 'The kinds of job, with their columns and issue types' })
  listKinds() {
    return this.kinds.all().map((k) => ({
      name: k.name,
      description: k.description,
      columns: k.columns.map((c) => ({
        name: c.name,
        aliases: c.aliases,
        required: c.required,
        description: c.description,
      })),
      issue_types: k.issueTypes,
      acceptable_issue_types: k.acceptableIssues,
    }));
  }

  @Get()
  @ApiOperation({ summary: "The caller's jobs, newest first (admins: `user_id` for another user's)" })
  @ApiResponse({ status: 200, type: JobPageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListJobsQueryDto): Promise<JobPageDto> {
    const result = await this.jobs.list(user, { ...query, userId: query.user_id });
    return { ...result, items: result.items.map((j) => JobDto.from(j)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job (owner or admin)' })
  @ApiResponse({ status: 200, type: JobDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<JobDto> {
    return JobDto.from(await this.jobs.get(user, id));
  }

  @Get(':id/issues')
  @ApiOperation({ summary: "A job's issues in file order" })
  @ApiResponse({ status: 200, type: IssuePageDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async issues(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: JobIssueQueryDto,
  ): Promise<IssuePageDto> {
    const result = await this.review.listIssues(user, { ...query, jobId: id });
    return { ...result, items: result.items.map((i) => IssueDto.from(i)) };
  }

  @Get(':id/rejects')
  @ApiOperation({
    summary:
      "A job's rejected rows as CSV, in file order: line_number, row_number, status (open or rejected), the kind's columns and the reason (streamed)",
  })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'text/csv' })
  @ApiResponse({ status: 404, type: ErrorBody })
  async rejects(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const lines = await this.rejected.csv(user, id);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="job-${id}-rejects.csv"`);
    await pipeline(Readable.from(lines), res);
  }

  @Post(':id/load-valid')
  @Groups('editor')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Reject every row of a job in review that has an open issue (they stay in GET /jobs/{id}/rejects) and load the others',
  })
  @ApiResponse({ status: 202, type: ReviewOutcomeDto })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'JOB_NOT_IN_REVIEW' })
  async loadValid(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ReviewOutcomeDto> {
    const outcome = await this.rejected.loadValid(user, id);
    return { job_status: outcome.jobStatus, job_issue_count: outcome.openIssues };
  }

  @Post(':id/reprocess')
  @Groups('uploader')
  @HttpCode(202)
  @ApiOperation({ summary: 'Process a NEEDS_REVIEW or FAILED job again from its file' })
  @ApiResponse({ status: 202, type: JobDto })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'JOB_BUSY or JOB_NOT_REPROCESSABLE' })
  async reprocess(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<JobDto> {
    return JobDto.from(await this.jobs.reprocess(user, id));
  }

  @Delete(':id')
  @Groups('editor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a PENDING, NEEDS_REVIEW or FAILED job with its rows, issues and file' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'JOB_NOT_DELETABLE' })
  async delete(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.jobs.delete(user, id);
  }
}
