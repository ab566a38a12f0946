import { RULES } from './catalog.js';
import { detectableTypes, typeWithTitle } from './catalog-summary.js';

describe('catalogue summary for the assistant', () => {
  it('names every rule once, grouped by provider', () => {
    const lines = detectableTypes();
    expect(lines.map((l) => l.split(':')[0])).toEqual(['AWS', 'Azure', 'GCP', 'Microsoft 365']);
    for (const rule of RULES) expect(lines.join('\n')).toContain(`${rule.resourceType} (${rule.title})`);
  });

  it('counts at least 12 Azure, 14 GCP and 6 Microsoft 365 types', () => {
    const count = (provider: string) => RULES.filter((r) => r.provider === provider).length;
    expect(count('azure')).toBeGreaterThanOrEqual(12);
    expect(count('gcp')).toBeGreaterThanOrEqual(14);
    expect(count('m365')).toBe(6);
  });

  it('titles known types and leaves unknown ones alone', () => {
    expect(typeWithTitle('azure_idle_vm')).toBe('azure_idle_vm "Idle Azure VM"');
    expect(typeWithTitle('mystery')).toBe('mystery');
  });
});
