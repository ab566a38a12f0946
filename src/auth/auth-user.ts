import { Role } from './roles.js';

/** What the rest of the application knows about the caller. */
export interface AuthUser {
  id: string;
  email: string | null;
  username: string;
  role: Role;
  groups: string[];
}

export function hasRole(user: AuthUser, ...roles: Role[]): boolean {
  return roles.includes(user.role);
}

/** Admins belong to every group. */
export function inGroup(user: AuthUser, group: string): boolean {
  return user.role === Role.ADMIN || user.groups.includes(group);
}
