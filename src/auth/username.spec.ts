import {
  isValidUsername,
  randomUsernameSuffix,
  USERNAME_MAX_LENGTH,
  usernameFromEmail,
  usernameWithSuffix,
} from './username.js';

describe('usernameFromEmail', () => {
  it.each([
    ['ada@example.org', 'ada'],
    ['Ada.Lovelace@Example.org', 'ada.lovelace'],
    ['ada+newsletter@example.org', 'ada'],
    ['jöns.jacob.berzélius@example.se', 'jons.jacob.berzelius'],
    ["o'brien@example.ie", 'o_brien'],
    ['"first last"@example.org', 'first_last'],
    ['__ada--@example.org', 'ada'],
    ['a@example.org', 'a'],
    ['山田@example.jp', ''],
    ['+tag@example.org', ''],
  ])('%s -> %s', (email, username) => {
    expect(usernameFromEmail(email)).toBe(username);
  });

  it('keeps the last @ as the separator and cuts long local parts to the maximum', () => {
    expect(usernameFromEmail('"a@b"@example.org')).toBe('a_b');
    const long = usernameFromEmail(`${'x'.repeat(70)}@example.org`);
    expect(long).toHaveLength(USERNAME_MAX_LENGTH);
    expect(usernameFromEmail(`${'x'.repeat(49)}.y@example.org`)).toBe('x'.repeat(49));
  });

  it('yields a valid username whenever it is long enough', () => {
    for (const email of ['ada@example.org', 'jöns@example.se', `${'é'.repeat(80)}@example.org`])
      expect(isValidUsername(usernameFromEmail(email))).toBe(true);
  });
});

describe('usernameWithSuffix', () => {
  it('appends the suffix, cutting the base to fit, and stands in for an empty base', () => {
    expect(usernameWithSuffix('ada', 'x7k2')).toBe('ada-x7k2');
    expect(usernameWithSuffix('a', 'x7k2')).toBe('a-x7k2');
    expect(usernameWithSuffix('', 'x7k2')).toBe('user-x7k2');
    const long = usernameWithSuffix('y'.repeat(USERNAME_MAX_LENGTH), 'x7k2');
    expect(long).toBe(`${'y'.repeat(45)}-x7k2`);
    expect(isValidUsername(long)).toBe(true);
    expect(usernameWithSuffix(`${'y'.repeat(44)}.z`, 'x7k2')).toBe(`${'y'.repeat(44)}-x7k2`);
  });

  it('always yields a valid username with a random suffix', () => {
    const suffix = randomUsernameSuffix();
    expect(suffix).toMatch(/^[a-z0-9]{4}$/);
    for (const base of ['', 'a', 'ab', 'ada', 'z'.repeat(50)])
      expect(isValidUsername(usernameWithSuffix(base, suffix))).toBe(true);
  });
});
