import { EmailToken } from './email-token.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { User } from './user.entity.js';

/** Auth's tables, for its own module and the application's data source. */
export const AUTH_ENTITIES = [User, RefreshToken, EmailToken];
