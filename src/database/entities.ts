import { EmailToken } from '../auth/entities/email-token.entity.js';
import { RefreshToken } from '../auth/entities/refresh-token.entity.js';
import { User } from '../auth/entities/user.entity.js';
import { SPECIES_ENTITIES } from '../species/entities/index.js';

/** Every entity of the application, for the data source and the migration generator. Modules add theirs here. */
export const ALL_ENTITIES = [User, RefreshToken, EmailToken, ...SPECIES_ENTITIES];
