import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/pagination.js';
import { Contact } from '../entities/contact.entity.js';
import { IssueResolution, JobIssue } from '../entities/job-issue.entity.js';
import { Job, JobStatus } from '../entities/job.entity.js';
import { StagingRow, StagingStatus } from '../entities/staging-row.entity.js';
import { JOB_KIND_NAMES } from '../kinds/registry.js';
import { VALUE_TYPES, type ValueType } from '../kinds/value-types.js';
import { DELIMITERS, type Delimiter } from '../upload/csv-records.js';
import type { OnIssues } from '../entities/job.entity.js';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export class UploadJobDto {
  @ApiProperty({
    enum: JOB_KIND_NAMES,
    example: 'contacts',
    description: 'Kind of data in the file (columns and issue types: GET /api/v1/jobs/kinds)',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  kind: string;

  @ApiPropertyOptional({
    enum: [',', ';', 'tab', '|'],
    description: 'CSV delimiter; detected from the file when absent (`,` `;` tab `|`)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'tab' ? '\t' : value))
  @IsIn(DELIMITERS)
  delimiter?: Delimiter;

  @ApiPropertyOptional({
    example: 'Contacts',
    description: 'XLSX: the worksheet to read (default the first)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  sheet?: string;

  @ApiPropertyOptional({
    type: 'string',
    example: '{"email": "E-Mail Adresse", "first_name": "Vorname"}',
    description:
      'JSON object: kind column -> header cell of the file, over the names and aliases of the kind',
  })
  @IsOptional()
  @Transform(parseJsonField)
  @IsObject({ message: 'columns must be a JSON object of kind column -> header cell' })
  columns?: Record<string, string>;

  @ApiPropertyOptional({
    type: 'string',
    example: '{"value": "decimal_comma", "timestamp": "date_dmy"}',
    description: `JSON object: kind column -> how to read its cells (${VALUE_TYPES.join(', ')})`,
  })
  @IsOptional()
  @Transform(parseJsonField)
  @IsObject({ message: 'types must be a JSON object of kind column -> type' })
  types?: Record<string, ValueType>;

  @ApiPropertyOptional({
    enum: ['review', 'load_valid'],
    description:
      'review (default): rows with issues wait in NEEDS_REVIEW; load_valid: they are rejected (GET /jobs/{id}/rejects) and the other rows load, as pgloader does',
  })
  @IsOptional()
  @IsIn(['review', 'load_valid'])
  on_issues?: OnIssues;
}

/** A multipart field holding JSON: parsed, or left as text for the validator to refuse. */
function parseJsonField({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Swagger shape of the multipart body. */
export class UploadJobBodyDto extends UploadJobDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'CSV (delimiter `,` `;` tab or `|`, UTF-8 or Latin-1, with a header line) or JSON Lines (one object per line), either gzip-compressed or not; or an XLSX workbook (its first sheet, or `sheet`)',
  })
  file: unknown;
}

export class UploadResponseDto {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ example: 'File uploaded; processing has been queued' }) message: string;
  @ApiProperty({ example: 'contacts.csv' }) filename: string;
  @ApiProperty({ example: 1200, description: 'Data rows after the header' }) total_rows: number;
  @ApiProperty({ type: [String], description: 'Header cells that match no column of the kind' })
  ignored_columns: string[];
}

export class JobDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) owner_id: string;
  @ApiProperty({ enum: JOB_KIND_NAMES, example: 'contacts' }) kind: string;
  @ApiProperty({ enum: JobStatus }) status: JobStatus;
  @ApiProperty() original_filename: string;
  @ApiProperty({ description: 'sha256 of the file' }) content_hash: string;
  @ApiProperty({ example: 'uploads/{user_id}/20260101T000000Z-1a2b3c4d-contacts.csv' }) storage_key: string;
  @ApiProperty({ enum: ['utf-8', 'windows-1252'] }) encoding: string;
  @ApiProperty() size_bytes: number;
  @ApiProperty({ nullable: true, type: Number }) total_rows: number | null;
  @ApiProperty() processed_rows: number;
  @ApiProperty({ description: 'Open issues' }) issue_count: number;
  @ApiProperty({ description: 'Rows written to the target' }) loaded_rows: number;
  @ApiProperty({ nullable: true, type: String, description: 'Why the job failed' }) error: string | null;
  @ApiProperty({ enum: ['csv', 'jsonl', 'xlsx'] }) format: string;
  @ApiProperty({ description: 'How the file is read: delimiter, compression, columns, types, on_issues' })
  options: Record<string, unknown>;
  @ApiProperty({ description: 'True when JOBS_MAX_ISSUES cut the issue report short' })
  partial_report: boolean;
  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'Where the last run spent its time, ms: stage_ms (of which copy_wait_ms), check_ms, load_ms',
  })
  timings: Record<string, number> | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) process_started_at: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) process_ended_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(job: Job): JobDto {
    return {
      id: job.id,
      owner_id: job.ownerId,
      kind: job.kind,
      status: job.status,
      original_filename: job.originalFilename,
      content_hash: job.contentHash,
      storage_key: job.storageKey,
      encoding: job.encoding,
      size_bytes: Number(job.sizeBytes),
      total_rows: job.totalRows,
      processed_rows: job.processedRows,
      issue_count: job.issueCount,
      loaded_rows: job.loadedRows,
      error: job.error,
      format: job.format,
      options: { ...job.options },
      partial_report: job.partialReport,
      timings: job.timings,
      process_started_at: job.processStartedAt?.toISOString() ?? null,
      process_ended_at: job.processEndedAt?.toISOString() ?? null,
      created_at: job.createdAt.toISOString(),
      updated_at: job.updatedAt.toISOString(),
    };
  }
}

export class JobPageDto extends PageMetaDto {
  @ApiProperty({ type: [JobDto] }) items: JobDto[];
}

export class ListJobsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: "Admins only: another user's jobs" })
  @IsOptional()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ enum: JobStatus })
  @IsOptional()
  @IsEnum(JobStatus)
  status?: JobStatus;
}

export class IssueDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ description: 'The staged row (PUT /api/v1/staging/{id} corrects it)' }) staging_id: number;
  @ApiProperty({ description: '1 = first data row after the header' }) row_number: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'The file line where the row starts (a quoted field may span lines)',
  })
  line_number: number | null;
  @ApiProperty({ example: 'INVALID_EMAIL' }) type: string;
  @ApiProperty({ example: 'email' }) field: string;
  @ApiProperty() message: string;
  @ApiProperty({ nullable: true, type: String }) value: string | null;
  @ApiProperty() resolved: boolean;
  @ApiProperty({ enum: IssueResolution, nullable: true }) resolution: IssueResolution | null;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) resolved_by: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) resolved_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(issue: JobIssue): IssueDto {
    return {
      id: issue.id,
      job_id: issue.jobId,
      staging_id: Number(issue.stagingId),
      row_number: issue.rowNumber,
      line_number: issue.lineNumber,
      type: issue.type,
      field: issue.field,
      message: issue.message,
      value: issue.value,
      resolved: issue.resolvedAt !== null,
      resolution: issue.resolution,
      comment: issue.comment,
      resolved_by: issue.resolvedBy,
      resolved_at: issue.resolvedAt?.toISOString() ?? null,
      created_at: issue.createdAt.toISOString(),
    };
  }
}

export class IssuePageDto extends PageMetaDto {
  @ApiProperty({ type: [IssueDto] }) items: IssueDto[];
}

export class IssueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  job_id?: string;

  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  resolved?: boolean;

  @ApiPropertyOptional({ example: 'DUPLICATE_EMAIL' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
}

export class JobIssueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  resolved?: boolean;

  @ApiPropertyOptional({ example: 'DUPLICATE_EMAIL' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
}

export class StagingRowDto {
  @ApiProperty() id: number;
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty() row_number: number;
  @ApiProperty({ description: 'sha1 of the canonical values' }) row_hash: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', nullable: true } })
  data: Record<string, string | null>;
  @ApiProperty({ enum: StagingStatus }) status: StagingStatus;

  static from(row: StagingRow): StagingRowDto {
    return {
      id: Number(row.id),
      job_id: row.jobId,
      row_number: row.rowNumber,
      row_hash: row.rowHash,
      data: row.data,
      status: row.status,
    };
  }
}

export class IssueDetailDto extends IssueDto {
  @ApiProperty({ type: StagingRowDto }) row: StagingRowDto;
}

export class UpdateIssueDto {
  @ApiProperty({
    enum: ['resolve', 'discard'],
    description:
      "resolve: accept the row as it is (only the kind's acceptable issue types: DUPLICATE_EMAIL, EXISTING_EMAIL for contacts, DUPLICATE_READING for sensor_readings, DUPLICATE_OBSERVATION for observations); discard: drop the row",
  })
  @IsIn(['resolve', 'discard'])
  action: 'resolve' | 'discard';

  @ApiProperty({ example: 'Checked with the sales team', maxLength: 2000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  comment: string;
}

export class ReviewOutcomeDto {
  @ApiProperty({
    enum: JobStatus,
    description:
      'PROCESSING when the last open issue was closed: the load is queued and the job then COMPLETES',
  })
  job_status: JobStatus;
  @ApiProperty() job_issue_count: number;
}

export class UpdateIssueResponseDto extends ReviewOutcomeDto {
  @ApiProperty({ type: IssueDto }) issue: IssueDto;
}

export class CorrectRowDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    example: { email: 'ada@example.org' },
    description: "New values of some of the kind's columns; the row is validated again",
  })
  @IsObject()
  @ValidateBy({
    name: 'textValues',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        Object.values(value).every((v) => v === null || typeof v === 'string'),
      defaultMessage: () =>
        'data values must be strings or null (no numbers, lists or objects such as {"$gt": ""})',
    },
  })
  data: Record<string, string | null>;
}

export class StagingRowDetailDto extends StagingRowDto {
  @ApiProperty({ type: [IssueDto] }) issues: IssueDto[];
}

export class CorrectRowResponseDto extends ReviewOutcomeDto {
  @ApiProperty({ type: StagingRowDetailDto }) row: StagingRowDetailDto;
}

export class ContactDto {
  @ApiProperty() id: number;
  @ApiProperty() email: string;
  @ApiProperty() first_name: string;
  @ApiProperty() last_name: string;
  @ApiProperty({ nullable: true, type: String }) company: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) source_job_id: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(c: Contact): ContactDto {
    return {
      id: Number(c.id),
      email: c.email,
      first_name: c.firstName,
      last_name: c.lastName,
      company: c.company,
      source_job_id: c.sourceJobId,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }
}

export class ContactPageDto extends PageMetaDto {
  @ApiProperty({ type: [ContactDto] }) items: ContactDto[];
}

export class ContactQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'ada@example.org', description: 'Exact email, case-insensitive' })
  @IsOptional()
  @IsEmail()
  email?: string;
}
