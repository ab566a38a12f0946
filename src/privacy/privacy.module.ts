import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { AdminPrivacyController, PrivacyController } from './privacy.controller.js';
import { PrivacyCoreModule } from './privacy-core.module.js';
import { PrivacyService } from './services/privacy.service.js';

/**
 * GDPR across modules: `GET /me/export` and `DELETE /me` for the user, the same under `/admin/users/{id}` for
 * admins. Each module declares its personal data through `PrivacyCoreModule`'s registry; this module never reads
 * another module's tables.
 */
@Module({
  imports: [PrivacyCoreModule, AuthModule],
  controllers: [PrivacyController, AdminPrivacyController],
  providers: [PrivacyService],
})
export class PrivacyModule {}
