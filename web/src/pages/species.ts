import 'ol/ol.css';
import type { FeatureLike } from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import VectorLayer from 'ol/layer/Vector';
import Map from 'ol/Map';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj';
import Cluster from 'ol/source/Cluster';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style';
import View from 'ol/View';
import { api, Me, post } from '../api';
import { basemapLayer } from '../basemap';
import { Cleanup, h, table, when } from '../dom';

interface FeatureCollection {
  type: 'FeatureCollection';
  features: {
    id?: string;
    properties: Record<string, unknown>;
    geometry: { coordinates: [number, number] };
  }[];
}

const format = new GeoJSON();
const styles = new globalThis.Map<string, Style>();

/** A cluster's circle: green when it holds own sightings, blue for curated (OBIS) ones; the count inside. */
function clusterStyle(feature: FeatureLike): Style {
  const members = (feature.get('features') as FeatureLike[]) ?? [];
  const own = members.some((m) => String(m.getId() ?? '').startsWith('user-') || m.get('owner_id'));
  const key = `${members.length}-${own}`;
  let style = styles.get(key);
  if (!style) {
    style = new Style({
      image: new Circle({
        radius: Math.min(8 + Math.log2(members.length) * 3, 22),
        fill: new Fill({ color: own ? '#2a8c5aCC' : '#1f5f99CC' }),
        stroke: new Stroke({ color: '#fff', width: 1.5 }),
      }),
      text:
        members.length > 1
          ? new Text({ text: String(members.length), fill: new Fill({ color: '#fff' }) })
          : undefined,
    });
    styles.set(key, style);
  }
  return style;
}

/** Curated and own observations on a clustered map, radius and view (bbox) searches, and a sighting form. */
export async function speciesPage(root: HTMLElement, _me: Me): Promise<Cleanup> {
  const points = new VectorSource();
  const mapElement = h('div', { class: 'map', id: 'species-map', 'data-features': 0 });
  const results = h('div', { id: 'species-results' });
  const status = h('span', { class: 'muted', id: 'species-status' });
  const map = new Map({
    target: mapElement,
    layers: [
      basemapLayer(),
      new VectorLayer({
        source: new Cluster({ distance: 36, source: points }),
        style: clusterStyle,
        className: 'species-layer',
      }),
    ],
    view: new View({ center: fromLonLat([-4, 50]), zoom: 4 }),
  });

  const show = (collection: FeatureCollection, label: string) => {
    const features = format.readFeatures(collection, { featureProjection: 'EPSG:3857' });
    points.clear();
    points.addFeatures(features);
    mapElement.dataset.features = String(features.length);
    status.textContent = `${features.length} observation(s): ${label}`;
    results.replaceChildren(
      table(['species', 'where', 'when', 'km'], collection.features.slice(0, 50), (f) => [
        String(f.properties.species_name ?? ''),
        String(f.properties.location_name ?? ''),
        when(
          (f.properties.observed ?? f.properties.observation_datetime ?? f.properties.observation_date) as
            string | null,
        ),
        f.properties.distance_km !== undefined ? Number(f.properties.distance_km).toFixed(1) : '',
      ]),
    );
  };

  const searchView = async () => {
    const extent = transformExtent(map.getView().calculateExtent(map.getSize()), 'EPSG:3857', 'EPSG:4326');
    const bbox = [
      Math.max(extent[0], -180),
      Math.max(extent[1], -90),
      Math.min(extent[2], 180),
      Math.min(extent[3], 90),
    ]
      .map((v) => v.toFixed(4))
      .join(',');
    const [curated, own] = await Promise.all([
      api<FeatureCollection>(`/species/observations?format=geojson&limit=1000&bbox=${bbox}`),
      api<FeatureCollection>(`/observations?limit=100&in_bbox=${bbox}`),
    ]);
    show(
      { type: 'FeatureCollection', features: [...curated.features, ...own.features] },
      'curated and own in this view',
    );
  };

  const lat = h('input', { id: 'radius-lat', type: 'number', step: 'any', value: 50.37, required: true });
  const lng = h('input', { id: 'radius-lng', type: 'number', step: 'any', value: -4.14, required: true });
  const radius = h('input', {
    id: 'radius-km',
    type: 'number',
    step: 'any',
    value: 100,
    min: 0.001,
    max: 1000,
    required: true,
  });
  const searchRadius = async () => {
    const q = new URLSearchParams({ lat: lat.value, lng: lng.value, radius: radius.value });
    show(await api<FeatureCollection>(`/map/observations?${q}`), `within ${radius.value} km`);
    map.getView().animate({ center: fromLonLat([Number(lng.value), Number(lat.value)]) });
  };

  const species = h('input', { name: 'species', placeholder: 'Mola mola', required: true });
  const common = h('input', { name: 'common', placeholder: 'Ocean sunfish' });
  const place = h('input', { name: 'place', placeholder: 'Plymouth Sound', required: true });
  const at = h('input', {
    name: 'datetime',
    type: 'datetime-local',
    required: true,
    value: new Date().toISOString().slice(0, 16),
  });
  const sightingStatus = h('span', { class: 'muted', id: 'sighting-status' });
  const report = async () => {
    const body = {
      speciesName: species.value.trim(),
      commonName: common.value.trim() || undefined,
      locationName: place.value.trim(),
      observationDatetime: new Date(at.value).toISOString(),
      location: { type: 'Point', coordinates: [Number(lng.value), Number(lat.value)] },
    };
    await post('/observations', body);
    sightingStatus.textContent = `Recorded ${body.speciesName}`;
    await searchRadius();
  };
  map.on('singleclick', (event) => {
    const [x, y] = toLonLat(event.coordinate);
    lng.value = x.toFixed(4);
    lat.value = y.toFixed(4);
  });

  const guarded = (fn: () => Promise<void>, target: HTMLElement) => (e: Event) => {
    e.preventDefault();
    fn().catch((err: Error) => (target.textContent = err.message));
  };
  root.append(
    h('h2', {}, 'Species'),
    h(
      'div',
      { class: 'panel' },
      h(
        'form',
        { class: 'inline', id: 'radius-form', onsubmit: guarded(searchRadius, status) },
        h('label', {}, 'Latitude', lat),
        h('label', {}, 'Longitude', lng),
        h('label', {}, 'Radius km', radius),
        h('button', { type: 'submit' }, 'Search radius'),
        h(
          'button',
          { type: 'button', class: 'secondary', id: 'search-view', onclick: guarded(searchView, status) },
          'Search this view',
        ),
        status,
      ),
      h('p', { class: 'muted' }, 'Click the map to put its position into the forms.'),
    ),
    h(
      'div',
      { class: 'row', style: 'margin-top:1rem' },
      h('div', { class: 'grow' }, mapElement),
      h('div', { class: 'panel', style: 'flex: 0 1 380px' }, h('h3', {}, 'Results'), results),
    ),
    h(
      'div',
      { class: 'panel', style: 'margin-top:1rem' },
      h('h3', {}, 'Report a sighting (at the latitude and longitude above)'),
      h(
        'form',
        { class: 'inline', id: 'sighting-form', onsubmit: guarded(report, sightingStatus) },
        h('label', {}, 'Species', species),
        h('label', {}, 'Common name', common),
        h('label', {}, 'Place', place),
        h('label', {}, 'When', at),
        h('button', { type: 'submit' }, 'Record'),
        sightingStatus,
      ),
    ),
  );
  await searchRadius().catch((e: Error) => (status.textContent = e.message));
  return () => map.setTarget(undefined);
}
