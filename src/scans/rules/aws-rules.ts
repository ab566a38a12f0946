import type { Address, Instance, NatGateway, Snapshot, Tag, Volume } from '@aws-sdk/client-ec2';
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

export function idleLoadBalancer(
  lb: LoadBalancer,
  usage: LoadBalancerUsage,
  ctx: RuleContext,
): Finding | null {
  if (lb.Type !== 'application' && lb.Type !== 'network') return null;
  if (lb.State?.Code !== 'active') return null;
  const ageDays = daysSince(lb.CreatedTime, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  let reason: string;
  if (usage.listeners === 0) reason = 'No listeners';
  else if (usage.healthyTargets === 0)
    reason = usage.targetGroups === 0 ? 'No target groups' : 'No healthy targets in any target group';
  else return null;
  const key = lb.Type === 'application' ? 'aws.alb.month' : 'aws.nlb.month';
  return finding({
    resourceType: 'load_balancer',
    resourceId: lb.LoadBalancerArn as string,
    name: lb.LoadBalancerName ?? null,
    region: ctx.region,
    ageDays,
    reason,
    costs: [costLine(ctx.prices, ctx.region, key, 1, `${lb.Type} load balancer`)],
    details: { type: lb.Type, dns_name: lb.DNSName, ...usage },
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
