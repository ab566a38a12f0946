import { CloudcastingForecast } from './cloudcasting-forecast.entity.js';

/** Cloudcasting's tables, for its own module and the application's data source. */
export const CLOUDCASTING_ENTITIES = [CloudcastingForecast];
