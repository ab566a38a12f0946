/** Scans' public surface: everything another module (or the app and CLI roots) may use. */
export { ScansModule } from './scans.module.js';
export { ScansCoreModule } from './scans-core.module.js';
export { ScansCliModule } from './scans-cli.module.js';
