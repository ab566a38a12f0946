import type {
  Address,
  Bucket,
  Disk,
  ForwardingRule,
  GkeCluster,
  Instance,
  Router,
  Snapshot,
  SqlInstance,
  StoredImage,
  VpnTunnel,
} from '../providers/gcp/gcp-types.js';
import type { RuleContext } from './finding.js';
import { daysSince } from './confidence.js';
import { costLine, finding, type Finding } from './finding.js';
import { GIB, round, type MetricSummary } from './metric-summary.js';

/** The last path segment of a GCP resource URL (`.../diskTypes/pd-ssd` -> `pd-ssd`). */
export const lastSegment = (url: string | null | undefined) =>
  url ? url.slice(url.lastIndexOf('/') + 1) : '';

/** `us-central1-a` -> `us-central1`. */
export const regionOfZone = (zone: string) => zone.replace(/-[a-z]$/, '');

const toNumber = (value: number | string | null | undefined): number => Number(value ?? 0);

export function gcpDiskCost(disk: Disk, ctx: RuleContext) {
  const type = lastSegment(disk.type) || 'pd-standard';
  return costLine(ctx.prices, ctx.region, `gcp.disk.${type}.gb_month`, toNumber(disk.sizeGb), `${type} (GB)`);
}

export function unattachedGcpDisk(disk: Disk, ctx: RuleContext): Finding | null {
  if ((disk.users ?? []).length > 0 || disk.status !== 'READY') return null;
  const ageDays = daysSince(disk.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  const detachedDays = daysSince(disk.lastDetachTimestamp, ctx.now);
  return finding({
    resourceType: 'gcp_disk',
    resourceId: String(disk.id ?? disk.selfLink ?? disk.name),
    name: disk.name ?? null,
    region: ctx.region,
    ageDays,
    idleDays: detachedDays ?? ageDays,
    reason:
      detachedDays === null
        ? `Never attached; created ${ageDays} days ago`
        : `Detached ${detachedDays} days ago`,
    costs: [gcpDiskCost(disk, ctx)],
    details: { zone: lastSegment(disk.zone), type: lastSegment(disk.type), size_gb: toNumber(disk.sizeGb) },
  });
}

export function unusedGcpAddress(address: Address, ctx: RuleContext): Finding | null {
  if (address.status !== 'RESERVED' || address.addressType === 'INTERNAL') return null;
  const ageDays = daysSince(address.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'gcp_address',
    resourceId: String(address.id ?? address.selfLink ?? address.name),
    name: address.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `Reserved external address used by nothing; reserved ${ageDays} days ago`,
    costs: [costLine(ctx.prices, ctx.region, 'gcp.address.month', 1, 'static external IP')],
    details: { address: address.address },
  });
}

export function oldGcpSnapshot(snapshot: Snapshot, ctx: RuleContext): Finding | null {
  if (snapshot.status !== 'READY') return null;
  const ageDays = daysSince(snapshot.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  const gb = toNumber(snapshot.storageBytes) / 1024 ** 3;
  return finding({
    resourceType: 'gcp_snapshot',
    resourceId: String(snapshot.id ?? snapshot.name),
    name: snapshot.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `${ageDays} days old`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        'gcp.snapshot.gb_month',
        Math.round(gb * 100) / 100,
        'snapshot storage (GB)',
      ),
    ],
    details: { source_disk: snapshot.sourceDisk, storage_locations: snapshot.storageLocations },
  });
}

export function stoppedGcpInstance(
  instance: Instance,
  disksByUrl: Map<string, Disk>,
  ctx: RuleContext,
): Finding | null {
  if (instance.status !== 'TERMINATED') return null;
  const stoppedDays = daysSince(instance.lastStopTimestamp, ctx.now);
  if (stoppedDays === null || stoppedDays < ctx.settings.params.min_stopped_days) return null;
  const attached = (instance.disks ?? []).map((d) => d.source ?? '');
  const costs = attached.flatMap((url) => {
    const disk = disksByUrl.get(url);
    return disk ? [{ ...gcpDiskCost(disk, ctx), item: `${disk.name}: ${lastSegment(disk.type)}` }] : [];
  });
  return finding({
    resourceType: 'gcp_instance',
    resourceId: String(instance.id ?? instance.name),
    name: instance.name ?? null,
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Stopped for ${stoppedDays} days; its ${attached.length} persistent disk(s) are still billed`,
    costs,
    details: { machine_type: lastSegment(instance.machineType), zone: lastSegment(instance.zone) },
  });
}

const idOf = (r: { id?: string | number; name?: string; selfLink?: string }) =>
  String(r.id ?? r.selfLink ?? r.name);

const instanceCost = (machineType: string, ctx: RuleContext, count = 1) =>
  costLine(ctx.prices, ctx.region, `gcp.instance.${machineType}.month`, count, `${machineType} (730 h)`);

/** A RUNNING instance whose daily mean CPU (`compute.googleapis.com/instance/cpu/utilization`) stayed low. */
export function idleGcpInstance(instance: Instance, cpu: MetricSummary, ctx: RuleContext): Finding | null {
  const { lookback_days: lookback, max_cpu_percent: maxCpu } = ctx.settings.params;
  if (instance.status !== 'RUNNING') return null;
  const ageDays = daysSince(instance.creationTimestamp, ctx.now);
  if ((ageDays !== null && ageDays < lookback) || cpu.points < Math.ceil(lookback * 0.8)) return null;
  // Cloud Monitoring reports utilisation as a fraction.
  const maxPercent = cpu.max * 100;
  if (maxPercent >= maxCpu) return null;
  const machineType = lastSegment(instance.machineType);
  return finding({
    resourceType: 'gcp_idle_instance',
    resourceId: idOf(instance),
    name: instance.name ?? null,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason: `Running with daily mean CPU at most ${round(maxPercent)}% over ${lookback} days, under ${maxCpu}%`,
    costs: [instanceCost(machineType, ctx)],
    details: {
      machine_type: machineType,
      zone: lastSegment(instance.zone),
      cpu_mean_percent: round(cpu.mean * 100),
      cpu_max_daily_percent: round(maxPercent),
      lookback_days: lookback,
    },
  });
}

/** Old machine images and custom images, priced by the bytes they keep. */
export function oldGcpImage(
  image: StoredImage,
  kind: 'machine_image' | 'image',
  ctx: RuleContext,
): Finding | null {
  if (image.status !== 'READY') return null;
  const ageDays = daysSince(image.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  const bytes = toNumber(kind === 'machine_image' ? image.totalStorageBytes : image.archiveSizeBytes);
  const gb = round(bytes / GIB);
  const what = kind === 'machine_image' ? 'Machine image' : 'Custom image';
  return finding({
    resourceType: kind === 'machine_image' ? 'gcp_machine_image' : 'gcp_image',
    resourceId: idOf(image),
    name: image.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `${what} created ${ageDays} days ago${image.deprecated?.state ? ` (${image.deprecated.state})` : ''}`,
    costs: [
      costLine(ctx.prices, ctx.region, `gcp.${kind}.gb_month`, gb, `${what.toLowerCase()} storage (GB)`),
    ],
    details: {
      storage_locations: image.storageLocations,
      source_instance: image.sourceInstance,
      family: image.family,
    },
  });
}

/** A regional forwarding rule (a load balancer's front end) whose target pool or backend service has nothing behind it. */
export function emptyGcpForwardingRule(
  rule: ForwardingRule,
  emptyTarget: string,
  ctx: RuleContext,
): Finding | null {
  const ageDays = daysSince(rule.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'gcp_load_balancer',
    resourceId: idOf(rule),
    name: rule.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `Forwarding rule ${rule.IPAddress ?? ''} sends to ${emptyTarget}, which has no backend`.replace(
      '  ',
      ' ',
    ),
    costs: [costLine(ctx.prices, ctx.region, 'gcp.forwarding_rule.month', 1, 'forwarding rule (730 h)')],
    details: { target: rule.target ?? rule.backendService, scheme: rule.loadBalancingScheme },
  });
}

/** A Cloud NAT gateway that moved almost nothing (`router.googleapis.com/nat/sent_bytes_count`). */
export function idleGcpCloudNat(
  router: Router,
  natName: string,
  sentBytes: MetricSummary,
  ctx: RuleContext,
): Finding | null {
  const { lookback_days: lookback, max_traffic_mb: maxMb } = ctx.settings.params;
  const ageDays = daysSince(router.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < lookback) return null;
  const mb = sentBytes.sum / 1024 ** 2;
  if (mb >= maxMb) return null;
  return finding({
    resourceType: 'gcp_cloud_nat',
    resourceId: `${idOf(router)}/${natName}`,
    name: `${router.name}/${natName}`,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason: `Cloud NAT sent ${round(mb, 3)} MB in ${lookback} days (under ${maxMb} MB)`,
    costs: [costLine(ctx.prices, ctx.region, 'gcp.cloud_nat.month', 1, 'Cloud NAT gateway (730 h)')],
    details: { router: router.name, nat: natName, sent_mb: round(mb, 3), lookback_days: lookback },
  });
}

export function downGcpVpnTunnel(tunnel: VpnTunnel, ctx: RuleContext): Finding | null {
  if (tunnel.status === 'ESTABLISHED') return null;
  const ageDays = daysSince(tunnel.creationTimestamp, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'gcp_vpn_tunnel',
    resourceId: idOf(tunnel),
    name: tunnel.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `VPN tunnel ${tunnel.status ?? 'not established'}${tunnel.detailedStatus ? `: ${tunnel.detailedStatus}` : ''}`,
    costs: [costLine(ctx.prices, ctx.region, 'gcp.vpn_tunnel.month', 1, 'VPN tunnel (730 h)')],
    details: { status: tunnel.status, peer_ip: tunnel.peerIp },
  });
}

const sqlStorageCost = (instance: SqlInstance, ctx: RuleContext) => {
  const type = instance.settings?.dataDiskType ?? 'PD_SSD';
  return costLine(
    ctx.prices,
    ctx.region,
    `gcp.cloudsql.${type}.gb_month`,
    toNumber(instance.settings?.dataDiskSizeGb),
    `${type} storage (GB)`,
  );
};

/** A Cloud SQL instance stopped (activation policy NEVER): its storage is billed all the same. */
export function stoppedGcpCloudSql(
  instance: SqlInstance,
  firstSeenStopped: Date,
  ctx: RuleContext,
): Finding | null {
  if (instance.settings?.activationPolicy !== 'NEVER') return null;
  const stoppedDays = daysSince(firstSeenStopped, ctx.now) as number;
  if (stoppedDays < ctx.settings.params.min_stopped_days) return null;
  return finding({
    resourceType: 'gcp_cloudsql_stopped',
    resourceId: instance.name,
    name: instance.name,
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Cloud SQL instance stopped for at least ${stoppedDays} days; its ${toNumber(instance.settings?.dataDiskSizeGb)} GB of storage are still billed`,
    costs: [sqlStorageCost(instance, ctx)],
    details: { tier: instance.settings?.tier, database_version: instance.databaseVersion },
  });
}

/** A running Cloud SQL instance nobody connected to (`cloudsql.googleapis.com/database/network/connections`). */
export function idleGcpCloudSql(
  instance: SqlInstance,
  connections: MetricSummary,
  ctx: RuleContext,
): Finding | null {
  const { lookback_days: lookback, max_connections: maxConnections } = ctx.settings.params;
  if (instance.state !== 'RUNNABLE' || instance.settings?.activationPolicy === 'NEVER') return null;
  const ageDays = daysSince(instance.createTime, ctx.now);
  if (ageDays === null || ageDays < lookback || connections.max > maxConnections) return null;
  const tier = instance.settings?.tier ?? 'unknown';
  return finding({
    resourceType: 'gcp_cloudsql_idle',
    resourceId: instance.name,
    name: instance.name,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason: `At most ${connections.max} open connection(s) on any day of the last ${lookback} days`,
    costs: [
      costLine(ctx.prices, ctx.region, `gcp.cloudsql.${tier}.month`, 1, `${tier} (730 h)`),
      sqlStorageCost(instance, ctx),
    ],
    details: {
      tier,
      database_version: instance.databaseVersion,
      max_connections: connections.max,
      lookback_days: lookback,
    },
  });
}

/** Namespaces every GKE cluster runs by itself. */
export const isSystemNamespace = (ns: string) =>
  ['kube-system', 'kube-public', 'kube-node-lease', 'default-system'].includes(ns) ||
  /^(gke-|gmp-|config-management-|istio-|anthos-)/.test(ns);

/** A GKE cluster running no container outside the system namespaces (`kubernetes.io/container/uptime`). */
export function emptyGkeCluster(
  cluster: GkeCluster,
  workloadNamespaces: string[],
  ctx: RuleContext,
): Finding | null {
  if (cluster.status !== 'RUNNING' || workloadNamespaces.length > 0) return null;
  const ageDays = daysSince(cluster.createTime, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  const nodes = (cluster.nodePools ?? []).map((pool) => ({
    pool: pool.name,
    machineType: pool.config?.machineType ?? 'e2-medium',
    count: (pool.initialNodeCount ?? 0) * Math.max(1, pool.locations?.length ?? 1),
  }));
  return finding({
    resourceType: 'gcp_gke_cluster',
    resourceId: cluster.selfLink ?? `${cluster.location}/${cluster.name}`,
    name: cluster.name,
    region: ctx.region,
    ageDays,
    idleDays: ctx.settings.params.lookback_days,
    reason: `No container outside the system namespaces in ${ctx.settings.params.lookback_days} days; ${cluster.currentNodeCount ?? 0} node(s) running`,
    costs: [
      costLine(ctx.prices, ctx.region, 'gcp.gke.cluster.month', 1, 'cluster management fee'),
      ...nodes
        .filter((n) => n.count > 0 && !cluster.autopilot?.enabled)
        .map((n) => ({
          ...instanceCost(n.machineType, ctx, n.count),
          item: `${n.pool}: ${n.count} × ${n.machineType}`,
        })),
    ],
    details: {
      location: cluster.location,
      current_node_count: cluster.currentNodeCount,
      autopilot: !!cluster.autopilot?.enabled,
    },
  });
}

/** A bucket nobody reads or writes (`storage.googleapis.com/api/request_count`), priced by what it stores. */
export function unusedGcpBucket(
  bucket: Bucket,
  requests: MetricSummary,
  bytes: number,
  ctx: RuleContext,
): Finding | null {
  const { lookback_days: lookback, max_requests: maxRequests } = ctx.settings.params;
  const ageDays = daysSince(bucket.timeCreated, ctx.now);
  if (ageDays === null || ageDays < lookback || requests.sum > maxRequests) return null;
  const gb = round(bytes / GIB);
  const storageClass = bucket.storageClass ?? 'STANDARD';
  return finding({
    resourceType: 'gcp_bucket',
    resourceId: bucket.id ?? bucket.name,
    name: bucket.name,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason:
      gb === 0
        ? `Empty bucket with ${requests.sum} request(s) in ${lookback} days`
        : `${gb} GB stored and ${requests.sum} request(s) in ${lookback} days`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        `gcp.storage.${storageClass}.gb_month`,
        gb,
        `${storageClass} storage (GB)`,
      ),
    ],
    details: {
      location: bucket.location,
      storage_class: storageClass,
      stored_gb: gb,
      requests: requests.sum,
    },
  });
}
