import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type SelectQueryBuilder } from 'typeorm';
import { page, type Page, type PageQueryDto } from '../../common/pagination/pagination.js';
import { OrphanResource, type ResourceStatus } from '../entities/orphan-resource.entity.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';

export interface ResourceFilter {
  account_id?: string;
  scan_id?: string;
  status?: ResourceStatus;
  resource_type?: string;
  region?: string;
  min_cost?: number;
}

/** Statuses whose cost still counts as waste (ignored resources are accepted, deleted ones gone). */
const WASTE_STATUSES: ResourceStatus[] = ['active', 'marked_for_deletion'];

/** Orphaned resources and their review by the owner. */
@Injectable()
export class ResourcesService {
  constructor(@InjectRepository(OrphanResource) private readonly resources: Repository<OrphanResource>) {}

  async list(ownerId: string, query: PageQueryDto & ResourceFilter): Promise<Page<OrphanResource>> {
    const [items, total] = await this.filtered(ownerId, query)
      .orderBy('r.monthly_cost', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .take(query.limit)
      .skip(query.offset)
      .getManyAndCount();
    return page(items, total, query);
  }

  async topCost(ownerId: string, limit: number, filter: ResourceFilter = {}): Promise<OrphanResource[]> {
    return this.filtered(ownerId, filter)
      .andWhere('r.status IN (:...waste)', { waste: WASTE_STATUSES })
      .orderBy('r.monthly_cost', 'DESC')
      .addOrderBy('r.id', 'ASC')
      .take(limit)
      .getMany();
  }

  async stats(ownerId: string, filter: ResourceFilter = {}) {
    const group = async (column: string) =>
      (
        await this.filtered(ownerId, filter)
          .select(`r.${column}`, 'key')
          .addSelect('count(*)::int', 'count')
          .addSelect('coalesce(sum(r.monthly_cost), 0)', 'monthly_cost')
          .groupBy(`r.${column}`)
          .orderBy('monthly_cost', 'DESC')
          .getRawMany<{ key: string; count: number; monthly_cost: string }>()
      ).map((row) => ({ [column]: row.key, count: row.count, monthly_cost: Number(row.monthly_cost) }));
    const [byType, byRegion, byStatus] = await Promise.all([
      group('resource_type'),
      group('region'),
      group('status'),
    ]);
    const waste = byStatus
      .filter((s) => WASTE_STATUSES.includes(s.status as ResourceStatus))
      .reduce((sum, s) => sum + s.monthly_cost, 0);
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      total_resources: byStatus.reduce((n, s) => n + s.count, 0),
      monthly_waste: round(waste),
      annual_waste: round(waste * 12),
      by_type: byType,
      by_region: byRegion,
      by_status: byStatus,
    };
  }

  async get(ownerId: string, id: string): Promise<OrphanResource> {
    const resource = await this.resources.findOneBy({ id, ownerId });
    if (!resource) throw new ScansError(ScansErrorCode.RESOURCE_NOT_FOUND, `Resource ${id} not found`);
    return resource;
  }

  async update(
    ownerId: string,
    id: string,
    change: { status?: ResourceStatus; notes?: string | null },
  ): Promise<OrphanResource> {
    const resource = await this.get(ownerId, id);
    if (change.status !== undefined) resource.status = change.status;
    if (change.notes !== undefined) resource.notes = change.notes;
    return this.resources.save(resource);
  }

  /**
   * The resources of a filter: a given scan, or else the latest completed scan of each of the owner's accounts.
   * Owner isolation is the first condition of every query.
   */
  private filtered(ownerId: string, filter: ResourceFilter): SelectQueryBuilder<OrphanResource> {
    const qb = this.resources.createQueryBuilder('r').where('r.owner_id = :ownerId', { ownerId });
    if (filter.scan_id) qb.andWhere('r.scan_id = :scanId', { scanId: filter.scan_id });
    else
      qb.andWhere(
        `r.scan_id IN (SELECT DISTINCT ON (s.account_id) s.id FROM scans s
          WHERE s.owner_id = :ownerId AND s.status = 'completed' ORDER BY s.account_id, s.completed_at DESC)`,
      );
    if (filter.account_id) qb.andWhere('r.account_id = :accountId', { accountId: filter.account_id });
    if (filter.status) qb.andWhere('r.status = :status', { status: filter.status });
    if (filter.resource_type) qb.andWhere('r.resource_type = :type', { type: filter.resource_type });
    if (filter.region) qb.andWhere('r.region = :region', { region: filter.region });
    if (filter.min_cost !== undefined)
      qb.andWhere('r.monthly_cost >= :minCost', { minCost: filter.min_cost });
    return qb;
  }
}
