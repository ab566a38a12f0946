/** Cloudcasting's public surface: everything another module (or the app and CLI roots) may use. */
export { CloudcastingModule } from './cloudcasting.module.js';
export { CloudcastingCliModule } from './commands/cloudcasting-cli.module.js';
