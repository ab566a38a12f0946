import { isAsyncIterable, type PersonalDataContributor } from './personal-data.registry.js';

export const EXPORT_FORMAT = 'terrawatch-personal-data/1';

/**
 * `{"format", "exported_at", "user_id", "<section>": {"<part>": ...}, ...}` as pieces of JSON text: a part that is an
 * async iterable is written one item at a time as it is read, so memory stays flat whatever the user holds.
 */
export async function* exportDocument(
  userId: string,
  contributors: PersonalDataContributor[],
  now: Date,
): AsyncGenerator<string> {
  yield `{"format":${JSON.stringify(EXPORT_FORMAT)},"exported_at":${JSON.stringify(now.toISOString())},"user_id":${JSON.stringify(userId)}`;
  for (const contributor of contributors) {
    yield `,${JSON.stringify(contributor.name)}:{`;
    const parts = await contributor.export(userId);
    let firstPart = true;
    for (const [key, value] of Object.entries(parts)) {
      yield `${firstPart ? '' : ','}${JSON.stringify(key)}:`;
      firstPart = false;
      if (!isAsyncIterable(value)) {
        yield JSON.stringify(value ?? null);
        continue;
      }
      yield '[';
      let firstItem = true;
      for await (const item of value) {
        yield `${firstItem ? '' : ','}${JSON.stringify(item)}`;
        firstItem = false;
      }
      yield ']';
    }
    yield '}';
  }
  yield '}';
}
