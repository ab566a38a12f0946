/** Named colour maps for layer tiles and legends, as 256-entry RGBA tables (titiler's `colormap_name`). */
export const COLORMAP_NAMES = ['greys', 'viridis', 'cloud'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];

type Rgba = [number, number, number, number];

/** matplotlib's viridis at ten evenly spaced points; the table interpolates linearly between them. */
const VIRIDIS_STOPS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725',
];

const STOPS: Record<ColormapName, Rgba[]> = {
  greys: [
    [0, 0, 0, 255],
    [255, 255, 255, 255],
  ],
  viridis: VIRIDIS_STOPS.map((hex) => [...hexRgb(hex), 255] as Rgba),
  // Clouds over a basemap: clear sky transparent, thick cloud opaque white.
  cloud: [
    [255, 255, 255, 0],
    [255, 255, 255, 255],
  ],
};

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const tables = new Map<ColormapName, Uint8Array>();

/** The 256 x RGBA table of a colour map: entry i is the colour of (value - min) / (max - min) = i / 255. */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (table) return table;
  const stops = STOPS[name];
  table = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    const at = (i / 255) * (stops.length - 1);
    const lo = Math.min(Math.floor(at), stops.length - 2);
    const t = at - lo;
    for (let c = 0; c < 4; c++)
      table[i * 4 + c] = Math.round(stops[lo][c] + (stops[lo + 1][c] - stops[lo][c]) * t);
  }
  tables.set(name, table);
  return table;
}

export interface LegendStop {
  value: number;
  /** CSS colour, `rgba(r, g, b, a)`. */
  color: string;
}

/** `count` colour stops spread over [min, max]: what a legend draws. */
export function legendStops(name: ColormapName, min: number, max: number, count = 11): LegendStop[] {
  const table = colormapTable(name);
  return Array.from({ length: count }, (_, k) => {
    const i = Math.round((k / (count - 1)) * 255);
    const [r, g, b, a] = table.subarray(i * 4, i * 4 + 4);
    return {
      value: min + ((max - min) * k) / (count - 1),
      color: `rgba(${r}, ${g}, ${b}, ${Math.round((a / 255) * 1000) / 1000})`,
    };
  });
}
