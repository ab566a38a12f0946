/** Jobs' public surface: everything another module (or the app and CLI roots) may use. */
export { JobsCliModule, JobsModule } from './jobs.module.js';
