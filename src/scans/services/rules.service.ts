import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RuleOverride } from '../entities/rule-override.entity.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';
import {
  mergeSettings,
  parameterProblems,
  RULES,
  RULES_BY_TYPE,
  type EffectiveRules,
  type RuleDefinition,
} from '../rules/catalog.js';

export interface EffectiveRule {
  rule: RuleDefinition;
  enabled: boolean;
  params: Record<string, number>;
  overridden: boolean;
}

/** The detection rules as each user runs them: defaults merged with the user's overrides. */
@Injectable()
export class RulesService {
  constructor(@InjectRepository(RuleOverride) private readonly overrides: Repository<RuleOverride>) {}

  async effective(userId: string): Promise<EffectiveRules> {
    const rules = await this.list(userId);
    return new Map(rules.map((r) => [r.rule.resourceType, { enabled: r.enabled, params: r.params }]));
  }

  async list(userId: string): Promise<EffectiveRule[]> {
    const overrides = new Map((await this.overrides.findBy({ userId })).map((o) => [o.resourceType, o]));
    return RULES.map((rule) => this.describe(rule, overrides.get(rule.resourceType)));
  }

  async get(userId: string, resourceType: string): Promise<EffectiveRule> {
    const rule = this.rule(resourceType);
    return this.describe(rule, (await this.overrides.findOneBy({ userId, resourceType })) ?? undefined);
  }

  async put(
    userId: string,
    resourceType: string,
    change: { enabled?: boolean; parameters?: Record<string, unknown> },
  ): Promise<EffectiveRule> {
    const rule = this.rule(resourceType);
    const parameters = change.parameters ?? {};
    const problems = parameterProblems(rule, parameters);
    if (problems.length > 0)
      throw new ScansError(
        ScansErrorCode.INVALID_RULE_PARAMETERS,
        `Invalid parameters for ${resourceType}: ${problems.join('; ')}`,
        problems.map((p) => ({ field: `parameters.${p.split(':')[0]}`, problems: [p] })),
      );
    const existing = await this.overrides.findOneBy({ userId, resourceType });
    await this.overrides.save({
      userId,
      resourceType,
      enabled: change.enabled ?? existing?.enabled ?? true,
      parameters: { ...existing?.parameters, ...(parameters as Record<string, number>) },
    });
    return this.get(userId, resourceType);
  }

  async reset(userId: string, resourceType: string): Promise<EffectiveRule> {
    this.rule(resourceType);
    await this.overrides.delete({ userId, resourceType });
    return this.get(userId, resourceType);
  }

  private rule(resourceType: string): RuleDefinition {
    const rule = RULES_BY_TYPE.get(resourceType);
    if (!rule)
      throw new ScansError(
        ScansErrorCode.RULE_NOT_FOUND,
        `No detection rule for '${resourceType}' (known: ${RULES.map((r) => r.resourceType).join(', ')})`,
      );
    return rule;
  }

  private describe(rule: RuleDefinition, override: RuleOverride | undefined): EffectiveRule {
    const settings = mergeSettings(rule, override);
    return { rule, enabled: settings.enabled, params: settings.params, overridden: override !== undefined };
  }
}
