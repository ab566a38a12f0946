import { io } from 'socket.io-client';
import { api, API, ApiError, Me, put } from '../api';
import { Cleanup, h, table, when } from '../dom';

interface Job {
  id: string;
  kind: string;
  status: string;
  original_filename: string;
  total_rows: number | null;
  processed_rows: number;
  issue_count: number;
  loaded_rows: number;
  error: string | null;
  created_at: string;
}
interface Issue {
  id: string;
  job_id: string;
  row_number: number;
  type: string;
  field: string;
  message: string;
  value: string | null;
  resolved: boolean;
  resolution: string | null;
}
interface JobProgress {
  job_id: string;
  status: string;
  processed_rows: number;
  total_rows: number | null;
  issue_count: number;
}

/** Upload a CSV and watch it over `/events`, review its issues, see what was loaded. */
export async function jobsPage(root: HTMLElement, me: Me): Promise<Cleanup> {
  const kinds = await api<{ name: string; description: string }[]>('/jobs/kinds');
  const kind = h('select', { id: 'job-kind' }, ...kinds.map((k) => h('option', { value: k.name }, k.name)));
  const file = h('input', { id: 'job-file', type: 'file', accept: '.csv,text/csv', required: true });
  const uploadStatus = h('span', { class: 'muted', id: 'upload-status' });
  const jobsBody = h('div', { id: 'jobs-table' });
  const issuesBody = h('div', { id: 'issues-table' });
  const canReview = me.role === 'admin' || me.groups.includes('editor');
  let jobs: Job[] = [];
  let reviewing: string | null = null;

  const renderJobs = () =>
    jobsBody.replaceChildren(
      table(['file', 'kind', 'status', 'progress', 'issues', 'loaded', 'uploaded', ''], jobs, (j) => {
        const done = j.total_rows ? Math.round((100 * j.processed_rows) / j.total_rows) : 0;
        return [
          j.original_filename,
          j.kind,
          h('span', { class: 'job-status', 'data-job': j.id }, j.status),
          h(
            'span',
            {},
            h('progress', { max: 100, value: done }),
            ` ${j.processed_rows}/${j.total_rows ?? '?'}`,
          ),
          String(j.issue_count),
          String(j.loaded_rows),
          when(j.created_at),
          j.issue_count > 0 || j.status === 'NEEDS_REVIEW'
            ? h('button', { class: 'secondary', onclick: () => void showIssues(j.id) }, 'Review')
            : j.error
              ? h('span', { class: 'error' }, j.error)
              : '',
        ];
      }),
    );
  const loadJobs = async () => {
    jobs = (await api<{ items: Job[] }>('/jobs?limit=20')).items;
    renderJobs();
  };

  const decide = async (issue: Issue, action: 'resolve' | 'discard') => {
    const comment = window.prompt(
      `Why ${action} row ${issue.row_number}?`,
      action === 'resolve' ? 'Checked' : 'Not wanted',
    );
    if (!comment) return;
    await put(`/issues/${issue.id}`, { action, comment });
    await Promise.all([showIssues(issue.job_id), loadJobs()]);
  };
  const showIssues = async (jobId: string) => {
    reviewing = jobId;
    const issues = (await api<{ items: Issue[] }>(`/jobs/${jobId}/issues?limit=100`)).items;
    issuesBody.replaceChildren(
      table(
        ['row', 'type', 'field', 'value', 'message', canReview ? 'decision' : 'state'],
        issues,
        (i) => [
          String(i.row_number),
          i.type,
          i.field,
          i.value ?? '',
          i.message,
          i.resolved
            ? (i.resolution ?? 'resolved')
            : canReview
              ? h(
                  'span',
                  {},
                  h('button', { class: 'secondary', onclick: () => void decide(i, 'resolve') }, 'Accept'),
                  ' ',
                  h('button', { class: 'secondary', onclick: () => void decide(i, 'discard') }, 'Discard'),
                )
              : 'open',
        ],
        { id: 'issues' },
      ),
    );
  };

  const upload = async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const form = new FormData();
    form.append('kind', kind.value);
    form.append('file', chosen);
    const res = await fetch(`${API}/jobs/upload`, { method: 'POST', body: form, credentials: 'same-origin' });
    const body = (await res.json()) as { job_id?: string; message?: string; code?: string };
    if (!res.ok) throw new ApiError(res.status, body.code, body.message ?? res.statusText);
    uploadStatus.textContent = `Uploaded ${chosen.name}: ${body.message ?? ''}`;
    // The new upload is the one to review when it needs it. A small file can be validated before
    // this list is reloaded, its progress events then name a job the page did not know yet.
    if (body.job_id) reviewing = body.job_id;
    await loadJobs();
    const uploaded = jobs.find((j) => j.id === body.job_id);
    if (uploaded) settled(uploaded.id, uploaded.status);
  };

  /** A job that stops for review opens its issues, unless the user is reviewing another job. */
  const settled = (jobId: string, status: string) => {
    if (status === 'NEEDS_REVIEW' && (reviewing === null || reviewing === jobId)) void showIssues(jobId);
  };

  root.append(
    h('h2', {}, 'Jobs'),
    h(
      'div',
      { class: 'panel' },
      h(
        'form',
        {
          class: 'inline',
          id: 'upload-form',
          onsubmit: (e: Event) => {
            e.preventDefault();
            upload().catch((err: Error) => (uploadStatus.textContent = err.message));
          },
        },
        h('label', {}, 'Kind', kind),
        h('label', {}, 'CSV file', file),
        h('button', { type: 'submit' }, 'Upload'),
        uploadStatus,
      ),
    ),
    h('div', { class: 'panel', style: 'margin-top:1rem' }, h('h3', {}, 'Your jobs'), jobsBody),
    h('div', { class: 'panel', style: 'margin-top:1rem' }, h('h3', {}, 'Issues to review'), issuesBody),
  );
  await loadJobs();

  const socket = io('/events', { withCredentials: true, transports: ['websocket', 'polling'] });
  // Events sent while the socket was down are not replayed: reload the list on every (re)connect.
  socket.on('connect', () => void loadJobs().catch(() => undefined));
  socket.on('job_progress', (p: JobProgress) => {
    const job = jobs.find((j) => j.id === p.job_id);
    const finished = p.status === 'NEEDS_REVIEW' || p.status === 'COMPLETED' || p.status === 'FAILED';
    if (!job) {
      void loadJobs().then(() => finished && settled(p.job_id, p.status));
      return;
    }
    Object.assign(job, {
      status: p.status,
      processed_rows: p.processed_rows,
      total_rows: p.total_rows,
      issue_count: p.issue_count,
    });
    renderJobs();
    if (finished) {
      void loadJobs();
      settled(p.job_id, p.status);
    }
  });
  return () => socket.disconnect();
}
