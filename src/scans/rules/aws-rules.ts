import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type {
  Address,
  Instance,
  NatGateway,
  Snapshot,
  Tag,
  TransitGatewayAttachment,
  Volume,
  VpcEndpoint,
  VpnConnection,
} from '@aws-sdk/client-ec2';
import type { Service } from '@aws-sdk/client-ecs';
import type { CacheCluster } from '@aws-sdk/client-elasticache';
import type { FileSystem } from '@aws-sdk/client-fsx';
import type { Accelerator } from '@aws-sdk/client-global-accelerator';
import type { ClusterInfo } from '@aws-sdk/client-kafka';
import type { StreamSummary } from '@aws-sdk/client-kinesis';
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { DomainStatus } from '@aws-sdk/client-opensearch';
import type { Cluster as RedshiftCluster } from '@aws-sdk/client-redshift';
import type { EndpointSummary } from '@aws-sdk/client-sagemaker';
import type { LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CostLine } from '../entities/orphan-resource.entity.js';
import type { PriceBook } from '../pricing/price-book.js';
import { daysSince } from './confidence.js';
import { costLine, finding, type Finding, type RuleContext } from './finding.js';

export const nameTag = (tags: Tag[] | undefined) => tags?.find((t) => t.Key === 'Name')?.Value ?? null;

const GP3_FREE_IOPS = 3000;
const GP3_FREE_THROUGHPUT = 125;

/** Monthly cost of an EBS volume: storage, plus provisioned IOPS and throughput where the type charges for them. */
export function ebsVolumeCost(volume: Volume, region: string, prices: PriceBook): CostLine[] {
  const type = volume.VolumeType ?? 'standard';
  const size = volume.Size ?? 0;
  const lines = [costLine(prices, region, `aws.ebs.${type}.gb_month`, size, `${type} storage (GB)`)];
  if (type === 'gp3') {
    const iops = Math.max(0, (volume.Iops ?? GP3_FREE_IOPS) - GP3_FREE_IOPS);
    const throughput = Math.max(0, (volume.Throughput ?? GP3_FREE_THROUGHPUT) - GP3_FREE_THROUGHPUT);
    if (iops > 0) lines.push(costLine(prices, region, 'aws.ebs.gp3.iops_month', iops, 'gp3 IOPS above 3000'));
    if (throughput > 0)
      lines.push(
        costLine(prices, region, 'aws.ebs.gp3.throughput_month', throughput, 'gp3 throughput above 125 MB/s'),
      );
  }
  if (type === 'io1' || type === 'io2')
    lines.push(
      costLine(prices, region, `aws.ebs.${type}.iops_month`, volume.Iops ?? 0, `${type} provisioned IOPS`),
    );
  return lines;
}

export type VolumeActivity = 'never_used' | 'recently_abandoned' | 'long_abandoned';

/**
 * What CloudWatch says about an unattached volume: the most recent day with read or write operations (null when
 * none in the lookback window).
 */
export function classifyActivity(
  lastActivity: Date | null,
  ageDays: number,
  ctx: RuleContext,
): { activity: VolumeActivity; idleDays: number } {
  const lookback = ctx.settings.params.activity_lookback_days;
  if (lastActivity === null) {
    // Silent for the whole window: never used if the volume is younger than the window, else long abandoned.
    return { activity: ageDays <= lookback ? 'never_used' : 'long_abandoned', idleDays: ageDays };
  }
  const idleDays = daysSince(lastActivity, ctx.now) ?? 0;
  return {
    activity:
      idleDays <= ctx.settings.params.recently_abandoned_days ? 'recently_abandoned' : 'long_abandoned',
    idleDays,
  };
}

/** Unattached volumes old enough to judge; CloudWatch is only asked about these. */
export function isVolumeCandidate(volume: Volume, ctx: RuleContext): boolean {
  const age = daysSince(volume.CreateTime, ctx.now);
  return volume.State === 'available' && age !== null && age >= ctx.settings.params.min_age_days;
}

export function unattachedVolume(
  volume: Volume,
  lastActivity: Date | null,
  ctx: RuleContext,
): Finding | null {
  if (!isVolumeCandidate(volume, ctx)) return null;
  const ageDays = daysSince(volume.CreateTime, ctx.now) as number;
  const { activity, idleDays } = classifyActivity(lastActivity, ageDays, ctx);
  const reasons: Record<VolumeActivity, string> = {
    never_used: `Unattached for its whole life (${ageDays} days), no I/O recorded`,
    recently_abandoned: `Unattached; last I/O ${idleDays} days ago`,
    long_abandoned: `Unattached; no I/O for ${idleDays} days`,
  };
  return finding({
    resourceType: 'ebs_volume',
    resourceId: volume.VolumeId as string,
    name: nameTag(volume.Tags),
    region: ctx.region,
    ageDays,
    idleDays,
    reason: reasons[activity],
    costs: ebsVolumeCost(volume, ctx.region, ctx.prices),
    details: {
      activity,
      last_activity_at: lastActivity?.toISOString() ?? null,
      volume_type: volume.VolumeType,
      size_gb: volume.Size,
      availability_zone: volume.AvailabilityZone,
      created_at: volume.CreateTime?.toISOString(),
    },
  });
}

/** `firstSeenIdle`: when this address was first seen unassociated (EC2 reports no allocation time). */
export function unassociatedAddress(address: Address, firstSeenIdle: Date, ctx: RuleContext): Finding | null {
  if (address.AssociationId || address.InstanceId || address.NetworkInterfaceId) return null;
  const ageDays = daysSince(firstSeenIdle, ctx.now) as number;
  if (ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'elastic_ip',
    resourceId: (address.AllocationId ?? address.PublicIp) as string,
    name: nameTag(address.Tags) ?? address.PublicIp ?? null,
    region: ctx.region,
    ageDays,
    reason: `Not associated with any instance or network interface for at least ${ageDays} days`,
    costs: [costLine(ctx.prices, ctx.region, 'aws.eip.month', 1, 'Elastic IP')],
    details: {
      public_ip: address.PublicIp,
      domain: address.Domain,
      first_seen_idle_at: firstSeenIdle.toISOString(),
    },
  });
}

export function orphanedSnapshot(
  snapshot: Snapshot,
  existingVolumeIds: Set<string>,
  amiSnapshotIds: Set<string>,
  ctx: RuleContext,
): Finding | null {
  const id = snapshot.SnapshotId as string;
  if (snapshot.State !== 'completed' || amiSnapshotIds.has(id)) return null;
  if (snapshot.VolumeId && existingVolumeIds.has(snapshot.VolumeId)) return null;
  const ageDays = daysSince(snapshot.StartTime, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'ebs_snapshot',
    resourceId: id,
    name: nameTag(snapshot.Tags) ?? snapshot.Description ?? null,
    region: ctx.region,
    ageDays,
    reason: `Source volume ${snapshot.VolumeId ?? '(unknown)'} no longer exists; ${ageDays} days old; backs no AMI`,
    // Snapshots are incremental: the full volume size is an upper bound of what is billed.
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        'aws.ebs.snapshot.gb_month',
        snapshot.VolumeSize ?? 0,
        'snapshot (GB, upper bound)',
      ),
    ],
    details: {
      source_volume_id: snapshot.VolumeId,
      size_gb: snapshot.VolumeSize,
      started_at: snapshot.StartTime?.toISOString(),
    },
  });
}

/** `User initiated (2024-01-31 10:12:45 GMT)`: when a stopped instance was stopped. */
export function stoppedSince(instance: Instance): Date | null {
  const match = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) GMT\)/.exec(instance.StateTransitionReason ?? '');
  return match ? new Date(`${match[1]}T${match[2]}Z`) : null;
}

export function stoppedInstance(
  instance: Instance,
  volumesById: Map<string, Volume>,
  ctx: RuleContext,
): Finding | null {
  if (instance.State?.Name !== 'stopped') return null;
  const since = stoppedSince(instance);
  const stoppedDays = daysSince(since, ctx.now);
  if (stoppedDays === null || stoppedDays < ctx.settings.params.min_stopped_days) return null;
  const volumeIds = (instance.BlockDeviceMappings ?? []).flatMap((m) =>
    m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : [],
  );
  const costs = volumeIds.flatMap((id) => {
    const volume = volumesById.get(id);
    return volume
      ? ebsVolumeCost(volume, ctx.region, ctx.prices).map((line) => ({
          ...line,
          item: `${id}: ${line.item}`,
        }))
      : [];
  });
  return finding({
    resourceType: 'ec2_instance',
    resourceId: instance.InstanceId as string,
    name: nameTag(instance.Tags),
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Stopped for ${stoppedDays} days; its ${volumeIds.length} EBS volume(s) are still billed`,
    costs,
    details: {
      instance_type: instance.InstanceType,
      stopped_at: since?.toISOString(),
      volume_ids: volumeIds,
    },
  });
}

export interface LoadBalancerUsage {
  listeners: number;
  targetGroups: number;
  healthyTargets: number;
}

/**
 * A load balancer's traffic per day over the lookback, from CloudWatch: ALB `RequestCount` (AWS/ApplicationELB),
 * NLB `NewFlowCount` (AWS/NetworkELB), Classic `RequestCount` (AWS/ELB). A day without a datapoint had none (the
 * balancers publish these only when there is traffic).
 */
export interface LoadBalancerTraffic {
  namespace: string;
  metric: string;
  /** The CloudWatch dimension the figures were read with, so the reason can be checked in the console. */
  dimension: { name: string; value: string };
  days: number;
  /** The busiest day's count. */
  busiestDay: number;
  total: number;
  /** Days of the lookback with a datapoint. */
  daysWithData: number;
}

/** The CloudWatch metric that says whether a load balancer is used, and its dimension. */
export function loadBalancerMetric(lb: {
  Type?: string;
  LoadBalancerArn?: string;
  LoadBalancerName?: string;
}): Pick<LoadBalancerTraffic, 'namespace' | 'metric' | 'dimension'> {
  if (lb.Type === undefined)
    return {
      namespace: 'AWS/ELB',
      metric: 'RequestCount',
      dimension: { name: 'LoadBalancerName', value: lb.LoadBalancerName as string },
    };
  // ALB/NLB metrics are keyed by the ARN's suffix, `app/<name>/<id>` or `net/<name>/<id>`.
  const value = (lb.LoadBalancerArn ?? '').split(':loadbalancer/')[1] ?? '';
  return lb.Type === 'network'
    ? { namespace: 'AWS/NetworkELB', metric: 'NewFlowCount', dimension: { name: 'LoadBalancer', value } }
    : { namespace: 'AWS/ApplicationELB', metric: 'RequestCount', dimension: { name: 'LoadBalancer', value } };
}

/** Daily sums of a load balancer's metric turned into what the idle rule judges. */
export function dailyTraffic(
  metric: Pick<LoadBalancerTraffic, 'namespace' | 'metric' | 'dimension'>,
  daily: number[],
  days: number,
): LoadBalancerTraffic {
  return {
    ...metric,
    days,
    busiestDay: daily.reduce((max, v) => Math.max(max, v), 0),
    total: daily.reduce((sum, v) => sum + v, 0),
    daysWithData: daily.length,
  };
}

/**
 * Trusted Advisor's idle load balancer: fewer than `max_requests_per_day` requests (new flows for an NLB) on every
 * day of the last `lookback_days`. Null when it was busier, or when there is no traffic figure to judge on.
 */
function quietTraffic(
  traffic: LoadBalancerTraffic | null | undefined,
  ageDays: number,
  ctx: RuleContext,
): { reason: string; idleDays: number } | null {
  const threshold = ctx.settings.params.max_requests_per_day;
  if (!traffic || threshold === undefined || traffic.busiestDay >= threshold) return null;
  const what = traffic.metric === 'NewFlowCount' ? 'new flows' : 'requests';
  return {
    reason:
      `Fewer than ${threshold} ${what} a day for ${traffic.days} days: busiest day ${traffic.busiestDay}, ` +
      `${traffic.total} in all (CloudWatch ${traffic.namespace} ${traffic.metric}, ` +
      `${traffic.dimension.name}=${traffic.dimension.value}, daily Sum)`,
    // Judged idle over the lookback, or over its whole life when younger.
    idleDays: Math.min(ageDays, traffic.days),
  };
}

export function idleLoadBalancer(
  lb: LoadBalancer,
  usage: LoadBalancerUsage,
  ctx: RuleContext,
  traffic?: LoadBalancerTraffic | null,
): Finding | null {
  if (lb.Type !== 'application' && lb.Type !== 'network') return null;
  if (lb.State?.Code !== 'active') return null;
  const ageDays = daysSince(lb.CreatedTime, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  let reason: string;
  let idleDays: number | undefined;
  const quiet = quietTraffic(traffic, ageDays, ctx);
  if (usage.listeners === 0) reason = 'No listeners';
  else if (usage.healthyTargets === 0)
    reason = usage.targetGroups === 0 ? 'No target groups' : 'No healthy targets in any target group';
  else if (quiet) ({ reason, idleDays } = quiet);
  else return null;
  const key = lb.Type === 'application' ? 'aws.alb.month' : 'aws.nlb.month';
  return finding({
    resourceType: 'load_balancer',
    resourceId: lb.LoadBalancerArn as string,
    name: lb.LoadBalancerName ?? null,
    region: ctx.region,
    ageDays,
    idleDays,
    reason,
    costs: [costLine(ctx.prices, ctx.region, key, 1, `${lb.Type} load balancer`)],
    details: { type: lb.Type, dns_name: lb.DNSName, ...usage, ...(traffic ? { traffic } : {}) },
  });
}

const MB = 1024 * 1024;

export function idleNatGateway(nat: NatGateway, trafficBytes: number, ctx: RuleContext): Finding | null {
  if (nat.State !== 'available') return null;
  const ageDays = daysSince(nat.CreateTime, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  if (trafficBytes >= ctx.settings.params.max_traffic_mb * MB) return null;
  return finding({
    resourceType: 'nat_gateway',
    resourceId: nat.NatGatewayId as string,
    name: nameTag(nat.Tags),
    region: ctx.region,
    ageDays,
    reason: `${(trafficBytes / MB).toFixed(3)} MB through it in ${ctx.settings.params.lookback_days} days`,
    costs: [costLine(ctx.prices, ctx.region, 'aws.nat_gateway.month', 1, 'NAT gateway')],
    details: { traffic_bytes: trafficBytes, vpc_id: nat.VpcId, subnet_id: nat.SubnetId },
  });
}

/** A resource judged on one CloudWatch figure over the rule's `lookback_days` (see `idleResource`). */
export interface IdleCandidate {
  id: string;
  name?: string | null;
  createdAt?: Date | string | null;
  /** The metric total over the window; null when CloudWatch has no datapoint (counted as none). */
  activity: number | null;
  costs: CostLine[];
  details?: Record<string, unknown>;
}

/** How an idle-by-metric type is judged: its threshold parameter and what the figure measures. */
export interface IdleMeasure {
  resourceType: string;
  /** The rule parameter holding the threshold, e.g. `max_connections`. */
  threshold: string;
  /** How the threshold applies to the raw figure (e.g. MB to bytes). */
  scale?: number;
  /** e.g. `connections`, `invocations`, `bytes`. */
  measure: string;
}

/**
 * The shared shape of the "idle for the lookback window" rules: at least `min_age_days` old (when the provider tells
 * the age), and the watched figure at or under the threshold over `lookback_days`.
 */
export function idleResource(
  candidate: IdleCandidate,
  measure: IdleMeasure,
  ctx: RuleContext,
): Finding | null {
  const params = ctx.settings.params;
  const ageDays = daysSince(candidate.createdAt, ctx.now);
  if (ageDays !== null && ageDays < params.min_age_days) return null;
  const activity = candidate.activity ?? 0;
  const limit = params[measure.threshold] * (measure.scale ?? 1);
  if (activity > limit) return null;
  const lookback = params.lookback_days;
  const figure = Number.isInteger(activity) ? String(activity) : activity.toFixed(3);
  return finding({
    resourceType: measure.resourceType,
    resourceId: candidate.id,
    name: candidate.name ?? null,
    region: ctx.region,
    ageDays,
    idleDays: ageDays === null ? lookback : Math.min(ageDays, lookback),
    reason: `${figure} ${measure.measure} in the last ${lookback} days (reported at ${params[measure.threshold]} or less)`,
    costs: candidate.costs,
    details: { ...candidate.details, activity, lookback_days: lookback },
  });
}

/** `count` units of a per-type monthly price (`aws.<family>.<type>.month`): unknown types show as cost unknown. */
export function perTypeCost(
  ctx: RuleContext,
  family: string,
  type: string | undefined,
  count: number,
  what: string,
) {
  return costLine(
    ctx.prices,
    ctx.region,
    `aws.${family}.${type ?? 'unknown'}.month`,
    count,
    `${count} × ${type} ${what}`,
  );
}

/** Running instances whose CPU stayed low and that moved little over the network (Trusted Advisor's test). */
export function idleRunningInstance(
  instance: Instance,
  usage: { cpuAverage: number | null; networkBytes: number },
  ctx: RuleContext,
): Finding | null {
  const { params } = ctx.settings;
  if (instance.State?.Name !== 'running' || usage.cpuAverage === null) return null; // No data: cannot judge.
  const networkLimit = params.max_network_mb_per_day * params.lookback_days * MB;
  if (usage.cpuAverage > params.max_cpu_percent || usage.networkBytes > networkLimit) return null;
  const ageDays = daysSince(instance.LaunchTime, ctx.now);
  if (ageDays !== null && ageDays < params.min_age_days) return null;
  return finding({
    resourceType: 'ec2_idle_instance',
    resourceId: instance.InstanceId as string,
    name: nameTag(instance.Tags),
    region: ctx.region,
    ageDays,
    idleDays: Math.min(ageDays ?? params.lookback_days, params.lookback_days),
    reason: `Running with ${usage.cpuAverage.toFixed(2)}% CPU on average and ${(usage.networkBytes / MB).toFixed(2)} MB of network I/O in ${params.lookback_days} days`,
    costs: [perTypeCost(ctx, 'ec2', instance.InstanceType, 1, 'instance (on-demand)')],
    details: {
      instance_type: instance.InstanceType,
      cpu_average: usage.cpuAverage,
      network_bytes: usage.networkBytes,
    },
  });
}

/** Site-to-site VPN connections whose tunnels have all been down for `min_down_days`. */
export function downVpnConnection(vpn: VpnConnection, ctx: RuleContext): Finding | null {
  const tunnels = vpn.VgwTelemetry ?? [];
  if (vpn.State !== 'available' || tunnels.length === 0 || tunnels.some((t) => t.Status === 'UP'))
    return null;
  const lastChange = Math.max(...tunnels.map((t) => t.LastStatusChange?.getTime() ?? 0));
  const downDays = daysSince(lastChange > 0 ? new Date(lastChange) : null, ctx.now);
  if (downDays === null || downDays < ctx.settings.params.min_down_days) return null;
  return finding({
    resourceType: 'vpn_connection',
    resourceId: vpn.VpnConnectionId as string,
    name: nameTag(vpn.Tags),
    region: ctx.region,
    ageDays: downDays,
    reason: `All ${tunnels.length} tunnels DOWN for ${downDays} days`,
    costs: [costLine(ctx.prices, ctx.region, 'aws.vpn.month', 1, 'VPN connection')],
    details: {
      tunnels: tunnels.length,
      vpn_gateway_id: vpn.VpnGatewayId,
      transit_gateway_id: vpn.TransitGatewayId,
    },
  });
}

/** Stopped RDS instances (`firstSeenStopped`: RDS reports no stop time): their storage is billed all along. */
export function stoppedRdsInstance(db: DBInstance, firstSeenStopped: Date, ctx: RuleContext): Finding | null {
  if (db.DBInstanceStatus !== 'stopped') return null;
  const stoppedDays = daysSince(firstSeenStopped, ctx.now) ?? 0;
  if (stoppedDays < ctx.settings.params.min_stopped_days) return null;
  const storage = db.StorageType ?? 'gp2';
  return finding({
    resourceType: 'rds_instance',
    resourceId: db.DBInstanceIdentifier as string,
    name: db.DBInstanceIdentifier ?? null,
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Stopped since at least ${stoppedDays} days ago; its ${db.AllocatedStorage ?? 0} GB of ${storage} storage is still billed (and AWS restarts it after 7 days)`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        `aws.rds.storage.${storage}.gb_month`,
        db.AllocatedStorage ?? 0,
        `${storage} storage (GB)`,
      ),
    ],
    details: { engine: db.Engine, instance_class: db.DBInstanceClass, storage_type: storage },
  });
}

/** Classic load balancers with no registered instance InService, or with fewer requests a day than the threshold. */
export function idleClassicLoadBalancer(
  lb: LoadBalancerDescription,
  health: { registered: number; inService: number },
  ctx: RuleContext,
  traffic?: LoadBalancerTraffic | null,
): Finding | null {
  const ageDays = daysSince(lb.CreatedTime, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  let reason: string;
  let idleDays: number | undefined;
  const quiet = quietTraffic(traffic, ageDays, ctx);
  if (health.inService === 0)
    reason =
      health.registered === 0
        ? 'No registered instances'
        : `None of its ${health.registered} registered instances is InService`;
  else if (quiet) ({ reason, idleDays } = quiet);
  else return null;
  return finding({
    resourceType: 'classic_load_balancer',
    resourceId: lb.LoadBalancerName as string,
    name: lb.LoadBalancerName ?? null,
    region: ctx.region,
    ageDays,
    idleDays,
    reason,
    costs: [costLine(ctx.prices, ctx.region, 'aws.clb.month', 1, 'classic load balancer')],
    details: { dns_name: lb.DNSName, ...health, ...(traffic ? { traffic } : {}) },
  });
}

/** EKS clusters with no managed node group and no Fargate profile: the control plane bills for nothing. */
export function emptyEksCluster(
  cluster: { name: string; arn?: string; createdAt?: Date; version?: string; status?: string },
  compute: { nodegroups: number; fargateProfiles: number },
  ctx: RuleContext,
): Finding | null {
  if (cluster.status !== 'ACTIVE' || compute.nodegroups > 0 || compute.fargateProfiles > 0) return null;
  const ageDays = daysSince(cluster.createdAt, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'eks_cluster',
    resourceId: cluster.arn ?? cluster.name,
    name: cluster.name,
    region: ctx.region,
    ageDays,
    reason:
      'No managed node group and no Fargate profile: nothing can run on it (self-managed nodes are not seen)',
    costs: [costLine(ctx.prices, ctx.region, 'aws.eks.cluster_month', 1, 'EKS control plane')],
    details: { kubernetes_version: cluster.version },
  });
}

/** Buckets holding no object at all, at least `min_age_days` old. */
export function emptyBucket(bucket: { name: string; createdAt?: Date }, objects: number, ctx: RuleContext) {
  const ageDays = daysSince(bucket.createdAt, ctx.now);
  if (objects > 0 || ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 's3_bucket',
    resourceId: bucket.name,
    name: bucket.name,
    region: ctx.region,
    ageDays,
    reason: `Empty for its ${ageDays} days: nothing to bill, but a name, a policy and an attack surface kept for nothing`,
    costs: [],
  });
}

/** Candidates of the idle-by-metric rules: what each resource is, what it costs, and how to tell it. */
export const CANDIDATES = {
  fsx: (fs: FileSystem, ctx: RuleContext): IdleCandidate => ({
    id: fs.FileSystemId as string,
    name: nameTag(fs.Tags),
    createdAt: fs.CreationTime,
    activity: null,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        `aws.fsx.${String(fs.FileSystemType).toLowerCase()}.gb_month`,
        fs.StorageCapacity ?? 0,
        `${fs.FileSystemType} storage (GB)`,
      ),
    ],
    details: { file_system_type: fs.FileSystemType, storage_gb: fs.StorageCapacity },
  }),
  /** Neptune and DocumentDB: the cluster's member instances, priced by class. */
  dbCluster: (cluster: DBCluster, classes: Map<string, string>, ctx: RuleContext): IdleCandidate => {
    const members = (cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier as string);
    return {
      id: cluster.DBClusterArn ?? (cluster.DBClusterIdentifier as string),
      name: cluster.DBClusterIdentifier,
      createdAt: cluster.ClusterCreateTime,
      activity: null,
      costs: members.map((m) =>
        perTypeCost(ctx, cluster.Engine as string, classes.get(m), 1, `instance ${m}`),
      ),
      details: { engine: cluster.Engine, members },
    };
  },
  msk: (cluster: ClusterInfo, ctx: RuleContext): IdleCandidate => ({
    id: cluster.ClusterArn as string,
    name: cluster.ClusterName,
    createdAt: cluster.CreationTime,
    activity: null,
    costs: [
      perTypeCost(
        ctx,
        'msk',
        cluster.BrokerNodeGroupInfo?.InstanceType,
        cluster.NumberOfBrokerNodes ?? 0,
        'broker',
      ),
    ],
    details: { brokers: cluster.NumberOfBrokerNodes, broker_type: cluster.BrokerNodeGroupInfo?.InstanceType },
  }),
  sagemaker: (
    endpoint: EndpointSummary,
    variants: Array<{ name: string; type?: string; count: number }>,
    ctx: RuleContext,
  ): IdleCandidate => ({
    id: endpoint.EndpointArn as string,
    name: endpoint.EndpointName,
    createdAt: endpoint.CreationTime,
    activity: null,
    costs: variants.map((v) => perTypeCost(ctx, 'sagemaker', v.type, v.count, `instance (${v.name})`)),
    details: { variants },
  }),
  redshift: (cluster: RedshiftCluster, ctx: RuleContext): IdleCandidate => ({
    id: cluster.ClusterIdentifier as string,
    name: cluster.ClusterIdentifier,
    createdAt: cluster.ClusterCreateTime,
    activity: null,
    costs: [perTypeCost(ctx, 'redshift', cluster.NodeType, cluster.NumberOfNodes ?? 1, 'node')],
    details: { node_type: cluster.NodeType, nodes: cluster.NumberOfNodes },
  }),
  elasticache: (cluster: CacheCluster, ctx: RuleContext): IdleCandidate => ({
    id: cluster.CacheClusterId as string,
    name: cluster.CacheClusterId,
    createdAt: cluster.CacheClusterCreateTime,
    activity: null,
    costs: [perTypeCost(ctx, 'elasticache', cluster.CacheNodeType, cluster.NumCacheNodes ?? 1, 'node')],
    details: { engine: cluster.Engine, node_type: cluster.CacheNodeType, nodes: cluster.NumCacheNodes },
  }),
  tgwAttachment: (a: TransitGatewayAttachment, ctx: RuleContext): IdleCandidate => ({
    id: a.TransitGatewayAttachmentId as string,
    name: nameTag(a.Tags),
    createdAt: a.CreationTime,
    activity: null,
    costs: [costLine(ctx.prices, ctx.region, 'aws.tgw.attachment_month', 1, 'transit gateway attachment')],
    details: {
      transit_gateway_id: a.TransitGatewayId,
      resource_type: a.ResourceType,
      resource_id: a.ResourceId,
    },
  }),
  opensearch: (domain: DomainStatus, ctx: RuleContext): IdleCandidate => {
    const config = domain.ClusterConfig ?? {};
    const storage = domain.EBSOptions?.EBSEnabled
      ? (domain.EBSOptions.VolumeSize ?? 0) * (config.InstanceCount ?? 1)
      : 0;
    return {
      id: domain.ARN as string,
      name: domain.DomainName,
      activity: null,
      costs: [
        perTypeCost(ctx, 'opensearch', config.InstanceType, config.InstanceCount ?? 1, 'data node'),
        ...(storage > 0
          ? [costLine(ctx.prices, ctx.region, 'aws.opensearch.ebs.gb_month', storage, 'EBS storage (GB)')]
          : []),
      ],
      details: { instance_type: config.InstanceType, instances: config.InstanceCount, storage_gb: storage },
    };
  },
  accelerator: (accelerator: Accelerator, ctx: RuleContext): IdleCandidate => ({
    id: accelerator.AcceleratorArn as string,
    name: accelerator.Name,
    createdAt: accelerator.CreatedTime,
    activity: null,
    costs: [costLine(ctx.prices, ctx.region, 'aws.global_accelerator.month', 1, 'accelerator fixed fee')],
    details: { enabled: accelerator.Enabled, dns_name: accelerator.DnsName },
  }),
  kinesis: (stream: StreamSummary, openShards: number, ctx: RuleContext): IdleCandidate => {
    const onDemand = stream.StreamModeDetails?.StreamMode === 'ON_DEMAND';
    return {
      id: stream.StreamARN as string,
      name: stream.StreamName,
      createdAt: stream.StreamCreationTimestamp,
      activity: null,
      costs: [
        onDemand
          ? costLine(ctx.prices, ctx.region, 'aws.kinesis.on_demand_stream_month', 1, 'on-demand stream')
          : costLine(ctx.prices, ctx.region, 'aws.kinesis.shard_month', openShards, 'open shards'),
      ],
      details: { mode: stream.StreamModeDetails?.StreamMode, open_shards: openShards },
    };
  },
  vpcEndpoint: (endpoint: VpcEndpoint, ctx: RuleContext): IdleCandidate => {
    const zones = Math.max(1, endpoint.SubnetIds?.length ?? 0);
    return {
      id: endpoint.VpcEndpointId as string,
      name: nameTag(endpoint.Tags) ?? endpoint.ServiceName,
      createdAt: endpoint.CreationTimestamp,
      activity: null,
      costs: [
        costLine(ctx.prices, ctx.region, 'aws.vpc_endpoint.az_month', zones, 'interface endpoint (per AZ)'),
      ],
      details: { service_name: endpoint.ServiceName, vpc_id: endpoint.VpcId, zones },
    };
  },
  lambda: (fn: FunctionConfiguration): IdleCandidate => ({
    id: fn.FunctionArn as string,
    name: fn.FunctionName,
    // Lambda reports no creation time: the last change stands in for it.
    createdAt: fn.LastModified,
    activity: null,
    // An uninvoked function bills nothing by itself; it is reported as clutter (and for its code and roles).
    costs: [],
    details: { runtime: fn.Runtime, memory_mb: fn.MemorySize, last_modified: fn.LastModified },
  }),
  dynamodb: (table: TableDescription, ctx: RuleContext): IdleCandidate => {
    const throughput = table.ProvisionedThroughput ?? {};
    return {
      id: table.TableArn as string,
      name: table.TableName,
      createdAt: table.CreationDateTime,
      activity: null,
      costs: [
        costLine(
          ctx.prices,
          ctx.region,
          'aws.dynamodb.rcu_month',
          throughput.ReadCapacityUnits ?? 0,
          'provisioned RCU',
        ),
        costLine(
          ctx.prices,
          ctx.region,
          'aws.dynamodb.wcu_month',
          throughput.WriteCapacityUnits ?? 0,
          'provisioned WCU',
        ),
      ],
      details: { rcu: throughput.ReadCapacityUnits, wcu: throughput.WriteCapacityUnits },
    };
  },
  /** `size`: the task definition's vCPU units (1024 = 1 vCPU) and MiB, for Fargate services. */
  ecs: (service: Service, size: { cpu: number; memory: number } | null, ctx: RuleContext): IdleCandidate => {
    const tasks = service.runningCount ?? 0;
    const fargate = service.launchType === 'FARGATE' && size;
    return {
      id: service.serviceArn as string,
      name: service.serviceName,
      createdAt: service.createdAt,
      activity: null,
      // Services on EC2 capacity are billed through their instances, which the EC2 rules judge.
      costs: fargate
        ? [
            costLine(
              ctx.prices,
              ctx.region,
              'aws.fargate.vcpu_month',
              (tasks * size.cpu) / 1024,
              'Fargate vCPU',
            ),
            costLine(
              ctx.prices,
              ctx.region,
              'aws.fargate.gb_month',
              (tasks * size.memory) / 1024,
              'Fargate memory (GB)',
            ),
          ]
        : [],
      details: { cluster_arn: service.clusterArn, launch_type: service.launchType, running_tasks: tasks },
    };
  },
};
