import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, Groups, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  CorrectRowDto,
  CorrectRowResponseDto,
  IssueDetailDto,
  IssueDto,
  IssuePageDto,
  IssueQueryDto,
  StagingRowDetailDto,
  StagingRowDto,
  UpdateIssueDto,
  UpdateIssueResponseDto,
} from './dto/jobs.dto.js';
import { StagingIdPipe } from './http/staging-id.pipe.js';
import { ReviewService } from './services/review.service.js';

@ApiTags('jobs review')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller()
export class ReviewController {
  constructor(private readonly review: ReviewService) {}

  @Get('issues')
  @ApiOperation({ summary: "Issues of the caller's jobs (every job for admins)" })
  @ApiResponse({ status: 200, type: IssuePageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: IssueQueryDto): Promise<IssuePageDto> {
    const result = await this.review.listIssues(user, { ...query, jobId: query.job_id });
    return { ...result, items: result.items.map((i) => IssueDto.from(i)) };
  }

  @Get('issues/:id')
  @ApiOperation({ summary: 'One issue with its staged row' })
  @ApiResponse({ status: 200, type: IssueDetailDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<IssueDetailDto> {
    const { issue, row } = await this.review.getIssue(user, id);
    return { ...IssueDto.from(issue), row: StagingRowDto.from(row) };
  }

  @Put('issues/:id')
  @Groups('editor')
  @ApiOperation({
    summary:
      'Resolve an issue with a comment, or discard its row; when no issue is left open the load is queued',
  })
  @ApiResponse({ status: 200, type: UpdateIssueResponseDto })
  @ApiResponse({
    status: 409,
    type: ErrorBody,
    description: 'JOB_NOT_IN_REVIEW, ISSUE_ALREADY_RESOLVED, ISSUE_NEEDS_CORRECTION',
  })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateIssueDto,
  ): Promise<UpdateIssueResponseDto> {
    const { issue, outcome } = await this.review.updateIssue(user, id, dto.action, dto.comment);
    return {
      issue: IssueDto.from(issue),
      job_status: outcome.jobStatus,
      job_issue_count: outcome.openIssues,
    };
  }

  @Get('staging/:id')
  @ApiOperation({ summary: 'One staged row with its issues' })
  @ApiResponse({ status: 200, type: StagingRowDetailDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async getRow(
    @CurrentUser() user: AuthUser,
    @Param('id', StagingIdPipe) id: string,
  ): Promise<StagingRowDetailDto> {
    const { row, issues } = await this.review.getRow(user, id);
    return { ...StagingRowDto.from(row), issues: issues.map((i) => IssueDto.from(i)) };
  }

  @Put('staging/:id')
  @Groups('editor')
  @ApiOperation({ summary: 'Correct a staged row; it is validated again and the job settles' })
  @ApiResponse({ status: 200, type: CorrectRowResponseDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'UNKNOWN_FIELD' })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'JOB_NOT_IN_REVIEW, ROW_NOT_EDITABLE' })
  async correct(
    @CurrentUser() user: AuthUser,
    @Param('id', StagingIdPipe) id: string,
    @Body() dto: CorrectRowDto,
  ): Promise<CorrectRowResponseDto> {
    const { row, issues, outcome } = await this.review.correctRow(user, id, dto.data);
    return {
      row: { ...StagingRowDto.from(row), issues: issues.map((i) => IssueDto.from(i)) },
      job_status: outcome.jobStatus,
      job_issue_count: outcome.openIssues,
    };
  }
}
