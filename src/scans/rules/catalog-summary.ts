import { RULES, RULES_BY_TYPE } from './catalog.js';

const PROVIDER_NAMES: Record<string, string> = {
  aws: 'AWS',
  azure: 'Azure',
  gcp: 'GCP',
  m365: 'Microsoft 365',
};

/** What the scans look for, one line per provider: the assistant's vocabulary of resource types. */
export function detectableTypes(): string[] {
  const byProvider = new Map<string, string[]>();
  for (const rule of RULES)
    byProvider.set(rule.provider, [
      ...(byProvider.get(rule.provider) ?? []),
      `${rule.resourceType} (${rule.title})`,
    ]);
  return [...byProvider].map(
    ([provider, types]) => `${PROVIDER_NAMES[provider] ?? provider}: ${types.join(', ')}.`,
  );
}

/** `azure_idle_vm` -> `azure_idle_vm "Idle Azure VM"`, for types the catalogue knows. */
export const typeWithTitle = (resourceType: string) => {
  const title = RULES_BY_TYPE.get(resourceType)?.title;
  return title ? `${resourceType} "${title}"` : resourceType;
};
