import GeoJSON from 'ol/format/GeoJSON';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style } from 'ol/style';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries from 'world-atlas/countries-50m.json';

/**
 * The offline basemap: Natural Earth 1:50m countries (world-atlas), bundled into the console, so a map needs
 * nothing from the internet. Land is drawn over the map element's sea-blue background.
 */
export function basemapLayer(): VectorLayer<VectorSource> {
  const topology = countries as unknown as Topology<{ countries: GeometryCollection }>;
  const geojson = feature(topology, topology.objects.countries);
  const source = new VectorSource({
    features: new GeoJSON().readFeatures(geojson, { featureProjection: 'EPSG:3857' }),
  });
  return new VectorLayer({
    source,
    className: 'basemap-layer',
    style: new Style({
      fill: new Fill({ color: '#e9e4d8' }),
      stroke: new Stroke({ color: '#8a8f93', width: 0.6 }),
    }),
  });
}
