import { Injectable } from '@nestjs/common';
import {
  type EntityManager,
  type FindOptionsOrder,
  type FindOptionsWhere,
  MoreThan,
  type ObjectLiteral,
  type Repository,
} from 'typeorm';

/**
 * One part of a module's export: a value written as it is, or an async iterable whose items are written one by one
 * as they are read (big tables, read in keyset pages), so an export of any size never sits in memory.
 */
export type PersonalDataPart = unknown;

/** What a module erased, and what to do once the erasure is committed (remove files, drop queued work). */
export interface Erasure {
  /** Rows erased (or detached) per table, for the response and the log. */
  counts: Record<string, number>;
  /** Run only after the transaction committed; a failure is logged, never undoes the erasure. */
  afterCommit?: Array<() => Promise<void>>;
}

/**
 * What a module declares about the personal data it holds. Each module's core registers one at module init; the
 * Privacy module never reads another module's tables itself.
 */
export interface PersonalDataContributor {
  /** The section of the export (`species`, `jobs`, ...), unique. */
  readonly name: string;
  /** What the section holds, in one sentence (README, logs). */
  readonly description: string;
  /**
   * Erased after every other contributor: the account row the others' rows reference. `lock` is taken before any
   * contributor erases, so nothing new can reference the user while the erasure runs.
   */
  readonly account?: boolean;
  /** Named parts; an async-iterable part is streamed item by item. */
  export(userId: string): Promise<Record<string, PersonalDataPart>>;
  /** Locks what makes the user exist (the account only); throws the module's not-found error when absent. */
  lock?(userId: string, manager: EntityManager): Promise<void>;
  /** Deletes (or detaches) everything of the user inside the caller's transaction; files only in `afterCommit`. */
  erase(userId: string, manager: EntityManager): Promise<Erasure>;
}

/** Every module's declaration, in registration order (the account last when erasing). */
@Injectable()
export class PersonalDataRegistry {
  private readonly contributors = new Map<string, PersonalDataContributor>();

  register(contributor: PersonalDataContributor): void {
    if (this.contributors.has(contributor.name))
      throw new Error(`A personal-data contributor named '${contributor.name}' is already registered`);
    this.contributors.set(contributor.name, contributor);
  }

  /** The account first (export), or last (`forErasure`). */
  list({ forErasure = false } = {}): PersonalDataContributor[] {
    const all = [...this.contributors.values()];
    const accounts = all.filter((c) => c.account);
    const others = all.filter((c) => !c.account);
    return forErasure ? [...others, ...accounts] : [...accounts, ...others];
  }
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * A repository's rows matching `where`, read in pages of `pageSize` ordered by the unique `key` (keyset pagination,
 * never OFFSET) and yielded one by one mapped through `map`: for a streamed part of any size.
 */
export async function* keysetRows<T extends ObjectLiteral, K extends keyof T & string, R>(
  repository: Repository<T>,
  where: FindOptionsWhere<T>,
  key: K,
  map: (row: T) => R,
  pageSize = 1000,
): AsyncGenerator<R> {
  let after: T | undefined;
  for (;;) {
    const rows = await repository.find({
      where: { ...where, ...(after ? { [key]: MoreThan(after[key]) } : {}) } as FindOptionsWhere<T>,
      order: { [key]: 'ASC' } as FindOptionsOrder<T>,
      take: pageSize,
    });
    for (const row of rows) yield map(row);
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1];
  }
}
