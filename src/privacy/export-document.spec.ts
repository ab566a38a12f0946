import { exportDocument } from './export-document.js';
import { type PersonalDataContributor, PersonalDataRegistry } from './personal-data.registry.js';

const contributor = (
  name: string,
  parts: Record<string, unknown>,
  extra: Partial<PersonalDataContributor> = {},
): PersonalDataContributor => ({
  name,
  description: name,
  export: () => Promise.resolve(parts),
  erase: () => Promise.resolve({ counts: {} }),
  ...extra,
});

async function* items<T>(...values: T[]) {
  for (const v of values) yield v;
}

async function text(gen: AsyncGenerator<string>): Promise<{ chunks: string[]; joined: string }> {
  const chunks: string[] = [];
  for await (const c of gen) chunks.push(c);
  return { chunks, joined: chunks.join('') };
}

describe('exportDocument', () => {
  const now = new Date('2026-01-02T03:04:05Z');

  it('writes one valid JSON document with a section per contributor, streamed parts as arrays', async () => {
    const { joined } = await text(
      exportDocument(
        'u1',
        [
          contributor('account', { profile: { id: 'u1', note: 'quote " and \\ and \u2028' } }),
          contributor('species', { observations: items({ id: 'a' }, { id: 'b' }), none: undefined }),
          contributor('empty', { rows: items() }),
          contributor('nothing', {}),
        ],
        now,
      ),
    );
    expect(JSON.parse(joined)).toEqual({
      format: 'terrawatch-personal-data/1',
      exported_at: '2026-01-02T03:04:05.000Z',
      user_id: 'u1',
      account: { profile: { id: 'u1', note: 'quote " and \\ and \u2028' } },
      species: { observations: [{ id: 'a' }, { id: 'b' }], none: null },
      empty: { rows: [] },
      nothing: {},
    });
  });

  it('writes each streamed item as its own piece (nothing gathered in memory)', async () => {
    const { chunks } = await text(
      exportDocument(
        'u1',
        [contributor('big', { rows: items(...Array.from({ length: 5 }, (_, i) => i)) })],
        now,
      ),
    );
    expect(chunks.filter((c) => /^,?\d$/.test(c))).toEqual(['0', ',1', ',2', ',3', ',4']);
  });
});

describe('PersonalDataRegistry', () => {
  it('lists the account first for export and last for erasure, and refuses a name twice', () => {
    const registry = new PersonalDataRegistry();
    registry.register(contributor('species', {}));
    registry.register(contributor('account', {}, { account: true }));
    registry.register(contributor('jobs', {}));
    expect(registry.list().map((c) => c.name)).toEqual(['account', 'species', 'jobs']);
    expect(registry.list({ forErasure: true }).map((c) => c.name)).toEqual(['species', 'jobs', 'account']);
    expect(() => registry.register(contributor('jobs', {}))).toThrow(/already registered/);
  });
});
