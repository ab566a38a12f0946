import { Contact } from './contact.entity.js';
import { JobIssue } from './job-issue.entity.js';
import { Job } from './job.entity.js';
import { StagingRow } from './staging-row.entity.js';

/** Jobs' tables, for its own module and the application's data source. */
export const JOBS_ENTITIES = [Job, StagingRow, JobIssue, Contact];
