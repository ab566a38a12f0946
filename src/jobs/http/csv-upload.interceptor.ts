import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer, { MulterError, StorageEngine } from 'multer';
import { rm } from 'node:fs/promises';
import { finalize, Observable } from 'rxjs';
import { jobsConfig, type JobsConfig } from '../jobs.config.js';
import { JobsError, JobsErrorCode } from '../jobs.errors.js';
import { CsvIntake, ReceivedFile } from '../services/csv-intake.js';

type SpooledFile = Express.Multer.File & { received?: ReceivedFile };

/** multer storage engine that streams the `file` part through `CsvIntake` (hash + sniff + temporary file). */
class IntakeStorage implements StorageEngine {
  constructor(private readonly intake: CsvIntake) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<SpooledFile>) => void,
  ): void {
    this.intake.receive(file.stream, file.originalname).then(
      (received) => callback(null, { path: received.path, size: received.size, received }),
      (e: unknown) => callback(e),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(
      () => callback(null),
      (e: Error) => callback(e),
    );
  }
}

/**
 * Parses `multipart/form-data` for the upload route: the `file` part is streamed to a temporary file (never held
 * in memory) with the size limit of `JOBS_MAX_UPLOAD_MB`; the temporary file is removed once the route is done.
 */
@Injectable()
export class CsvUploadInterceptor implements NestInterceptor {
  private readonly handler: RequestHandler;

  constructor(
    private readonly intake: CsvIntake,
    @Inject(jobsConfig.KEY) private readonly config: JobsConfig,
  ) {
    this.handler = multer({
      storage: new IntakeStorage(intake),
      limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 16 * 1024 },
      defParamCharset: 'utf8',
    }).single('file');
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<Request & { file?: SpooledFile }>();
    const res = context.switchToHttp().getResponse<Response>();
    await new Promise<void>((resolve, reject) =>
      this.handler(req, res, (error?: unknown) => (error ? reject(this.toError(error)) : resolve())),
    );
    const file = req.file;
    return next.handle().pipe(finalize(() => file && void this.intake.discard(file)));
  }

  private toError(error: unknown): unknown {
    if (error instanceof MulterError) {
      if (error.code === 'LIMIT_FILE_SIZE') {
        return new JobsError(
          JobsErrorCode.FILE_TOO_LARGE,
          `The file is larger than ${this.config.maxUploadMb} MB (JOBS_MAX_UPLOAD_MB)`,
        );
      }
      if (error.code === 'LIMIT_UNEXPECTED_FILE') {
        return new JobsError(
          JobsErrorCode.BAD_MULTIPART,
          `Unexpected file part '${error.field}': send one file in the part named 'file'`,
        );
      }
      return new JobsError(JobsErrorCode.BAD_MULTIPART, `Bad multipart request: ${error.message}`);
    }
    if (error instanceof Error && /multipart|form|boundary/i.test(error.message)) {
      return new JobsError(JobsErrorCode.BAD_MULTIPART, `Bad multipart request: ${error.message}`);
    }
    return error;
  }
}

/** The file received by `CsvUploadInterceptor`, if the request had one. */
export const UploadedCsv = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ReceivedFile | undefined =>
    ctx.switchToHttp().getRequest<{ file?: SpooledFile }>().file?.received,
);
