import { SetMetadata } from '@nestjs/common';
import { Role } from '../roles.js';

export const ROLES = 'auth:roles';
export const GROUPS = 'auth:groups';

/** The route needs one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** The route needs membership of one of these groups (admins pass too). */
export const Groups = (...groups: string[]) => SetMetadata(GROUPS, groups);
