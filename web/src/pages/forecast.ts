import 'ol/ol.css';
import Map from 'ol/Map';
import View from 'ol/View';
import TileLayer from 'ol/layer/Tile';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj';
import XYZ from 'ol/source/XYZ';
import { api, API, Me, post } from '../api';
import { basemapLayer } from '../basemap';
import { LineChart } from '../chart';
import { Cleanup, fmt, h, table, when } from '../dom';

interface Layers {
  available: boolean;
  set_id: string | null;
  init_time: string | null;
  channels: string[];
  steps: { index: number; minutes: number; valid_time: string | null }[];
  grid: { west: number; south: number; east: number; north: number } | null;
  tile_url_template: string;
}
interface Statistics {
  min: number | null;
  max: number | null;
  percentiles: Record<string, number | null>;
}
interface PointSeries {
  cell: { lon: number; lat: number };
  values: { step: number; minutes: number; valid_time: string | null; value: number | null }[];
}

const COLORMAPS = ['cloud', 'greys', 'viridis'];

/** The forecast map: offline basemap, the layer tiles of one channel, a 12-step animation, a legend, point series. */
export async function forecastPage(root: HTMLElement, me: Me): Promise<Cleanup> {
  const layers = await api<Layers>('/cloudcasting/layers');
  root.append(h('h2', {}, 'Cloud forecast'));
  if (me.role === 'admin') root.append(downloadPanel());
  if (!layers.available || !layers.set_id || !layers.grid) {
    root.append(h('p', { class: 'muted', id: 'no-forecast' }, 'No forecast has been published yet.'));
    return () => undefined;
  }
  const setId = layers.set_id;
  const grid = layers.grid;
  const steps = layers.steps;

  const channel = h('select', { id: 'channel' }, ...layers.channels.map((c) => h('option', { value: c }, c)));
  const colormap = h('select', { id: 'colormap' }, ...COLORMAPS.map((c) => h('option', { value: c }, c)));
  const slider = h('input', {
    id: 'step-slider',
    type: 'range',
    min: 0,
    max: steps.length - 1,
    value: 0,
    step: 1,
  });
  const stepLabel = h('span', { id: 'step-label' });
  const play = h('button', { id: 'play', type: 'button' }, 'Play');
  const legendImage = h('img', { class: 'ramp', alt: 'legend' });
  const legendMin = h('span', { id: 'legend-min' });
  const legendMax = h('span', { id: 'legend-max' });
  const pointInfo = h(
    'div',
    { id: 'point-info', class: 'muted' },
    'Click the map for the forecast at a place.',
  );
  const pointChart = new LineChart(320, 120, 12, '#d07a00');
  const mapElement = h('div', { class: 'map', id: 'forecast-map', 'data-tiles-loaded': 0 });

  root.append(
    h(
      'div',
      { class: 'panel' },
      h(
        'div',
        { class: 'inline', style: 'display:flex; gap:1rem; align-items:end; flex-wrap:wrap' },
        h('label', {}, 'Channel', channel),
        h('label', {}, 'Colours', colormap),
        h('label', {}, 'Step', slider),
        play,
        stepLabel,
        h('span', { class: 'legend' }, legendMin, legendImage, legendMax),
      ),
      h('p', { class: 'muted' }, `Set ${setId}, initialised ${when(layers.init_time)}`),
    ),
    h(
      'div',
      { class: 'row', style: 'margin-top:1rem' },
      h('div', { class: 'grow' }, mapElement),
      h(
        'div',
        { class: 'panel', style: 'flex: 0 1 340px' },
        h('h3', {}, 'Point'),
        pointInfo,
        pointChart.canvas,
      ),
    ),
  );

  const source = new XYZ({ crossOrigin: 'anonymous', transition: 0, maxZoom: 8 });
  let loaded = 0;
  source.on('tileloadend', () => (mapElement.dataset.tilesLoaded = String(++loaded)));
  const forecastLayer = new TileLayer({ source, className: 'forecast-layer', opacity: 0.9 });
  const map = new Map({
    target: mapElement,
    layers: [basemapLayer(), forecastLayer],
    view: new View({
      center: fromLonLat([(grid.west + grid.east) / 2, (grid.south + grid.north) / 2]),
      zoom: 4,
    }),
  });
  map
    .getView()
    .fit(transformExtent([grid.west, grid.south, grid.east, grid.north], 'EPSG:4326', 'EPSG:3857'), {
      padding: [10, 10, 10, 10],
    });

  // One stretch per channel across its steps (2nd to 98th percentile), so the animation does not flicker.
  const stretch = new globalThis.Map<string, [number, number]>();
  const rescaleOf = async (c: string): Promise<[number, number]> => {
    const known = stretch.get(c);
    if (known) return known;
    const stats = await Promise.all(
      steps.map((s) => api<Statistics>(`/cloudcasting/tiles/${setId}/${c}/${s.index}/statistics`)),
    );
    const lows = stats.map((s) => s.percentiles.p2 ?? s.min).filter((v): v is number => v !== null);
    const highs = stats.map((s) => s.percentiles.p98 ?? s.max).filter((v): v is number => v !== null);
    const range: [number, number] = lows.length ? [Math.min(...lows), Math.max(...highs)] : [0, 1];
    if (range[0] === range[1]) range[1] = range[0] + 1;
    stretch.set(c, range);
    return range;
  };

  const update = async () => {
    const step = steps[Number(slider.value)];
    const [min, max] = await rescaleOf(channel.value);
    const query = new URLSearchParams({ colormap: colormap.value, rescale: `${min},${max}` });
    source.setUrl(
      `${layers.tile_url_template
        .replace('{set}', setId)
        .replace('{channel}', channel.value)
        .replace('{step}', String(step.index))}?${query}`,
    );
    stepLabel.textContent = `+${step.minutes} min · ${when(step.valid_time)}`;
    stepLabel.dataset.step = String(step.index);
    legendImage.src = `${API}/cloudcasting/legend?colormap=${colormap.value}&format=png`;
    legendMin.textContent = fmt(min);
    legendMax.textContent = fmt(max);
  };

  let timer: number | undefined;
  const stop = () => {
    window.clearInterval(timer);
    timer = undefined;
    play.textContent = 'Play';
  };
  play.addEventListener('click', () => {
    if (timer !== undefined) return stop();
    play.textContent = 'Pause';
    timer = window.setInterval(() => {
      slider.value = String((Number(slider.value) + 1) % steps.length);
      void update();
    }, 900);
  });
  slider.addEventListener('input', () => void update());
  channel.addEventListener('change', () => void update());
  colormap.addEventListener('change', () => void update());

  map.on('singleclick', (event) => {
    const [lon, lat] = toLonLat(event.coordinate);
    const q = new URLSearchParams({ lon: lon.toFixed(4), lat: lat.toFixed(4), channel: channel.value });
    api<PointSeries>(`/cloudcasting/point?${q}`)
      .then((series) => {
        pointChart.set(
          series.values.filter((v) => v.value !== null).map((v) => ({ t: v.minutes, v: v.value as number })),
        );
        pointInfo.replaceChildren(
          h('div', {}, `${channel.value} at ${fmt(series.cell.lat, 3)}, ${fmt(series.cell.lon, 3)}`),
          table(['step', 'min', 'value'], series.values, (v) => [v.step, v.minutes, fmt(v.value, 3)], {
            id: 'point-table',
          }),
        );
      })
      .catch((e: Error) => pointInfo.replaceChildren(h('span', { class: 'error' }, e.message)));
  });

  await update();
  return () => {
    stop();
    map.setTarget(undefined);
  };
}

function downloadPanel(): HTMLElement {
  const status = h('span', { class: 'muted', id: 'download-status' });
  const poll = async () => {
    const s = await api<{
      is_running: boolean;
      current_task: string | null;
      progress: number;
      error: string | null;
    }>('/cloudcasting/download-status');
    status.textContent = s.is_running
      ? `${s.current_task ?? 'running'} ${Math.round(s.progress)}%`
      : s.error
        ? `last run failed: ${s.error}`
        : 'idle';
    if (s.is_running) window.setTimeout(() => void poll(), 1000);
  };
  void poll();
  return h(
    'div',
    { class: 'panel', style: 'margin-bottom:1rem' },
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          post('/cloudcasting/trigger-download', { force: true })
            .then(() => poll())
            .catch((e: Error) => (status.textContent = e.message));
        },
      },
      'Download the newest forecast now',
    ),
    ' ',
    status,
  );
}
