import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { QueryFailedError, Repository } from 'typeorm';
import { page, type Page, type PageQueryDto } from '../../common/pagination/pagination.js';
import { CredentialsCipher } from '../crypto/credentials-cipher.js';
import type { CreateAccountDto, ScheduleDto, UpdateAccountDto } from '../dto/account.dto.js';
import { CloudAccount, type CloudProvider } from '../entities/cloud-account.entity.js';
import { ProviderRegistry } from '../providers/provider.registry.js';
import { ProviderCallError, type CredentialsOf, type Identity } from '../providers/provider.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';
import {
  credentialsHint,
  identifierFromCredentials,
  parseCredentials,
  regionProblems,
} from '../credentials.js';

const VALIDATE_TIMEOUT_MS = 15_000;

/** Cloud accounts of their owners; the only place credentials are sealed and opened. */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    @InjectRepository(CloudAccount) private readonly accounts: Repository<CloudAccount>,
    private readonly cipher: CredentialsCipher,
    private readonly providers: ProviderRegistry,
  ) {}

  async create(ownerId: string, dto: CreateAccountDto): Promise<CloudAccount> {
    const credentials = parseCredentials(dto.provider, dto.credentials);
    this.checkRegions(dto.provider, dto.regions);
    const accountIdentifier = dto.account_identifier ?? identifierFromCredentials(dto.provider, credentials);
    if (!accountIdentifier)
      throw new ScansError(
        ScansErrorCode.INVALID_CREDENTIALS,
        'account_identifier is required for aws accounts',
        [{ field: 'account_identifier', problems: ['missing: the 12-digit AWS account id'] }],
      );
    const id = randomUUID();
    const account = this.accounts.create({
      id,
      ownerId,
      provider: dto.provider,
      name: dto.name.trim(),
      accountIdentifier,
      regions: [...new Set(dto.regions)],
      description: dto.description ?? null,
      isActive: dto.is_active ?? true,
      ...this.seal(dto.provider, credentials, id),
      ...this.schedule(dto.schedule),
    });
    return this.save(account);
  }

  async list(
    ownerId: string,
    query: PageQueryDto & { provider?: CloudProvider },
  ): Promise<Page<CloudAccount>> {
    const [items, total] = await this.accounts.findAndCount({
      where: { ownerId, ...(query.provider ? { provider: query.provider } : {}) },
      order: { createdAt: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return page(items, total, query);
  }

  /** The caller's account; another user's id is indistinguishable from a missing one. */
  async get(ownerId: string, id: string): Promise<CloudAccount> {
    const account = await this.accounts.findOneBy({ id, ownerId });
    if (!account) throw new ScansError(ScansErrorCode.ACCOUNT_NOT_FOUND, `Cloud account ${id} not found`);
    return account;
  }

  async update(ownerId: string, id: string, dto: UpdateAccountDto): Promise<CloudAccount> {
    const account = await this.get(ownerId, id);
    if (dto.regions) {
      this.checkRegions(account.provider, dto.regions);
      account.regions = [...new Set(dto.regions)];
    }
    if (dto.credentials) {
      const credentials = parseCredentials(account.provider, dto.credentials);
      Object.assign(account, this.seal(account.provider, credentials, account.id));
    }
    if (dto.name !== undefined) account.name = dto.name.trim();
    if (dto.account_identifier !== undefined) account.accountIdentifier = dto.account_identifier;
    if (dto.description !== undefined) account.description = dto.description;
    if (dto.is_active !== undefined) account.isActive = dto.is_active;
    if (dto.schedule) Object.assign(account, this.schedule(dto.schedule));
    return this.save(account);
  }

  async remove(ownerId: string, id: string): Promise<void> {
    await this.get(ownerId, id);
    await this.accounts.delete({ id, ownerId });
  }

  /** A cheap identity call to the provider with the stored credentials. */
  async validate(ownerId: string, id: string): Promise<Identity> {
    const account = await this.get(ownerId, id);
    const credentials = await this.credentialsOf(account);
    try {
      const identity = await this.providers
        .get(account.provider)
        // credentialsOf returned this provider's credentials (TypeScript cannot tie the two together).
        .verifyIdentity(credentials as never, AbortSignal.timeout(VALIDATE_TIMEOUT_MS));
      if (identity.accountIdentifier && identity.accountIdentifier !== account.accountIdentifier)
        this.logger.warn(
          `Account ${id}: the provider says ${identity.accountIdentifier}, the account says ${account.accountIdentifier}`,
        );
      return identity;
    } catch (error) {
      if (error instanceof ProviderCallError && error.kind === 'rejected_credentials')
        throw new ScansError(ScansErrorCode.PROVIDER_REJECTED_CREDENTIALS, error.message);
      throw new ScansError(
        ScansErrorCode.PROVIDER_UNREACHABLE,
        error instanceof Error ? error.message : 'The provider did not answer',
      );
    }
  }

  /** For the scan worker: the account whoever owns it. */
  async getById(id: string): Promise<CloudAccount | null> {
    return this.accounts.findOneBy({ id });
  }

  async credentialsOf<P extends CloudProvider>(
    account: CloudAccount & { provider: P },
  ): Promise<CredentialsOf[P]> {
    const row = await this.accounts
      .createQueryBuilder('a')
      .addSelect('a.credentialsCiphertext')
      .where('a.id = :id', { id: account.id })
      .getOneOrFail();
    const plaintext = this.cipher.open(
      { ciphertext: row.credentialsCiphertext, keyId: row.credentialsKeyId },
      row.id,
    );
    return JSON.parse(plaintext) as CredentialsOf[P];
  }

  async touchLastScan(id: string, at: Date): Promise<void> {
    await this.accounts.update({ id }, { lastScanAt: at });
  }

  /** Accounts whose scheduled scan falls in this hour (the due check itself is `isScheduleDue`). */
  async scheduledAt(hour: number): Promise<CloudAccount[]> {
    return this.accounts.find({ where: { scheduleEnabled: true, isActive: true, scheduleHour: hour } });
  }

  /**
   * Re-encrypts every account not sealed under the current key. Old keys must still be configured
   * (ENCRYPTION_PREVIOUS_KEYS) until this has run. Returns how many rows changed and which failed to open.
   */
  async rotateKeys(
    onProgress?: (done: number, total: number) => void,
  ): Promise<{ rotated: number; failed: string[] }> {
    const current = this.cipher.currentKeyId;
    const stale = await this.accounts
      .createQueryBuilder('a')
      .addSelect('a.credentialsCiphertext')
      .where('a.credentialsKeyId <> :current', { current })
      .getMany();
    const failed: string[] = [];
    let rotated = 0;
    for (const [index, row] of stale.entries()) {
      try {
        const plaintext = this.cipher.open(
          { ciphertext: row.credentialsCiphertext, keyId: row.credentialsKeyId },
          row.id,
        );
        const sealed = this.cipher.seal(plaintext, row.id);
        // Only if nobody replaced the credentials meanwhile.
        const result = await this.accounts.update(
          { id: row.id, credentialsKeyId: row.credentialsKeyId },
          { credentialsCiphertext: sealed.ciphertext, credentialsKeyId: sealed.keyId },
        );
        rotated += result.affected ?? 0;
      } catch (error) {
        failed.push(`${row.id}: ${(error as Error).message}`);
      }
      onProgress?.(index + 1, stale.length);
    }
    return { rotated, failed };
  }

  async countByKeyId(): Promise<Array<{ key_id: string; accounts: number }>> {
    const rows = await this.accounts
      .createQueryBuilder('a')
      .select('a.credentials_key_id', 'key_id')
      .addSelect('count(*)::int', 'accounts')
      .groupBy('a.credentials_key_id')
      .getRawMany<{ key_id: string; accounts: number }>();
    return rows;
  }

  private seal<P extends CloudProvider>(provider: P, credentials: CredentialsOf[P], accountId: string) {
    const sealed = this.cipher.seal(JSON.stringify(credentials), accountId);
    return {
      credentialsCiphertext: sealed.ciphertext,
      credentialsKeyId: sealed.keyId,
      credentialsHint: credentialsHint(provider, credentials),
    };
  }

  private checkRegions(provider: CloudProvider, regions: string[]): void {
    const bad = regionProblems(provider, regions);
    if (bad.length > 0)
      throw new ScansError(ScansErrorCode.INVALID_REGIONS, `Not ${provider} regions: ${bad.join(', ')}`, [
        { field: 'regions', problems: bad.map((r) => `${r} is not a ${provider} region name`) },
      ]);
  }

  private schedule(dto: ScheduleDto | undefined): Partial<CloudAccount> {
    if (!dto) return {};
    const frequency = dto.frequency ?? 'daily';
    if (dto.enabled && frequency === 'weekly' && dto.day_of_week === undefined)
      throw new ScansError(
        ScansErrorCode.INVALID_SCHEDULE,
        'schedule.day_of_week is required for weekly scans',
      );
    if (dto.enabled && frequency === 'monthly' && dto.day_of_month === undefined)
      throw new ScansError(
        ScansErrorCode.INVALID_SCHEDULE,
        'schedule.day_of_month is required for monthly scans',
      );
    return {
      scheduleEnabled: dto.enabled,
      scheduleFrequency: frequency,
      scheduleHour: dto.hour ?? 2,
      scheduleDayOfWeek: frequency === 'weekly' ? (dto.day_of_week ?? null) : null,
      scheduleDayOfMonth: frequency === 'monthly' ? (dto.day_of_month ?? null) : null,
    };
  }

  private async save(account: CloudAccount): Promise<CloudAccount> {
    try {
      await this.accounts.save(account);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505')
        throw new ScansError(
          ScansErrorCode.ACCOUNT_NAME_TAKEN,
          `You already have an account named '${account.name}'`,
        );
      throw error;
    }
    return this.accounts.findOneByOrFail({ id: account.id });
  }
}
