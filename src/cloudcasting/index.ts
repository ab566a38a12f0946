/**
 * Cloudcasting's public surface for other modules (wiring: `cloudcasting.module.ts`, `cloudcasting-core.module.ts`,
 * `cloudcasting-cli.module.ts`).
 */
export { CloudcastingService } from './services/cloudcasting.service.js';
