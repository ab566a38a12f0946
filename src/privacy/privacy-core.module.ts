import { Module } from '@nestjs/common';
import { PersonalDataRegistry } from './personal-data.registry.js';

/**
 * The registry every module's core registers its personal data into (at module init). It imports no module, so
 * any core can import it without a cycle; `PrivacyModule` adds the routes that export and erase across modules.
 */
@Module({
  providers: [PersonalDataRegistry],
  exports: [PersonalDataRegistry],
})
export class PrivacyCoreModule {}
