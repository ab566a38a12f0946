import type { CloudProvider } from '../entities/cloud-account.entity.js';
import { AZURE_RULES } from './catalog-azure.js';
import { GCP_RULES } from './catalog-gcp.js';
import { M365_RULES } from './catalog-m365.js';

export interface RuleParameter {
  name: string;
  description: string;
  type: 'integer' | 'number';
  min: number;
  max: number;
  default: number;
}

export interface RuleDefinition {
  resourceType: string;
  provider: CloudProvider;
  title: string;
  description: string;
  parameters: RuleParameter[];
}

const minAge = (days: number, what: string): RuleParameter => ({
  name: 'min_age_days',
  description: `Only report ${what} at least this many days old`,
  type: 'integer',
  min: 0,
  max: 3650,
  default: days,
});

/** Every detection rule, its parameters and their defaults. Users override parameters per rule. */
export const RULES: RuleDefinition[] = [
  {
    resourceType: 'ebs_volume',
    provider: 'aws',
    title: 'Unattached EBS volume',
    description:
      'Volumes in the `available` state; CloudWatch read/write operations tell never used, recently abandoned and long abandoned volumes apart',
    parameters: [
      minAge(7, 'volumes'),
      {
        name: 'activity_lookback_days',
        description: 'How far back CloudWatch VolumeReadOps/VolumeWriteOps are read',
        type: 'integer',
        min: 1,
        max: 455,
        default: 90,
      },
      {
        name: 'recently_abandoned_days',
        description: 'Last I/O within this many days means recently abandoned',
        type: 'integer',
        min: 1,
        max: 455,
        default: 30,
      },
    ],
  },
  {
    resourceType: 'elastic_ip',
    provider: 'aws',
    title: 'Unassociated Elastic IP',
    description: 'Elastic IPs with no association, idle since they were first seen so',
    parameters: [minAge(3, 'addresses (idle since first seen)')],
  },
  {
    resourceType: 'ebs_snapshot',
    provider: 'aws',
    title: 'Orphaned EBS snapshot',
    description: 'Own snapshots whose source volume no longer exists and that back no AMI',
    parameters: [minAge(90, 'snapshots')],
  },
  {
    resourceType: 'ec2_instance',
    provider: 'aws',
    title: 'Long-stopped EC2 instance',
    description: 'Stopped instances still paying for their EBS volumes',
    parameters: [
      {
        name: 'min_stopped_days',
        description: 'Only report instances stopped for at least this many days',
        type: 'integer',
        min: 0,
        max: 3650,
        default: 30,
      },
    ],
  },
  {
    resourceType: 'load_balancer',
    provider: 'aws',
    title: 'Idle load balancer',
    description: 'Application or network load balancers with no listeners, or no healthy target',
    parameters: [minAge(7, 'load balancers')],
  },
  {
    resourceType: 'nat_gateway',
    provider: 'aws',
    title: 'Idle NAT gateway',
    description:
      'NAT gateways that moved almost no traffic (CloudWatch BytesOutToDestination + BytesInFromDestination)',
    parameters: [
      minAge(7, 'NAT gateways'),
      {
        name: 'max_traffic_mb',
        description: 'Report when the traffic over the lookback period is below this many MB',
        type: 'number',
        min: 0,
        max: 1_000_000,
        default: 1,
      },
      {
        name: 'lookback_days',
        description: 'Traffic window',
        type: 'integer',
        min: 1,
        max: 455,
        default: 30,
      },
    ],
  },
  {
    resourceType: 'azure_managed_disk',
    provider: 'azure',
    title: 'Unattached Azure managed disk',
    description: 'Managed disks in the `Unattached` state',
    parameters: [minAge(7, 'disks')],
  },
  {
    resourceType: 'azure_public_ip',
    provider: 'azure',
    title: 'Unassociated Azure public IP',
    description: 'Public IP addresses with no IP configuration or NAT gateway',
    parameters: [minAge(3, 'addresses (idle since first seen)')],
  },
  {
    resourceType: 'azure_snapshot',
    provider: 'azure',
    title: 'Old Azure snapshot',
    description: 'Snapshots older than the threshold, or whose source disk is gone',
    parameters: [minAge(90, 'snapshots')],
  },
  {
    resourceType: 'azure_vm',
    provider: 'azure',
    title: 'Deallocated Azure VM',
    description: 'Deallocated virtual machines still paying for their managed disks',
    parameters: [
      {
        name: 'min_stopped_days',
        description:
          'Only report VMs deallocated for at least this many days (time of the last state change)',
        type: 'integer',
        min: 0,
        max: 3650,
        default: 30,
      },
    ],
  },
  {
    resourceType: 'gcp_disk',
    provider: 'gcp',
    title: 'Unattached GCP persistent disk',
    description: 'Persistent disks with no users',
    parameters: [minAge(7, 'disks')],
  },
  {
    resourceType: 'gcp_address',
    provider: 'gcp',
    title: 'Unused GCP static address',
    description: 'Reserved external addresses in the RESERVED (not IN_USE) state',
    parameters: [minAge(3, 'addresses')],
  },
  {
    resourceType: 'gcp_snapshot',
    provider: 'gcp',
    title: 'Old GCP snapshot',
    description: 'Snapshots older than the threshold',
    parameters: [minAge(90, 'snapshots')],
  },
  {
    resourceType: 'gcp_instance',
    provider: 'gcp',
    title: 'Long-stopped GCP instance',
    description: 'TERMINATED instances still paying for their persistent disks',
    parameters: [
      {
        name: 'min_stopped_days',
        description: 'Only report instances stopped for at least this many days (lastStopTimestamp)',
        type: 'integer',
        min: 0,
        max: 3650,
        default: 30,
      },
    ],
  },
  ...AZURE_RULES,
  ...GCP_RULES,
  ...M365_RULES,
];

export const RULES_BY_TYPE = new Map(RULES.map((rule) => [rule.resourceType, rule]));

export interface RuleSettings {
  enabled: boolean;
  params: Record<string, number>;
}

/** The settings a scan runs with, by resource type. */
export type EffectiveRules = Map<string, RuleSettings>;

export function defaultSettings(rule: RuleDefinition): RuleSettings {
  return { enabled: true, params: Object.fromEntries(rule.parameters.map((p) => [p.name, p.default])) };
}

/** Problems with a user's parameters for a rule, one line per bad parameter (empty when valid). */
export function parameterProblems(rule: RuleDefinition, params: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const known = new Map(rule.parameters.map((p) => [p.name, p]));
  for (const [name, value] of Object.entries(params)) {
    const spec = known.get(name);
    if (!spec) {
      problems.push(`${name}: unknown parameter (known: ${[...known.keys()].join(', ')})`);
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${name}: must be a number`);
    else if (spec.type === 'integer' && !Number.isInteger(value))
      problems.push(`${name}: must be an integer`);
    else if (value < spec.min || value > spec.max)
      problems.push(`${name}: must be between ${spec.min} and ${spec.max}`);
  }
  return problems;
}

export function mergeSettings(
  rule: RuleDefinition,
  override: { enabled: boolean; parameters: Record<string, number> } | undefined,
): RuleSettings {
  const defaults = defaultSettings(rule);
  if (!override) return defaults;
  return { enabled: override.enabled, params: { ...defaults.params, ...override.parameters } };
}
