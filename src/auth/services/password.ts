import * as argon2 from 'argon2';

/** argon2id with the library's defaults (OWASP-recommended parameters). */
export const hashPassword = (plain: string): Promise<string> => argon2.hash(plain, { type: argon2.argon2id });

export const verifyPassword = (hash: string, plain: string): Promise<boolean> =>
  argon2.verify(hash, plain).catch(() => false);

/** Spent on unknown users too, so response time does not reveal whether an account exists. */
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(plain: string): Promise<void> {
  dummyHash ??= hashPassword('terrawatch-dummy-password');
  await verifyPassword(await dummyHash, plain);
}
