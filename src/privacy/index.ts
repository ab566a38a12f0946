/**
 * Privacy's public surface: the registry a module's core registers its personal data into (wiring:
 * `privacy-core.module.ts`, routes: `privacy.module.ts`).
 */
export {
  type Erasure,
  type PersonalDataContributor,
  type PersonalDataPart,
  PersonalDataRegistry,
  keysetRows,
} from './personal-data.registry.js';
