/**
 * Auth's public surface: everything another module may use, beside the module classes (`auth.module.ts`,
 * `auth-cli.module.ts`) that the application wires. The rest of `auth/` is internal (an ESLint rule keeps it so):
 * other modules never see the `User` entity, the token services or the strategies.
 */
export { authConfig, type AuthConfig } from './auth.config.js';
export { type AuthUser, hasRole, inGroup } from './auth-user.js';
export { Role } from './roles.js';
export { type UserSummary, UserSummaryDto } from './user-summary.js';
export { UserDirectory } from './services/user-directory.js';
export { SessionCookies } from './session-cookies.js';
export { SocketAuthenticator } from './services/socket-authenticator.js';
export { CurrentUser } from './decorators/current-user.decorator.js';
export { Public } from './decorators/public.decorator.js';
export { Groups, Roles } from './decorators/access.decorator.js';
