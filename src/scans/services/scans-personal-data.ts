import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { type Erasure, keysetRows, type PersonalDataContributor } from '../../privacy/index.js';
import { AccountDto } from '../dto/account.dto.js';
import { ResourceDto, ScanDto } from '../dto/scan.dto.js';
import { ChatMessage, Conversation } from '../entities/chat.entity.js';
import { CloudAccount } from '../entities/cloud-account.entity.js';
import { OrphanResource } from '../entities/orphan-resource.entity.js';
import { RuleOverride } from '../entities/rule-override.entity.js';
import { Scan } from '../entities/scan.entity.js';

/**
 * Everything Scans holds about a user: cloud accounts (credentials never exported, only their masked hint), scans,
 * orphaned resources (streamed: the big table), rule overrides and assistant conversations. Also the admin's name
 * on list prices they changed (detached on erasure).
 */
@Injectable()
export class ScansPersonalData implements PersonalDataContributor {
  readonly name = 'scans';
  readonly description =
    'cloud accounts, scans, orphaned resources, detection rule overrides, assistant conversations';

  constructor(
    @InjectRepository(CloudAccount) private readonly accounts: Repository<CloudAccount>,
    @InjectRepository(Scan) private readonly scans: Repository<Scan>,
    @InjectRepository(OrphanResource) private readonly resources: Repository<OrphanResource>,
    @InjectRepository(RuleOverride) private readonly overrides: Repository<RuleOverride>,
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
    @InjectRepository(ChatMessage) private readonly messages: Repository<ChatMessage>,
  ) {}

  async export(userId: string) {
    const [accounts, scans, overrides] = await Promise.all([
      this.accounts.find({ where: { ownerId: userId }, order: { createdAt: 'ASC' } }),
      this.scans.find({ where: { ownerId: userId }, order: { createdAt: 'ASC' } }),
      this.overrides.findBy({ userId }),
    ]);
    return {
      cloud_accounts: accounts.map((a) => AccountDto.from(a)),
      scans: scans.map((s) => ScanDto.from(s)),
      resources: keysetRows(this.resources, { ownerId: userId }, 'id', (r) => ResourceDto.from(r)),
      detection_rule_overrides: overrides.map((o) => ({
        resource_type: o.resourceType,
        enabled: o.enabled,
        parameters: o.parameters,
      })),
      conversations: this.conversationsOf(userId),
    };
  }

  async erase(userId: string, manager: EntityManager): Promise<Erasure> {
    const count = async (sql: string) => (await manager.query<[unknown, number]>(sql, [userId]))[1];
    // Children first, so each count is this table's own rows and not a cascade's.
    const messages = await count(`DELETE FROM chat_messages WHERE owner_id = $1`);
    const conversations = await count(`DELETE FROM chat_conversations WHERE owner_id = $1`);
    const overrides = await count(`DELETE FROM detection_rule_overrides WHERE user_id = $1`);
    const resources = await count(`DELETE FROM orphan_resources WHERE owner_id = $1`);
    const scans = await count(`DELETE FROM scans WHERE owner_id = $1`);
    const sightings = await count(
      `DELETE FROM resource_sightings WHERE account_id IN (SELECT id FROM cloud_accounts WHERE owner_id = $1)`,
    );
    const accounts = await count(`DELETE FROM cloud_accounts WHERE owner_id = $1`);
    const prices = await count(`UPDATE scan_prices SET updated_by = NULL WHERE updated_by = $1`);
    return {
      counts: {
        cloud_accounts: accounts,
        scans,
        resources,
        resource_sightings: sightings,
        detection_rule_overrides: overrides,
        conversations,
        chat_messages: messages,
        prices_detached: prices,
      },
    };
  }

  /** One conversation at a time, with its messages. */
  private async *conversationsOf(ownerId: string) {
    const conversations = await this.conversations.find({ where: { ownerId }, order: { createdAt: 'ASC' } });
    for (const c of conversations) {
      const messages = await this.messages.find({
        where: { conversationId: c.id },
        order: { createdAt: 'ASC' },
      });
      yield {
        id: c.id,
        title: c.title,
        created_at: c.createdAt.toISOString(),
        messages: messages.map((m) => ({
          role: m.role,
          content: m.content,
          created_at: m.createdAt.toISOString(),
        })),
      };
    }
  }
}
