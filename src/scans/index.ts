/** Scans' public surface: everything another module (or the app and CLI roots) may use. */
export { ScansModule } from './scans.module.js';
export { ScansCoreModule } from './scans-core.module.js';
export { ScansRunCommand } from './commands/scans-run.command.js';
export { AccountsRotateKeyCommand } from './commands/accounts-rotate-key.command.js';
