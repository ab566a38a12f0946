import { Inject, Injectable } from '@nestjs/common';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';

interface WormsVernacular {
  vernacular?: string;
  language_code?: string;
  language?: string;
}

/**
 * WoRMS REST `GET /rest/AphiaVernacularsByAphiaID/{id}`: the first English vernacular, title-cased. Null when the
 * taxon has none (204 or no English entry); throws on any other failure so the caller does not cache it.
 */
@Injectable()
export class WormsClient {
  constructor(@Inject(speciesConfig.KEY) private readonly config: SpeciesConfig) {}

  async englishName(aphiaId: number): Promise<string | null> {
    const url = `${this.config.worms.baseUrl}/rest/AphiaVernacularsByAphiaID/${aphiaId}`;
    const res = await fetch(url, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(this.config.worms.timeoutMs),
    });
    if (res.status === 204) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`WoRMS ${aphiaId}: HTTP ${res.status}`);
    }
    const names = (await res.json()) as WormsVernacular[];
    const english = Array.isArray(names)
      ? names.find(
          (n) => n.language_code === 'eng' && typeof n.vernacular === 'string' && n.vernacular.trim(),
        )
      : undefined;
    return english?.vernacular ? titleCase(english.vernacular) : null;
  }
}

export function titleCase(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/(^|[\s\-(/])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}
