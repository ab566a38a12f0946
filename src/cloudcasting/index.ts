/** Cloudcasting's public surface: everything another module (or the app and CLI roots) may use. */
export { CloudcastingCoreModule } from './cloudcasting-core.module.js';
export { CloudcastingModule } from './cloudcasting.module.js';
export { CloudcastingCliModule } from './cloudcasting-cli.module.js';
