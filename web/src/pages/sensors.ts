import { io } from 'socket.io-client';
import { api, Me, put } from '../api';
import { LineChart } from '../chart';
import { Cleanup, fmt, h, table, when } from '../dom';

interface Reading {
  sensor_id: string;
  sensor_type: string;
  value: number;
  unit: string | null;
  timestamp: string;
  anomaly: boolean;
}
interface Alert {
  sensor_id: string;
  sensor_type: string;
  value: number;
  message: string;
  severity: string;
  timestamp: string;
}
interface HistoryPoint {
  bucket_start: string;
  avg: number;
  min: number;
  max: number;
  count: number;
}
interface Thresholds {
  types: Record<string, { min: number | null; max: number | null; jump: number | null; source: string }>;
  sensors: Record<string, { min?: number | null; max?: number | null; jump?: number | null }>;
}

/** Latest reading per sensor, a live chart per sensor from Socket.IO `/sensors`, alerts, history, thresholds. */
export async function sensorsPage(root: HTMLElement, me: Me): Promise<Cleanup> {
  const cards = h('div', { class: 'cards', id: 'sensor-cards' });
  const alerts = h('ul', { class: 'alerts', id: 'alerts' });
  const liveState = h('span', { class: 'muted', id: 'live-state' }, 'connecting…');
  const charts = new Map<
    string,
    { card: HTMLElement; chart: LineChart; value: HTMLElement; time: HTMLElement }
  >();

  const upsert = (r: Reading) => {
    let entry = charts.get(r.sensor_id);
    if (!entry) {
      const chart = new LineChart();
      const value = h('div', { class: 'value' });
      const time = h('div', { class: 'muted' });
      const card = h(
        'div',
        { class: 'card', 'data-sensor': r.sensor_id },
        h('div', {}, h('strong', {}, r.sensor_id), ' ', h('span', { class: 'muted' }, r.sensor_type)),
        value,
        time,
        chart.canvas,
      );
      entry = { card, chart, value, time };
      charts.set(r.sensor_id, entry);
      cards.prepend(card);
      sensorPicker.append(h('option', { value: r.sensor_id }, r.sensor_id));
    }
    entry.value.textContent = `${fmt(r.value)} ${r.unit ?? ''}`;
    entry.time.textContent = when(r.timestamp);
    entry.card.classList.toggle('anomaly', r.anomaly);
    entry.chart.push({ t: Date.parse(r.timestamp), v: r.value });
    entry.card.dataset.points = String(entry.chart.length);
    entry.card.dataset.last = String(r.value);
  };

  // History with buckets
  const sensorPicker = h('select', { id: 'history-sensor' });
  const hours = h(
    'select',
    {},
    ...[1, 6, 24, 168].map((n) => h('option', { value: n, selected: n === 24 }, `${n} h`)),
  );
  const bucket = h(
    'select',
    {},
    ...['5m', '15m', '1h', '1d'].map((b) => h('option', { value: b, selected: b === '15m' }, b)),
  );
  const historyChart = new LineChart(640, 160, 2000, '#2a8c5a');
  const historyTable = h('div');
  const loadHistory = async () => {
    if (!sensorPicker.value) return;
    const q = new URLSearchParams({
      sensor_id: sensorPicker.value,
      hours: hours.value,
      bucket: bucket.value,
    });
    const res = await api<{ points: HistoryPoint[] }>(`/sensors/history?${q}`);
    historyChart.set(res.points.map((p) => ({ t: Date.parse(p.bucket_start), v: p.avg })));
    historyTable.replaceChildren(
      table(['bucket', 'avg', 'min', 'max', 'count'], res.points.slice(-24).reverse(), (p) => [
        when(p.bucket_start),
        fmt(p.avg),
        fmt(p.min),
        fmt(p.max),
        p.count,
      ]),
    );
  };

  root.append(
    h('h2', {}, 'Sensors ', liveState),
    h(
      'div',
      { class: 'row' },
      h('div', { class: 'panel grow' }, h('h3', {}, 'Latest per sensor (live)'), cards),
      h('div', { class: 'panel', style: 'flex: 0 1 320px' }, h('h3', {}, 'Alerts'), alerts),
    ),
    h(
      'div',
      { class: 'panel', style: 'margin-top: 1rem' },
      h('h3', {}, 'History'),
      h(
        'form',
        { class: 'inline', onsubmit: (e: Event) => (e.preventDefault(), void loadHistory()) },
        h('label', {}, 'Sensor', sensorPicker),
        h('label', {}, 'Window', hours),
        h('label', {}, 'Bucket', bucket),
        h('button', { type: 'submit' }, 'Show'),
      ),
      historyChart.canvas,
      historyTable,
    ),
  );

  const latest = await api<{ sensors: Record<string, Reading[]> }>('/sensors/latest?limit=100');
  for (const reading of Object.values(latest.sensors).flat().reverse()) upsert(reading);
  const anomalies = await api<{ items: Reading[] }>('/sensors/anomalies?hours=24&limit=10').catch(() => ({
    items: [],
  }));
  for (const a of anomalies.items)
    alerts.append(h('li', {}, `${when(a.timestamp)} ${a.sensor_id}: ${fmt(a.value)} (anomalous)`));

  if (sensorPicker.value) await loadHistory();
  if (me.role === 'admin') root.append(await thresholdsPanel());

  // The cookie authenticates the handshake (same origin).
  const socket = io('/sensors', { withCredentials: true, transports: ['websocket', 'polling'] });
  socket.on('connect', () => {
    liveState.textContent = 'live';
    liveState.className = 'ok';
  });
  socket.on('connect_error', (e) => {
    liveState.textContent = `live stream unavailable: ${e.message}`;
    liveState.className = 'error';
  });
  socket.on('disconnect', () => (liveState.textContent = 'reconnecting…'));
  socket.on('sensor_data', (r: Reading) => upsert(r));
  socket.on('alert', (a: Alert) => {
    alerts.prepend(
      h('li', { class: 'alert' }, `${when(a.timestamp)} [${a.severity}] ${a.sensor_id}: ${a.message}`),
    );
    while (alerts.children.length > 50) alerts.lastElementChild?.remove();
  });
  return () => socket.disconnect();
}

async function thresholdsPanel(): Promise<HTMLElement> {
  const panel = h(
    'div',
    { class: 'panel', style: 'margin-top: 1rem', id: 'thresholds' },
    h('h3', {}, 'Thresholds (admin)'),
  );
  const body = h('div');
  const render = async () => {
    const t = await api<Thresholds>('/sensors/thresholds');
    body.replaceChildren(
      table(['type', 'min', 'max', 'jump', 'source'], Object.entries(t.types), ([type, v]) => [
        type,
        fmt(v.min),
        fmt(v.max),
        fmt(v.jump),
        v.source,
      ]),
    );
  };
  const type = h('input', { placeholder: 'temperature', required: true });
  const min = h('input', { type: 'number', step: 'any', placeholder: 'min' });
  const max = h('input', { type: 'number', step: 'any', placeholder: 'max' });
  const status = h('span', { class: 'muted' });
  const num = (input: HTMLInputElement) => (input.value === '' ? null : Number(input.value));
  panel.append(
    body,
    h(
      'form',
      {
        class: 'inline',
        onsubmit: (e: Event) => {
          e.preventDefault();
          put(`/sensors/thresholds/types/${encodeURIComponent(type.value.trim())}`, {
            min: num(min),
            max: num(max),
          })
            .then(() => ((status.textContent = 'saved'), render()))
            .catch((err: Error) => (status.textContent = err.message));
        },
      },
      h('label', {}, 'Type', type),
      h('label', {}, 'Min', min),
      h('label', {}, 'Max', max),
      h('button', { type: 'submit' }, 'Override'),
      status,
    ),
  );
  await render();
  return panel;
}
