import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { UserDirectory, UserSummaryDto } from '../../auth/index.js';
import { ChatService } from './chat.service.js';
import { AccountDto } from '../dto/account.dto.js';
import { ResourceDto, ScanDto } from '../dto/scan.dto.js';
import { CloudAccount } from '../entities/cloud-account.entity.js';
import { OrphanResource } from '../entities/orphan-resource.entity.js';
import { Scan } from '../entities/scan.entity.js';
import { RulesService } from './rules.service.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';

export const DELETE_CONFIRMATION = 'DELETE MY DATA';

/** What the Scans module holds about a user: all of it for export (secrets excluded), all of it for erasure. */
@Injectable()
export class GdprService {
  constructor(
    @InjectRepository(CloudAccount) private readonly accounts: Repository<CloudAccount>,
    @InjectRepository(Scan) private readonly scans: Repository<Scan>,
    @InjectRepository(OrphanResource) private readonly resources: Repository<OrphanResource>,
    private readonly users: UserDirectory,
    private readonly rules: RulesService,
    private readonly chat: ChatService,
  ) {}

  async export(userId: string) {
    const user = await this.users.getById(userId);
    const [accounts, scans, resources, overrides, conversations] = await Promise.all([
      this.accounts.find({ where: { ownerId: userId }, order: { createdAt: 'ASC' } }),
      this.scans.find({ where: { ownerId: userId }, order: { createdAt: 'ASC' } }),
      this.resources.find({ where: { ownerId: userId }, order: { createdAt: 'ASC' } }),
      this.rules.overridesOf(userId),
      this.chat.exportOf(userId),
    ]);
    return {
      exported_at: new Date().toISOString(),
      user: UserSummaryDto.from(user),
      // Credentials are never exported, only their masked hint (part of AccountDto).
      cloud_accounts: accounts.map((a) => AccountDto.from(a)),
      scans: scans.map((s) => ScanDto.from(s)),
      resources: resources.map((r) => ResourceDto.from(r)),
      detection_rule_overrides: overrides.map((o) => ({
        resource_type: o.resourceType,
        enabled: o.enabled,
        parameters: o.parameters,
      })),
      conversations,
    };
  }

  async delete(userId: string, confirmation: string) {
    if (confirmation !== DELETE_CONFIRMATION)
      throw new ScansError(
        ScansErrorCode.CONFIRMATION_REQUIRED,
        `Send {"confirm": "${DELETE_CONFIRMATION}"} to erase your data`,
      );
    const scans = await this.scans.countBy({ ownerId: userId });
    const resources = await this.resources.countBy({ ownerId: userId });
    // Scans, resources and sightings go with their accounts (ON DELETE CASCADE); messages with conversations.
    const accounts = (await this.accounts.delete({ ownerId: userId })).affected ?? 0;
    const overrides = await this.rules.deleteAllOf(userId);
    const conversations = await this.chat.deleteAllOf(userId);
    return {
      deleted: {
        cloud_accounts: accounts,
        scans,
        resources,
        detection_rule_overrides: overrides,
        conversations,
      },
    };
  }
}
