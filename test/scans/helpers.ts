import request from 'supertest';

export interface ScanBody {
  id: string;
  status: string;
  progress: number;
  attempts: number;
  orphans_found: number;
  estimated_monthly_waste: number;
  region_errors: Array<{ region: string; step?: string; code?: string; message: string }>;
  error_message: string | null;
  resources: Array<{ id: string; resource_id: string; status: string; monthly_cost: number }>;
  resources_total: number;
}

/** Polls a scan until it leaves pending/in_progress (or `until` says so). */
export async function waitForScan(
  url: string,
  token: string,
  id: string,
  until: (scan: ScanBody) => boolean = (s) => !['pending', 'in_progress'].includes(s.status),
  timeoutMs = 30_000,
): Promise<ScanBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(url).get(`/api/v1/scans/${id}`).set('Authorization', `Bearer ${token}`);
    if (res.status === 200 && until(res.body as ScanBody)) return res.body as ScanBody;
    if (Date.now() > deadline) throw new Error(`Scan ${id} still ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
