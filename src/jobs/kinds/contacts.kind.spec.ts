import { uploadKey } from '../storage/object-storage.js';
import { ContactsKind } from './contacts.kind.js';
import { headerKey, mapHeader } from './job-kind.js';

const kind = new ContactsKind();

describe('mapHeader', () => {
  it('matches columns case-insensitively through aliases and reports the rest', () => {
    const { indexes, missing, ignored } = mapHeader(kind, ['E-Mail', 'Notes', 'Given Name', 'SURNAME']);
    expect(Object.fromEntries(indexes)).toEqual({ email: 0, first_name: 2, last_name: 3, company: -1 });
    expect(missing).toEqual([]);
    expect(ignored).toEqual(['Notes']);
  });

  it('names the required columns a header lacks', () => {
    expect(mapHeader(kind, ['mail', 'company']).missing).toEqual(['first_name', 'last_name']);
  });

  it('compares header spellings without case, blanks, dashes, dots or underscores', () => {
    expect(headerKey('\uFEFF First_Name ')).toBe(headerKey('first-name'));
  });
});

describe('ContactsKind.validateRow', () => {
  const row = (email: string | null, first: string | null = 'Ada', last: string | null = 'Lovelace') => ({
    email,
    first_name: first,
    last_name: last,
    company: null,
  });

  it('accepts a complete row with a plausible email', () => {
    expect(kind.validateRow(row('ada@example.org'))).toEqual([]);
  });

  it('reports every missing required field and an invalid email', () => {
    expect(kind.validateRow(row('ada@example', null, null)).map((p) => [p.type, p.field])).toEqual([
      ['MISSING_REQUIRED_FIELD', 'first_name'],
      ['MISSING_REQUIRED_FIELD', 'last_name'],
      ['INVALID_EMAIL', 'email'],
    ]);
    expect(kind.validateRow(row(null)).map((p) => p.type)).toEqual(['MISSING_REQUIRED_FIELD']);
  });
});

describe('uploadKey', () => {
  it('is uploads/{user}/{timestamp}-{uuid8}-{safe filename}', () => {
    const key = uploadKey('u-1', '../../etc/My Contacts (2).csv', new Date('2026-01-02T03:04:05.678Z'));
    expect(key).toMatch(/^uploads\/u-1\/20260102T030405Z-[0-9a-f]{8}-My_Contacts_2_.csv$/);
  });
});
