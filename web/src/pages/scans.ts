import { io } from 'socket.io-client';
import { api, Me, post } from '../api';
import { Cleanup, fmt, h, table, when } from '../dom';

interface Account {
  id: string;
  provider: string;
  name: string;
  account_identifier: string;
  regions: string[];
  is_active: boolean;
  last_scan_at: string | null;
}
interface Scan {
  id: string;
  cloud_account_id: string;
  status: string;
  progress: number;
  current_step: string | null;
  current_region: string | null;
  orphans_found: number;
  estimated_monthly_waste: number;
  error_message: string | null;
  created_at: string;
}
interface Resource {
  resource_type: string;
  resource_id: string;
  resource_name: string | null;
  region: string;
  monthly_cost: number;
  status: string;
  metadata: { reason?: string; confidence?: string; age_days?: number };
}
interface ResourceStats {
  monthly_waste: number;
  annual_waste: number;
  by_type: { resource_type: string; count: number; monthly_cost: number }[];
}

const usd = (v: number) => `$${fmt(v)}`;

/** Cloud accounts, scans with live progress over `/events`, findings with cost and reason, waste by type. */
export async function scansPage(root: HTMLElement, _me: Me): Promise<Cleanup> {
  const accountsBody = h('div', { id: 'accounts' });
  const scansBody = h('div', { id: 'scans' });
  const findingsBody = h('div', { id: 'findings' });
  const wasteBody = h('div', { id: 'waste' });
  const message = h('span', { class: 'muted', id: 'scan-message' });
  let scans: Scan[] = [];
  let accounts: Account[] = [];

  const renderScans = () =>
    scansBody.replaceChildren(
      table(['account', 'status', 'progress', 'step', 'orphans', 'monthly waste', 'started'], scans, (s) => [
        accounts.find((a) => a.id === s.cloud_account_id)?.name ?? s.cloud_account_id,
        s.error_message ? h('span', { class: 'error' }, `${s.status}: ${s.error_message}`) : s.status,
        h('span', {}, h('progress', { max: 100, value: s.progress }), ` ${Math.round(s.progress)}%`),
        [s.current_step, s.current_region].filter(Boolean).join(' · '),
        String(s.orphans_found),
        usd(s.estimated_monthly_waste),
        when(s.created_at),
      ]),
    );
  const load = async () => {
    const [a, s, r, stats] = await Promise.all([
      api<{ items: Account[] }>('/accounts?limit=100'),
      api<{ items: Scan[] }>('/scans?limit=10'),
      api<{ items: Resource[] }>('/resources?limit=50'),
      api<ResourceStats>('/resources/stats'),
    ]);
    accounts = a.items;
    scans = s.items;
    accountsBody.replaceChildren(
      table(['name', 'provider', 'account', 'regions', 'last scan', ''], accounts, (acc) => [
        acc.name,
        acc.provider,
        acc.account_identifier,
        acc.regions.join(', '),
        when(acc.last_scan_at),
        h(
          'button',
          {
            onclick: () => {
              post<Scan>('/scans', { cloud_account_id: acc.id })
                .then(() => ((message.textContent = `Scan of ${acc.name} queued`), load()))
                .catch((e: Error) => (message.textContent = e.message));
            },
          },
          'Scan now',
        ),
      ]),
    );
    renderScans();
    findingsBody.replaceChildren(
      table(
        ['type', 'resource', 'region', 'monthly cost', 'reason', 'confidence', 'status'],
        r.items,
        (x) => [
          x.resource_type,
          x.resource_name ? `${x.resource_name} (${x.resource_id})` : x.resource_id,
          x.region,
          usd(x.monthly_cost),
          x.metadata.reason ?? '',
          x.metadata.confidence ?? '',
          x.status,
        ],
      ),
    );
    const top = Math.max(1, ...stats.by_type.map((t) => t.monthly_cost));
    wasteBody.replaceChildren(
      h('p', {}, `Monthly waste ${usd(stats.monthly_waste)} (yearly ${usd(stats.annual_waste)})`),
      table(['type', 'count', 'monthly', ''], stats.by_type, (t) => [
        t.resource_type,
        String(t.count),
        usd(t.monthly_cost),
        h('span', { class: 'bar', style: `width:${Math.round((160 * t.monthly_cost) / top)}px` }),
      ]),
    );
  };

  const provider = h('select', {}, ...['aws', 'azure', 'gcp'].map((p) => h('option', { value: p }, p)));
  const name = h('input', { placeholder: 'Production', required: true });
  const regions = h('input', { placeholder: 'eu-west-1, us-east-1', required: true });
  const credentials = h('textarea', {
    rows: 2,
    cols: 40,
    placeholder: '{"access_key_id": "…", "secret_access_key": "…"}',
    required: true,
  });
  const addAccount = async () => {
    await post('/accounts', {
      provider: provider.value,
      name: name.value.trim(),
      regions: regions.value
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
      credentials: JSON.parse(credentials.value) as Record<string, unknown>,
    });
    message.textContent = `Account ${name.value} added`;
    await load();
  };

  root.append(
    h('h2', {}, 'Cloud waste scans ', message),
    h(
      'div',
      { class: 'panel' },
      h('h3', {}, 'Accounts'),
      accountsBody,
      h(
        'form',
        {
          class: 'inline',
          onsubmit: (e: Event) => {
            e.preventDefault();
            addAccount().catch((err: Error) => (message.textContent = err.message));
          },
        },
        h('label', {}, 'Provider', provider),
        h('label', {}, 'Name', name),
        h('label', {}, 'Regions', regions),
        h('label', {}, 'Credentials (JSON)', credentials),
        h('button', { type: 'submit' }, 'Add account'),
      ),
    ),
    h('div', { class: 'panel', style: 'margin-top:1rem' }, h('h3', {}, 'Scans'), scansBody),
    h(
      'div',
      { class: 'row', style: 'margin-top:1rem' },
      h('div', { class: 'panel grow' }, h('h3', {}, 'Findings (latest scan of each account)'), findingsBody),
      h('div', { class: 'panel', style: 'flex: 0 1 380px' }, h('h3', {}, 'Monthly waste by type'), wasteBody),
    ),
  );
  await load();

  const socket = io('/events', { withCredentials: true, transports: ['websocket', 'polling'] });
  socket.on(
    'scan_progress',
    (p: { scan_id: string; status: string; progress: number; current_step?: string; region?: string }) => {
      const scan = scans.find((s) => s.id === p.scan_id);
      if (!scan) return void load();
      Object.assign(scan, {
        status: p.status,
        progress: p.progress,
        current_step: p.current_step ?? scan.current_step,
        current_region: p.region ?? scan.current_region,
      });
      renderScans();
      if (['completed', 'failed', 'cancelled'].includes(p.status)) void load();
    },
  );
  return () => socket.disconnect();
}
