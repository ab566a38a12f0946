import { inGroup } from './auth-user.js';
import { Role } from './roles.js';
import { normaliseGroups } from './services/users.service.js';

describe('groups', () => {
  const user = { id: '1', email: null, username: 'u', role: Role.USER, groups: ['uploader'] };

  it('admins belong to every group; others only to theirs', () => {
    expect(inGroup(user, 'uploader')).toBe(true);
    expect(inGroup(user, 'editor')).toBe(false);
    expect(inGroup({ ...user, role: Role.ADMIN, groups: [] }, 'editor')).toBe(true);
  });

  it('normalises names: trimmed, lower-case, unique, sorted', () => {
    expect(normaliseGroups([' Editor', 'uploader', 'EDITOR', ''])).toEqual(['editor', 'uploader']);
  });
});
