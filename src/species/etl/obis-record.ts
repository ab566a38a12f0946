/**
 * One occurrence of the OBIS API v3 (`GET /v3/occurrence`): flat Darwin Core plus OBIS fields. Any field may be
 * missing, and some arrive with the "wrong" JSON type (numbers as strings), so the mapper checks every one.
 */
export interface ObisRecord {
  id: string;
  scientificName?: string;
  aphiaID?: number;
  decimalLatitude?: number | string;
  decimalLongitude?: number | string;
  eventDate?: string;
  date_start?: number;
  date_mid?: number;
  date_end?: number;
  depth?: number | string;
  minimumDepthInMeters?: number | string;
  maximumDepthInMeters?: number | string;
  sst?: number | string;
  bathymetry?: number | string;
  sex?: string;
  basisOfRecord?: string;
  datasetName?: string;
  vernacularName?: string;
  locality?: string;
  [field: string]: unknown;
}

/** A page of `GET /v3/occurrence`. */
export interface ObisPage {
  total: number;
  results: ObisRecord[];
}
