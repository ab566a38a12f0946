import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Role } from '../roles.js';

export const ROLES = 'auth:roles';
export const GROUPS = 'auth:groups';

/**
 * The route needs one of these roles. The OpenAPI document says so too (`x-roles`), which the authorization matrix
 * suite reads to know what to try.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES, roles), ApiExtension('x-roles', roles));

/** The route needs membership of one of these groups (admins pass too); `x-groups` in the OpenAPI document. */
export const Groups = (...groups: string[]) =>
  applyDecorators(SetMetadata(GROUPS, groups), ApiExtension('x-groups', groups));
