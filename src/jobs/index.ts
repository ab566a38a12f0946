/** Jobs' public surface: everything another module (or the app and CLI roots) may use. */
export { JobsCliModule } from './jobs-cli.module.js';
export { JobsModule } from './jobs.module.js';
