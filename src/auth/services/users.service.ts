import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { PageQueryDto, page, Page } from '../../common/pagination/pagination.js';
import { AuthError, AuthErrorCode } from '../auth.errors.js';
import type { AuthUser } from '../auth-user.js';
import { Role } from '../roles.js';
import { User } from '../entities/user.entity.js';
import { isValidUsername, randomUsernameSuffix, usernameFromEmail, usernameWithSuffix } from '../username.js';
import { hashPassword } from './password.js';

/** A derived username and then suffixed ones: 5 draws of 1.7 million suffixes do not all collide by chance. */
const DERIVED_USERNAME_ATTEMPTS = 5;

export interface NewUser {
  email: string;
  /** Derived from the email when absent (see `usernameFromEmail`). */
  username?: string;
  fullName?: string | null;
  password: string;
  role?: Role;
  groups?: string[];
  emailVerified?: boolean;
}

export interface UserChanges {
  email?: string;
  username?: string;
  /** null removes it. */
  fullName?: string | null;
  role?: Role;
  groups?: string[];
  isActive?: boolean;
  emailVerified?: boolean;
  passwordHash?: string;
}

export interface ExternalIdentity {
  subject: string;
  email: string | null;
  username: string;
  groups: string[];
}

/** Users and their accounts, inside Auth; other modules go through `UserDirectory`, which hands out summaries. */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async create(input: NewUser): Promise<User> {
    await this.assertAvailable(input.email, input.username);
    const passwordHash = await hashPassword(input.password);
    const build = (username: string) =>
      this.users.create({
        email: input.email.trim(),
        username,
        fullName: input.fullName ?? null,
        passwordHash,
        role: input.role ?? Role.USER,
        groups: normaliseGroups(input.groups ?? []),
        emailVerified: input.emailVerified ?? false,
      });
    if (input.username !== undefined) return this.saveUnique(build(input.username.trim()));
    return this.saveWithDerivedUsername(input.email, build);
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw new AuthError(AuthErrorCode.USER_NOT_FOUND, `User ${id} not found`);
    return user;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }

  /** With the password hash, for sign-in only. */
  findForLogin(login: {
    email?: string;
    username?: string;
  }): Promise<(User & { passwordHash: string | null }) | null> {
    const qb = this.users.createQueryBuilder('u').addSelect('u.passwordHash');
    if (login.email) qb.where('lower(u.email) = lower(:email)', { email: login.email.trim() });
    else qb.where('lower(u.username) = lower(:username)', { username: (login.username ?? '').trim() });
    return qb.getOne();
  }

  async passwordHashOf(id: string): Promise<string | null> {
    const row = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.id = :id', { id })
      .getOne();
    return row?.passwordHash ?? null;
  }

  async update(id: string, changes: UserChanges): Promise<User> {
    const user = await this.getById(id);
    if (changes.email !== undefined || changes.username !== undefined) {
      await this.assertAvailable(changes.email, changes.username, id);
    }
    const { passwordHash, ...rest } = changes;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    Object.assign(user, defined, changes.groups ? { groups: normaliseGroups(changes.groups) } : {});
    if (passwordHash) await this.users.update(id, { passwordHash });
    return this.saveUnique(user);
  }

  async touchLogin(id: string): Promise<void> {
    await this.users.update(id, { lastLoginAt: new Date() });
  }

  async list(query: PageQueryDto & { q?: string; role?: Role }): Promise<Page<User>> {
    const qb = this.users
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'DESC')
      .addOrderBy('u.id')
      .take(query.limit)
      .skip(query.offset);
    if (query.q) qb.andWhere('(u.email ILIKE :q OR u.username ILIKE :q)', { q: `%${escapeLike(query.q)}%` });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    const [items, total] = await qb.getManyAndCount();
    return page(items, total, query);
  }

  async stats() {
    const row = await this.users
      .createQueryBuilder('u')
      .select('count(*)::int', 'total')
      .addSelect('count(*) FILTER (WHERE u.is_active)::int', 'active')
      .addSelect('count(*) FILTER (WHERE u.email_verified)::int', 'verified')
      .addSelect('count(*) FILTER (WHERE u.external_subject IS NOT NULL)::int', 'external')
      .addSelect(`count(*) FILTER (WHERE u.created_at > now() - interval '7 days')::int`, 'new_last_7_days')
      .addSelect(
        `count(*) FILTER (WHERE u.last_login_at > now() - interval '24 hours')::int`,
        'active_last_24_hours',
      )
      .getRawOne<Record<string, number>>();
    const byRole = await this.users
      .createQueryBuilder('u')
      .select('u.role', 'role')
      .addSelect('count(*)::int', 'count')
      .groupBy('u.role')
      .getRawMany<{ role: Role; count: number }>();
    return {
      users: {
        ...row,
        by_role: Object.fromEntries(
          Object.values(Role).map((r) => [r, byRole.find((b) => b.role === r)?.count ?? 0]),
        ),
      },
    };
  }

  /** Finds or creates the local user of an external identity; groups follow the identity provider. */
  async upsertExternal(identity: ExternalIdentity): Promise<User> {
    const existing = await this.users.findOne({ where: { externalSubject: identity.subject } });
    const groups = normaliseGroups(identity.groups);
    if (existing) {
      if (groups.join() !== existing.groups.join()) {
        existing.groups = groups;
        return this.users.save(existing);
      }
      return existing;
    }
    const email = identity.email && !(await this.findByEmail(identity.email)) ? identity.email : null;
    let username = identity.username.slice(0, 50);
    for (let attempt = 1; await this.usernameTaken(username); attempt++) {
      username = `${identity.username.slice(0, 44)}-${attempt}`;
    }
    const user = this.users.create({
      email,
      username,
      passwordHash: null,
      groups,
      externalSubject: identity.subject,
      emailVerified: email !== null,
    });
    try {
      return await this.users.save(user);
    } catch (e) {
      // Two first requests of the same new identity raced: the other one created it.
      const raced = await this.users.findOne({ where: { externalSubject: identity.subject } });
      if (raced) return raced;
      throw e;
    }
  }

  toAuthUser(user: User): AuthUser {
    return { id: user.id, email: user.email, username: user.username, role: user.role, groups: user.groups };
  }

  private async usernameTaken(username: string, exceptId?: string): Promise<boolean> {
    const qb = this.users.createQueryBuilder('u').where('lower(u.username) = lower(:username)', { username });
    if (exceptId) qb.andWhere('u.id <> :exceptId', { exceptId });
    return (await qb.getCount()) > 0;
  }

  private async assertAvailable(
    email: string | undefined,
    username: string | undefined,
    exceptId?: string,
  ): Promise<void> {
    if (email !== undefined) {
      const other = await this.findByEmail(email);
      if (other && other.id !== exceptId)
        throw new AuthError(AuthErrorCode.EMAIL_TAKEN, 'Email is already registered');
    }
    if (username !== undefined && (await this.usernameTaken(username, exceptId))) {
      throw new AuthError(AuthErrorCode.USERNAME_TAKEN, 'Username is already taken');
    }
  }

  /**
   * The email's local part as username, else it with a random suffix. Nothing is looked up first: the unique index
   * on lower(username) decides, so two sign-ups racing for the same name both succeed, each with its own.
   */
  private async saveWithDerivedUsername(email: string, build: (username: string) => User): Promise<User> {
    const base = usernameFromEmail(email);
    for (let attempt = 0; attempt < DERIVED_USERNAME_ATTEMPTS; attempt++) {
      const username =
        attempt === 0 && isValidUsername(base) ? base : usernameWithSuffix(base, randomUsernameSuffix());
      try {
        return await this.saveUnique(build(username));
      } catch (e) {
        if (!(e instanceof AuthError && e.code === AuthErrorCode.USERNAME_TAKEN)) throw e;
      }
    }
    throw new AuthError(AuthErrorCode.USERNAME_TAKEN, 'No free username derived from this email: choose one');
  }

  /** The unique indexes are the real guard against two concurrent sign-ups with the same email or username. */
  private async saveUnique(user: User): Promise<User> {
    try {
      return await this.users.save(user);
    } catch (e) {
      const constraint =
        (e as QueryFailedError & { driverError?: { constraint?: string } }).driverError?.constraint ?? '';
      if (constraint.includes('email'))
        throw new AuthError(AuthErrorCode.EMAIL_TAKEN, 'Email is already registered');
      if (constraint.includes('username'))
        throw new AuthError(AuthErrorCode.USERNAME_TAKEN, 'Username is already taken');
      throw e;
    }
  }
}

export function normaliseGroups(groups: string[]): string[] {
  return [...new Set(groups.map((g) => g.trim().toLowerCase()).filter(Boolean))].sort();
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
