import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserDirectory, UserSummaryDto } from '../../auth/index.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';
import { ScansPersonalData } from './scans-personal-data.js';

export const DELETE_CONFIRMATION = 'DELETE MY DATA';

/**
 * The Scans-only GDPR routes, kept for existing clients: the same section the Privacy module exports and erases
 * (`ScansPersonalData`), as one JSON document, and erased in one transaction. The account stays; erasing everything
 * is `DELETE /api/v1/me`.
 */
@Injectable()
export class GdprService {
  constructor(
    private readonly personalData: ScansPersonalData,
    private readonly users: UserDirectory,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async export(userId: string) {
    const user = await this.users.getById(userId);
    const parts = await this.personalData.export(userId);
    return {
      exported_at: new Date().toISOString(),
      user: UserSummaryDto.from(user),
      ...parts,
      resources: await collect(parts.resources),
      conversations: await collect(parts.conversations),
    };
  }

  async delete(userId: string, confirmation: string) {
    if (confirmation !== DELETE_CONFIRMATION)
      throw new ScansError(
        ScansErrorCode.CONFIRMATION_REQUIRED,
        `Send {"confirm": "${DELETE_CONFIRMATION}"} to erase your data`,
      );
    const { counts } = await this.dataSource.transaction((manager) =>
      this.personalData.erase(userId, manager),
    );
    return { deleted: counts };
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
