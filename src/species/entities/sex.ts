export enum Sex {
  MALE = 'male',
  FEMALE = 'female',
  UNKNOWN = 'unknown',
}

/** A GeoJSON point, `[lng, lat]`. */
export interface GeoPoint {
  type: 'Point';
  coordinates: [number, number];
}
