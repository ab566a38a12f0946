/**
 * The geostationary projection of a Meteosat forecast. The sub-satellite longitude is the only parameter that
 * varies between producers; the ellipsoid is the one SEVIRI level 1.5 data is defined on.
 */
export interface GeosProjection {
  lon0: number;
  /** Where lon0 came from, for the logs and the metadata row. */
  origin: 'platform_name' | 'orbital_parameters' | 'area' | 'default';
  proj4: string;
}

export const DEFAULT_LON0 = 9.5;

const PLATFORM_LON0: Record<string, number> = {
  'meteosat-10': 0.0,
  'meteosat-11': 9.5,
};

export function geosProj4(lon0: number): string {
  return `+proj=geos +h=35785831 +lon_0=${lon0} +sweep=y +a=6378169 +rf=295.488065897014 +units=m +no_defs`;
}

/** `lon_0` from `platform_name`, else `orbital_parameters`, else `area` (YAML or a proj string), else 9.5. */
export function geosProjectionFromAttrs(attrs: Record<string, unknown>): GeosProjection {
  const make = (lon0: number, origin: GeosProjection['origin']) => ({ lon0, origin, proj4: geosProj4(lon0) });
  const platform = typeof attrs.platform_name === 'string' ? attrs.platform_name.trim().toLowerCase() : '';
  if (platform in PLATFORM_LON0) return make(PLATFORM_LON0[platform], 'platform_name');

  const orbital = parseMaybeJson(attrs.orbital_parameters);
  if (orbital && typeof orbital === 'object') {
    const params = orbital as Record<string, unknown>;
    for (const key of ['projection_longitude', 'satellite_nominal_longitude']) {
      const value = Number(params[key]);
      if (params[key] !== undefined && Number.isFinite(value)) return make(value, 'orbital_parameters');
    }
  }
  if (typeof attrs.area === 'string') {
    const match = /lon_0\s*[:=]\s*['"]?(-?\d+(?:\.\d+)?)/.exec(attrs.area);
    if (match) return make(Number(match[1]), 'area');
  }
  return make(DEFAULT_LON0, 'default');
}

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
