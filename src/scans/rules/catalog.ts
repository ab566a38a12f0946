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

const lookback = (days: number, what: string): RuleParameter => ({
  name: 'lookback_days',
  description: `How far back CloudWatch ${what} is read`,
  type: 'integer',
  min: 1,
  max: 455,
  default: days,
});

const atMost = (name: string, value: number, description: string): RuleParameter => ({
  name,
  description,
  type: 'number',
  min: 0,
  max: 1_000_000_000,
  default: value,
});

/** Trusted Advisor's idle load balancer: under 100 requests a day for 7 days. */
const loadBalancerTraffic = (what: string): RuleParameter[] => [
  lookback(7, what),
  atMost(
    'max_requests_per_day',
    100,
    'Report when every day of the lookback had fewer requests than this (new flows for a network load balancer)',
  ),
];

/** An AWS rule judged on one CloudWatch figure over a window (see `idleResource`). */
const idleRule = (
  resourceType: string,
  title: string,
  description: string,
  window: { minAge: number; lookback: number; metric: string },
  threshold: RuleParameter,
): RuleDefinition => ({
  resourceType,
  provider: 'aws',
  title,
  description,
  parameters: [minAge(window.minAge, 'resources'), lookback(window.lookback, window.metric), threshold],
});

/** AWS rules added with the full CloudWaste catalogue; thresholds follow Trusted Advisor where it has one. */
const AWS_MORE_RULES: RuleDefinition[] = [
  {
    resourceType: 'ec2_idle_instance',
    provider: 'aws',
    title: 'Idle running EC2 instance',
    description:
      'Running instances with average CPUUtilization at or under the threshold and little NetworkIn + NetworkOut over the window (Trusted Advisor: 10 % CPU, 5 MB a day, 14 days)',
    parameters: [
      minAge(14, 'instances'),
      lookback(14, 'CPUUtilization, NetworkIn and NetworkOut'),
      atMost('max_cpu_percent', 10, 'Report at or under this average CPU %'),
      atMost('max_network_mb_per_day', 5, 'Report at or under this much network I/O a day on average (MB)'),
    ],
  },
  {
    resourceType: 'classic_load_balancer',
    provider: 'aws',
    title: 'Idle Classic Load Balancer',
    description:
      'Classic load balancers with no registered instance InService (DescribeInstanceHealth), or with fewer requests a day than the threshold over the lookback (CloudWatch AWS/ELB RequestCount; Trusted Advisor: 100 a day for 7 days)',
    parameters: [minAge(7, 'load balancers'), ...loadBalancerTraffic('RequestCount')],
  },
  {
    resourceType: 'rds_instance',
    provider: 'aws',
    title: 'Stopped RDS instance',
    description:
      'RDS instances in the stopped state: storage is billed while stopped, and AWS starts them again after 7 days',
    parameters: [
      {
        name: 'min_stopped_days',
        description: 'Only report instances first seen stopped at least this many days ago',
        type: 'integer',
        min: 0,
        max: 3650,
        default: 0,
      },
    ],
  },
  idleRule(
    'fsx_file_system',
    'Idle FSx file system',
    'FSx file systems with almost no DataReadBytes + DataWriteBytes over the window',
    { minAge: 7, lookback: 30, metric: 'DataReadBytes and DataWriteBytes' },
    atMost('max_io_mb', 1, 'Report at or under this much I/O over the window (MB)'),
  ),
  idleRule(
    'neptune_cluster',
    'Idle Neptune cluster',
    'Neptune clusters with no DatabaseConnections over the window',
    { minAge: 7, lookback: 7, metric: 'DatabaseConnections' },
    atMost('max_connections', 0, 'Report at or under this many connections (sum of the per-minute counts)'),
  ),
  idleRule(
    'docdb_cluster',
    'Idle DocumentDB cluster',
    'DocumentDB clusters with no DatabaseConnections over the window',
    { minAge: 7, lookback: 7, metric: 'DatabaseConnections' },
    atMost('max_connections', 0, 'Report at or under this many connections (sum of the per-minute counts)'),
  ),
  idleRule(
    'msk_cluster',
    'Idle MSK cluster',
    'MSK (Kafka) clusters that took in almost no bytes (BytesInPerSec) over the window',
    { minAge: 7, lookback: 7, metric: 'BytesInPerSec' },
    atMost('max_bytes_in_mb', 1, 'Report at or under this many MB in over the window'),
  ),
  {
    resourceType: 'eks_cluster',
    provider: 'aws',
    title: 'EKS cluster without nodes',
    description:
      'Active EKS clusters with no managed node group and no Fargate profile (the control plane still bills)',
    parameters: [minAge(7, 'clusters')],
  },
  idleRule(
    'sagemaker_endpoint',
    'Idle SageMaker endpoint',
    'In-service SageMaker endpoints with no Invocations over the window',
    { minAge: 7, lookback: 7, metric: 'Invocations' },
    atMost('max_invocations', 0, 'Report at or under this many invocations'),
  ),
  idleRule(
    'redshift_cluster',
    'Idle Redshift cluster',
    'Available Redshift clusters with no DatabaseConnections over the window (Trusted Advisor: 7 days)',
    { minAge: 7, lookback: 7, metric: 'DatabaseConnections' },
    atMost('max_connections', 0, 'Report at or under this many connections'),
  ),
  idleRule(
    'elasticache_cluster',
    'Idle ElastiCache cluster',
    'Available ElastiCache clusters with no CurrConnections over the window',
    { minAge: 7, lookback: 7, metric: 'CurrConnections' },
    atMost('max_connections', 0, 'Report at or under this many connections'),
  ),
  {
    resourceType: 'vpn_connection',
    provider: 'aws',
    title: 'VPN connection down',
    description: 'Site-to-site VPN connections whose tunnels are all DOWN (VgwTelemetry)',
    parameters: [
      {
        name: 'min_down_days',
        description: 'Only report connections down for at least this many days (last tunnel status change)',
        type: 'integer',
        min: 0,
        max: 3650,
        default: 7,
      },
    ],
  },
  idleRule(
    'transit_gateway_attachment',
    'Idle Transit Gateway attachment',
    'Transit gateway attachments that moved almost no BytesIn + BytesOut over the window',
    { minAge: 7, lookback: 30, metric: 'BytesIn and BytesOut' },
    atMost('max_traffic_mb', 1, 'Report at or under this many MB over the window'),
  ),
  idleRule(
    'opensearch_domain',
    'Idle OpenSearch domain',
    'OpenSearch domains with no SearchRate and no IndexingRate over the window',
    { minAge: 7, lookback: 7, metric: 'SearchRate and IndexingRate' },
    atMost('max_requests', 0, 'Report at or under this many search + indexing requests'),
  ),
  idleRule(
    'global_accelerator',
    'Global Accelerator without traffic',
    'Accelerators (listed from us-west-2, their home region) with almost no ProcessedBytesIn + ProcessedBytesOut',
    { minAge: 7, lookback: 30, metric: 'ProcessedBytesIn and ProcessedBytesOut' },
    atMost('max_traffic_mb', 1, 'Report at or under this many MB over the window'),
  ),
  idleRule(
    'kinesis_stream',
    'Idle Kinesis stream',
    'Active Kinesis data streams with no IncomingRecords over the window',
    { minAge: 7, lookback: 7, metric: 'IncomingRecords' },
    atMost('max_records', 0, 'Report at or under this many incoming records'),
  ),
  idleRule(
    'vpc_interface_endpoint',
    'Unused VPC interface endpoint',
    'Interface endpoints (PrivateLink) that processed almost no bytes over the window',
    { minAge: 7, lookback: 30, metric: 'BytesProcessed' },
    atMost('max_traffic_mb', 1, 'Report at or under this many MB over the window'),
  ),
  {
    resourceType: 's3_bucket',
    provider: 'aws',
    title: 'Empty S3 bucket',
    description: 'Buckets of the region holding no object (ListObjectsV2)',
    parameters: [minAge(30, 'buckets')],
  },
  idleRule(
    'lambda_function',
    'Never-invoked Lambda function',
    'Functions with no Invocations over the window',
    { minAge: 30, lookback: 90, metric: 'Invocations' },
    atMost('max_invocations', 0, 'Report at or under this many invocations'),
  ),
  idleRule(
    'dynamodb_table',
    'Idle provisioned DynamoDB table',
    'Tables in provisioned mode whose ConsumedReadCapacityUnits + ConsumedWriteCapacityUnits stayed at the threshold or under',
    { minAge: 7, lookback: 30, metric: 'ConsumedRead/WriteCapacityUnits' },
    atMost('max_consumed_units', 0, 'Report at or under this many consumed capacity units'),
  ),
  idleRule(
    'ecs_service',
    'Idle ECS service',
    'ECS services with running tasks whose average CPUUtilization stayed at the threshold or under',
    { minAge: 7, lookback: 7, metric: 'CPUUtilization' },
    atMost('max_cpu_percent', 1, 'Report at or under this average CPU %'),
  ),
];

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
    description:
      'Application or network load balancers with no listeners, no healthy target, or fewer requests (ALB: AWS/ApplicationELB RequestCount) or new flows (NLB: AWS/NetworkELB NewFlowCount) a day than the threshold over the lookback (Trusted Advisor: 100 a day for 7 days)',
    parameters: [minAge(7, 'load balancers'), ...loadBalancerTraffic('RequestCount / NewFlowCount')],
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
  ...AWS_MORE_RULES,
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
