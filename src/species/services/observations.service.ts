import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type EntityManager, In, Repository } from 'typeorm';
import { AuthUser, hasRole, Role } from '../../auth/index.js';
import { FieldProblem } from '../../common/errors/domain-error.js';
import { validationError } from '../../common/errors/validation.js';
import { PageQueryDto } from '../../common/pagination/pagination.js';
import { CreateObservationDto, UpdateObservationDto } from '../dto/observation.dto.js';
import { Observation, ValidationStatus } from '../entities/observation.entity.js';
import { Bbox } from '../search/geo-params.js';
import { speciesConfig, type SpeciesConfig } from '../species.config.js';
import { invalidParameter, SpeciesError, SpeciesErrorCode } from '../species.errors.js';
import { extensionOf, MAX_IMAGE_BYTES, sniffImageType } from '../observations/observation-image.js';
import { isDepthRangeInverted } from '../rules/observation-limits.js';
import {
  createObservationsFromRows,
  type CreateFromRowsResult,
  type ObservationRowsQuery,
} from './observation-rows.js';
import type { ClientBase } from 'pg';

/**
 * What `createMany` reports: the ids created, in input order, the inputs refused with their problems, and (with
 * source refs) the inputs already created earlier under the same ref, with the id of that observation.
 */
export interface CreateManyResult {
  ids: string[];
  rejected: Array<{ index: number; problems: FieldProblem[] }>;
  existing: Array<{ index: number; id: string }>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INSERT_CHUNK = 500;

/**
 * Users' own sightings. Exported by SpeciesModule: other modules (the Jobs bulk loader) call `createMany` with the
 * same validation as `POST /observations`.
 */
@Injectable()
export class ObservationsService {
  constructor(
    @InjectRepository(Observation) private readonly observations: Repository<Observation>,
    @Inject(speciesConfig.KEY) private readonly config: SpeciesConfig,
  ) {}

  async create(ownerId: string, input: CreateObservationDto): Promise<Observation> {
    checkDepths(input.depthMin, input.depthMax);
    const saved = await this.observations.save(this.observations.create({ ownerId, ...columns(input) }));
    return this.load(saved.id);
  }

  /**
   * Validates every input exactly as `POST /api/v1/observations` does (unknown fields refused) and inserts the valid
   * ones in multi-row statements. Invalid inputs are reported by index, never inserted.
   *
   * `sourceRefs` (one per input, unique) make a repeated call harmless: an input whose ref is already stored is
   * not created again but reported in `existing` (a bulk loader that crashed between this call and recording its
   * progress simply calls again). The caller serialises calls that share refs.
   */
  async createMany(ownerId: string, inputs: unknown[], sourceRefs?: string[]): Promise<CreateManyResult> {
    if (sourceRefs && sourceRefs.length !== inputs.length)
      throw new Error('createMany: sourceRefs must hold one ref per input');
    const stored = new Map<string, string>();
    if (sourceRefs?.length) {
      const found = await this.observations.find({
        select: { id: true, sourceRef: true },
        where: { sourceRef: In(sourceRefs) },
      });
      for (const o of found) if (o.sourceRef) stored.set(o.sourceRef, o.id);
    }
    const valid: Array<{ index: number; dto: CreateObservationDto }> = [];
    const rejected: CreateManyResult['rejected'] = [];
    const existing: CreateManyResult['existing'] = [];
    for (const [index, input] of inputs.entries()) {
      const earlier = sourceRefs && stored.get(sourceRefs[index]);
      if (earlier) {
        existing.push({ index, id: earlier });
        continue;
      }
      const problems = await this.validateInput(input);
      if (problems.length > 0) rejected.push({ index, problems });
      else valid.push({ index, dto: plainToInstance(CreateObservationDto, input) });
    }
    const ids: string[] = [];
    for (let i = 0; i < valid.length; i += INSERT_CHUNK) {
      const chunk = valid.slice(i, i + INSERT_CHUNK).map(({ index, dto }) => ({
        ...this.observations.create({ ownerId, ...columns(dto) }),
        id: randomUUID(),
        sourceRef: sourceRefs?.[index] ?? null,
      }));
      await this.observations.insert(chunk);
      ids.push(...chunk.map((o) => o.id));
    }
    return { ids, rejected, existing };
  }

  /**
   * `createMany` for rows already in PostgreSQL (a bulk loader's staging): one INSERT ... SELECT over `source`,
   * on the caller's `client` (so it joins the caller's transaction), with the rules of `POST /observations`
   * checked in SQL; rows breaking one are reported by `source_ref`, never inserted. Repeating it is harmless:
   * refs stored already are counted in `existing`.
   */
  createFromRows(
    client: ClientBase,
    ownerId: string,
    source: ObservationRowsQuery,
  ): Promise<CreateFromRowsResult> {
    return createObservationsFromRows(client, ownerId, source);
  }

  /** The problems of one input (empty when valid), as the HTTP API would report them. */
  async validateInput(input: unknown): Promise<FieldProblem[]> {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return [{ field: '', problems: ['an observation must be an object'] }];
    const dto = plainToInstance(CreateObservationDto, input);
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    const problems = errors.length > 0 ? ((validationError(errors).details as FieldProblem[]) ?? []) : [];
    if (
      problems.length === 0 &&
      dto.depthMin !== undefined &&
      dto.depthMax !== undefined &&
      dto.depthMin > dto.depthMax
    )
      problems.push({ field: 'depthMin', problems: ['depthMin must not be greater than depthMax'] });
    return problems;
  }

  async list(
    ownerId: string,
    query: PageQueryDto,
    bbox?: Bbox,
  ): Promise<{ items: Observation[]; total: number }> {
    const qb = this.observations
      .createQueryBuilder('o')
      .where('o.owner_id = :ownerId', { ownerId })
      .orderBy('o.observation_datetime', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .take(query.limit)
      .skip(query.offset);
    if (bbox)
      qb.andWhere('o.location::geometry && ST_MakeEnvelope(:minLon, :minLat, :maxLon, :maxLat, 4326)', {
        ...bbox,
      });
    const [items, total] = await qb.getManyAndCount();
    return { items, total };
  }

  /** The observation if the caller may see it: its owner, a researcher or an admin. Anyone else gets a 404. */
  async get(id: string, caller: AuthUser): Promise<Observation> {
    const observation = UUID.test(id) ? await this.observations.findOne({ where: { id } }) : null;
    if (!observation || (observation.ownerId !== caller.id && !hasRole(caller, Role.RESEARCHER, Role.ADMIN)))
      throw new SpeciesError(SpeciesErrorCode.OBSERVATION_NOT_FOUND, `Observation ${id} not found`);
    return observation;
  }

  /** PUT: every field replaced (absent optional ones cleared). */
  async replace(id: string, caller: AuthUser, input: CreateObservationDto): Promise<Observation> {
    await this.get(id, caller);
    checkDepths(input.depthMin, input.depthMax);
    await this.observations.update(id, {
      commonName: null,
      depthMin: null,
      depthMax: null,
      bathymetry: null,
      temperature: null,
      visibility: null,
      notes: null,
      sex: null,
      ...columns(input),
    });
    return this.load(id);
  }

  /** PATCH: only the given fields. */
  async patch(id: string, caller: AuthUser, input: UpdateObservationDto): Promise<Observation> {
    const current = await this.get(id, caller);
    checkDepths(
      input.depthMin ?? current.depthMin ?? undefined,
      input.depthMax ?? current.depthMax ?? undefined,
    );
    const changes = columns(input);
    if (Object.keys(changes).length > 0) await this.observations.update(id, changes);
    return this.load(id);
  }

  async remove(id: string, caller: AuthUser): Promise<void> {
    const observation = await this.get(id, caller);
    await this.observations.delete(id);
    if (observation.imagePath) await rm(this.imageFile(observation.imagePath), { force: true });
  }

  async setValidation(id: string, caller: AuthUser, status: ValidationStatus): Promise<Observation> {
    await this.get(id, caller);
    await this.observations.update(id, { validated: status });
    return this.load(id);
  }

  /** Stores a JPEG or PNG (checked by its first bytes, not its name) of at most 2 MB, replacing any previous one. */
  async attachImage(id: string, caller: AuthUser, bytes: Buffer): Promise<Observation> {
    const observation = await this.get(id, caller);
    if (bytes.length > MAX_IMAGE_BYTES)
      throw new SpeciesError(SpeciesErrorCode.IMAGE_TOO_LARGE, 'image must be at most 2 MB');
    const type = sniffImageType(bytes);
    if (!type)
      throw new SpeciesError(SpeciesErrorCode.IMAGE_TYPE_UNSUPPORTED, 'image must be a JPEG or PNG file');
    await mkdir(this.uploadDir(), { recursive: true });
    const name = `${id}-${randomUUID()}.${extensionOf(type)}`;
    await writeFile(this.imageFile(name), bytes);
    await this.observations.update(id, { imagePath: name, imageType: type });
    if (observation.imagePath) await rm(this.imageFile(observation.imagePath), { force: true });
    return this.load(id);
  }

  async image(id: string, caller: AuthUser): Promise<{ stream: ReadStream; type: string }> {
    const observation = await this.get(id, caller);
    const file = observation.imagePath ? this.imageFile(observation.imagePath) : undefined;
    if (!file || !observation.imageType || !(await stat(file).catch(() => undefined)))
      throw new SpeciesError(SpeciesErrorCode.IMAGE_NOT_FOUND, `Observation ${id} has no image`);
    return { stream: createReadStream(file), type: observation.imageType };
  }

  /** The owner's observations in pages (keyset), for streaming exports of any size. */
  async *exportAll(ownerId: string, chunk = 1000): AsyncGenerator<Observation[]> {
    let after: { at: Date; id: string } | undefined;
    for (;;) {
      const qb = this.observations
        .createQueryBuilder('o')
        .where('o.owner_id = :ownerId', { ownerId })
        .orderBy('o.observation_datetime', 'ASC')
        .addOrderBy('o.id', 'ASC')
        .take(chunk);
      if (after) qb.andWhere('(o.observation_datetime, o.id) > (:at, :id)', after);
      const rows = await qb.getMany();
      if (rows.length === 0) return;
      yield rows;
      const last = rows[rows.length - 1];
      after = { at: last.observationDatetime, id: last.id };
      if (rows.length < chunk) return;
    }
  }

  /**
   * Deletes every sighting of the owner inside the caller's transaction and returns the image files, for the caller
   * to remove once it committed (a rollback must find them still there).
   */
  async eraseAllOf(
    ownerId: string,
    manager: EntityManager,
  ): Promise<{ count: number; imageFiles: string[] }> {
    const deleted = await manager.query<[Array<{ image_path: string | null }>, number]>(
      `DELETE FROM observations WHERE owner_id = $1 RETURNING image_path`,
      [ownerId],
    );
    const [rows, count] = deleted;
    const imageFiles = rows.flatMap((r) => (r.image_path ? [this.imageFile(r.image_path)] : []));
    return { count, imageFiles };
  }

  countByOwner(ownerId: string): Promise<number> {
    return this.observations.count({ where: { ownerId } });
  }

  private load(id: string): Promise<Observation> {
    return this.observations.findOneOrFail({ where: { id } });
  }

  private uploadDir(): string {
    return resolve(this.config.uploadDir);
  }

  private imageFile(name: string): string {
    return join(this.uploadDir(), name);
  }
}

function checkDepths(min: number | undefined, max: number | undefined): void {
  if (isDepthRangeInverted(min, max)) throw invalidParameter('depthMin', 'must not be greater than depthMax');
}

/** DTO (camelCase API body) -> entity columns; only the fields present. */
function columns(input: UpdateObservationDto): Partial<Observation> {
  const out: Partial<Observation> = {};
  if (input.speciesName !== undefined) out.speciesName = input.speciesName.trim();
  if (input.commonName !== undefined) out.commonName = input.commonName.trim() || null;
  if (input.locationName !== undefined) out.locationName = input.locationName.trim();
  if (input.observationDatetime !== undefined) out.observationDatetime = new Date(input.observationDatetime);
  if (input.location !== undefined)
    out.location = {
      type: 'Point',
      coordinates: [input.location.coordinates[0], input.location.coordinates[1]],
    };
  for (const key of ['depthMin', 'depthMax', 'bathymetry', 'temperature', 'visibility'] as const)
    if (input[key] !== undefined) out[key] = input[key];
  if (input.notes !== undefined) out.notes = input.notes;
  if (input.sex !== undefined) out.sex = input.sex;
  return out;
}
