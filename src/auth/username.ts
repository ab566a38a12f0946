import { randomInt } from 'node:crypto';

/** What a username may be: the register and profile DTOs enforce it, and derived usernames follow it. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._-]+$/;
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 50;

const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const USERNAME_SUFFIX_LENGTH = 4;

/**
 * A username from an email address's local part, for clients that register without one: the subaddress (`+tag`)
 * dropped, accents taken off (é -> e), lower case, each run of other characters made one `_`, no punctuation at the
 * ends, at most `USERNAME_MAX_LENGTH` characters. It may be shorter than `USERNAME_MIN_LENGTH`, even empty (a local
 * part in another script): `usernameWithSuffix` makes it valid.
 */
export function usernameFromEmail(email: string): string {
  const local = email.slice(0, Math.max(email.lastIndexOf('@'), 0)).split('+')[0];
  return local
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '_')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, USERNAME_MAX_LENGTH)
    .replace(/[._-]+$/, '');
}

/** `base-suffix`, cut so that it fits; `user-suffix` when there is no base. */
export function usernameWithSuffix(base: string, suffix: string): string {
  const stem = base.slice(0, USERNAME_MAX_LENGTH - suffix.length - 1).replace(/[._-]+$/, '');
  return `${stem || 'user'}-${suffix}`;
}

export function isValidUsername(username: string): boolean {
  return (
    username.length >= USERNAME_MIN_LENGTH &&
    username.length <= USERNAME_MAX_LENGTH &&
    USERNAME_PATTERN.test(username)
  );
}

/** 36^4 (1.7 million) values: two sign-ups that race for the same base almost never draw the same one. */
export function randomUsernameSuffix(): string {
  return Array.from(
    { length: USERNAME_SUFFIX_LENGTH },
    () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)],
  ).join('');
}
