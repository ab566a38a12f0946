import { EmailToken } from '../auth/entities/email-token.entity.js';
import { RefreshToken } from '../auth/entities/refresh-token.entity.js';
import { User } from '../auth/entities/user.entity.js';
import { CloudcastingForecast } from '../cloudcasting/entities/cloudcasting-forecast.entity.js';
import { SPECIES_ENTITIES } from '../species/entities/index.js';

/** Every entity of the application, for the data source and the migration generator. Modules add theirs here. */
export const ALL_ENTITIES = [User, RefreshToken, EmailToken, CloudcastingForecast, ...SPECIES_ENTITIES];
