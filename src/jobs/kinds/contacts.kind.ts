import { Injectable } from '@nestjs/common';
import type { ClientBase } from 'pg';
import type { RowProblem } from '../entities/staging-row.entity.js';
import { JobKind, missingRequired, RowValues, SetCheck } from './job-kind.js';

/** Deliberately plain: one @, no spaces, a dot in the domain. Mail servers are the real judge. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const DUPLICATE_EMAIL: SetCheck = {
  type: 'DUPLICATE_EMAIL',
  sql: `
    SELECT s.id AS staging_id, s.row_number, 'email' AS field,
           'Email ' || (s.data->>'email') || ' also appears on row ' || d.first_row AS message,
           s.data->>'email' AS value
    FROM staging s
    JOIN (
      SELECT lower(data->>'email') AS email_key, min(row_number) AS first_row
      FROM staging
      WHERE job_id = $1 AND status IN ('READY', 'ISSUE') AND data->>'email' IS NOT NULL
      GROUP BY 1
      HAVING count(*) > 1
    ) d ON lower(s.data->>'email') = d.email_key
    WHERE s.job_id = $1 AND s.status IN ('READY', 'ISSUE') AND s.row_number > d.first_row`,
};

const EXISTING_EMAIL: SetCheck = {
  type: 'EXISTING_EMAIL',
  sql: `
    SELECT s.id AS staging_id, s.row_number, 'email' AS field,
           'A contact with email ' || c.email || ' already exists' AS message,
           s.data->>'email' AS value
    FROM staging s
    JOIN contacts c ON lower(c.email) = lower(s.data->>'email')
    WHERE s.job_id = $1 AND s.status IN ('READY', 'ISSUE')`,
};

const COLUMNS = `email, first_name, last_name, company, source_job_id, source_row_hash`;
const VALUES = `data->>'email', data->>'first_name', data->>'last_name', data->>'company', $1::uuid, row_hash`;
/**
 * The job's READY rows. Read straight from staging (not from an `UPDATE ... RETURNING` CTE, which would spool
 * every row to a temporary file); they are marked SUCCESS afterwards, in the same transaction.
 */
const READY = `FROM staging WHERE job_id = $1 AND status = 'READY'`;
const UPSERT = `
  ON CONFLICT (lower(email)) DO UPDATE SET
    email = EXCLUDED.email, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
    company = EXCLUDED.company, source_job_id = EXCLUDED.source_job_id,
    source_row_hash = EXCLUDED.source_row_hash, updated_at = now()`;

/**
 * `contacts`: email, first name, last name, company. Loads into the `contacts` table (one row per email). A
 * reviewer may accept a duplicate (the last row of the file wins) or an existing email (the contact is updated);
 * a missing field or an invalid email must be corrected or discarded.
 */
@Injectable()
export class ContactsKind implements JobKind {
  static readonly kindName = 'contacts';
  readonly name = ContactsKind.kindName;
  readonly description = 'Contacts: email, first_name, last_name, company (one contact per email)';
  readonly columns = [
    {
      name: 'email',
      aliases: ['e-mail', 'mail', 'email address', 'e-mail address', 'email_address'],
      required: true,
      description: 'Email address, unique case-insensitively',
    },
    {
      name: 'first_name',
      aliases: ['first name', 'firstname', 'first', 'given name', 'given_name', 'forename'],
      required: true,
      description: 'Given name',
    },
    {
      name: 'last_name',
      aliases: ['last name', 'lastname', 'last', 'surname', 'family name', 'family_name'],
      required: true,
      description: 'Family name',
    },
    {
      name: 'company',
      aliases: ['company name', 'organization', 'organisation', 'org', 'employer'],
      required: false,
      description: 'Company or organisation',
    },
  ] as const;
  readonly issueTypes = [
    'MALFORMED_RECORD',
    'MISSING_REQUIRED_FIELD',
    'INVALID_EMAIL',
    'DUPLICATE_EMAIL',
    'EXISTING_EMAIL',
  ];
  readonly acceptableIssues = ['DUPLICATE_EMAIL', 'EXISTING_EMAIL'];
  readonly setChecks = [DUPLICATE_EMAIL, EXISTING_EMAIL];

  validateRow(row: RowValues): RowProblem[] {
    const problems = missingRequired(this, row);
    const email = row.email;
    if (email !== null && !EMAIL.test(email)) {
      problems.push({
        type: 'INVALID_EMAIL',
        field: 'email',
        message: `${email} is not a valid email address`,
        value: email,
      });
    }
    return problems;
  }

  /**
   * Without accepted issues the checks have proven every READY email new and unique, so a plain INSERT does
   * (a contact loaded meanwhile by another job makes it fail with a unique violation, and the framework checks
   * the job again). Accepted issues need the slower upsert: an accepted EXISTING_EMAIL updates the contact, and
   * with an accepted DUPLICATE_EMAIL the last row of the file wins.
   */
  async load(tx: ClientBase, jobId: string): Promise<number> {
    const { rows } = await tx.query<{ duplicates: boolean; existing: boolean }>(
      `SELECT coalesce(bool_or(type = 'DUPLICATE_EMAIL'), false) AS duplicates,
              coalesce(bool_or(type = 'EXISTING_EMAIL'), false) AS existing
       FROM job_issues WHERE job_id = $1 AND resolution = 'RESOLVED'`,
      [jobId],
    );
    const { duplicates, existing } = rows[0];
    const sql = duplicates
      ? `INSERT INTO contacts (${COLUMNS})
         SELECT DISTINCT ON (lower(data->>'email')) ${VALUES} ${READY}
         ORDER BY lower(data->>'email'), row_number DESC ${UPSERT}`
      : existing
        ? `INSERT INTO contacts (${COLUMNS}) SELECT ${VALUES} ${READY} ${UPSERT}`
        : `INSERT INTO contacts (${COLUMNS}) SELECT ${VALUES} ${READY}`;
    const result = await tx.query(sql, [jobId]);
    await tx.query(`UPDATE staging SET status = 'SUCCESS' WHERE job_id = $1 AND status = 'READY'`, [jobId]);
    return result.rowCount ?? 0;
  }
}
