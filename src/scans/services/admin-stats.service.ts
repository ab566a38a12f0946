import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Platform-wide scan figures for admins. */
@Injectable()
export class AdminStatsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async stats() {
    const [accounts, scans, latest, recent] = await Promise.all([
      this.dataSource.query(
        `SELECT provider, count(*)::int AS count, count(*) FILTER (WHERE is_active)::int AS active
         FROM cloud_accounts GROUP BY provider ORDER BY provider`,
      ) as Promise<Array<{ provider: string; count: number; active: number }>>,
      this.dataSource.query(`SELECT status, count(*)::int AS count FROM scans GROUP BY status`) as Promise<
        Array<{ status: string; count: number }>
      >,
      this.dataSource.query(
        `SELECT count(*)::int AS accounts, coalesce(sum(orphans_found), 0)::int AS orphans,
                coalesce(sum(estimated_monthly_waste), 0) AS waste
         FROM (SELECT DISTINCT ON (account_id) orphans_found, estimated_monthly_waste FROM scans
               WHERE status = 'completed' ORDER BY account_id, completed_at DESC) latest`,
      ) as Promise<Array<{ accounts: number; orphans: number; waste: string }>>,
      this.dataSource.query(
        `SELECT count(*)::int AS scans,
                count(*) FILTER (WHERE status = 'failed')::int AS failed,
                avg(extract(epoch FROM completed_at - started_at)) FILTER (WHERE status = 'completed') AS avg_seconds
         FROM scans WHERE created_at > now() - interval '24 hours'`,
      ) as Promise<Array<{ scans: number; failed: number; avg_seconds: string | null }>>,
    ]);
    return {
      accounts_by_provider: accounts,
      scans_by_status: Object.fromEntries(scans.map((s) => [s.status, s.count])),
      latest_scans: {
        accounts: latest[0].accounts,
        orphans: latest[0].orphans,
        monthly_waste: Number(latest[0].waste),
      },
      last_24h: {
        scans: recent[0].scans,
        failed: recent[0].failed,
        average_duration_seconds:
          recent[0].avg_seconds === null ? null : Number(Number(recent[0].avg_seconds).toFixed(2)),
      },
    };
  }
}
