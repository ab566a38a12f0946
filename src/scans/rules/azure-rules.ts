import type {
  ApplicationGateway,
  AppServicePlan,
  Disk,
  LoadBalancer,
  NatGateway,
  PublicIpAddress,
  Snapshot,
  SqlDatabase,
  StorageAccount,
  VirtualMachine,
} from '../providers/azure/arm-types.js';
import type { RuleContext } from './finding.js';
import { daysSince } from './confidence.js';
import { costLine, finding, type Finding } from './finding.js';
import { GIB, round, type MetricSummary } from './metric-summary.js';

/** Azure ARM ids are case-insensitive. */
export const sameId = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

export function azureDiskCost(disk: Disk, ctx: RuleContext) {
  const sku = disk.sku?.name ?? 'Standard_LRS';
  // Zone-redundant SKUs are priced like their locally redundant counterparts here (a lower bound).
  const priced = sku.replace(/_ZRS$/, '_LRS');
  return costLine(
    ctx.prices,
    ctx.region,
    `azure.disk.${priced}.gb_month`,
    disk.properties.diskSizeGB ?? 0,
    `${sku} disk (GB)`,
  );
}

export function unattachedAzureDisk(disk: Disk, ctx: RuleContext): Finding | null {
  if (disk.properties.diskState !== 'Unattached' || disk.managedBy) return null;
  const ageDays = daysSince(disk.properties.timeCreated, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'azure_managed_disk',
    resourceId: disk.id,
    name: disk.name,
    region: ctx.region,
    ageDays,
    reason: `Unattached managed disk, created ${ageDays} days ago`,
    costs: [azureDiskCost(disk, ctx)],
    details: {
      sku: disk.sku?.name,
      size_gb: disk.properties.diskSizeGB,
      created_at: disk.properties.timeCreated,
    },
  });
}

export function unassociatedAzureIp(
  ip: PublicIpAddress,
  firstSeenIdle: Date,
  ctx: RuleContext,
): Finding | null {
  const p = ip.properties;
  if (p.ipConfiguration || p.natGateway) return null;
  const ageDays = daysSince(firstSeenIdle, ctx.now) as number;
  if (ageDays < ctx.settings.params.min_age_days) return null;
  // Dynamic basic IPs without a configuration hold no address and cost nothing.
  if (p.publicIPAllocationMethod !== 'Static') return null;
  return finding({
    resourceType: 'azure_public_ip',
    resourceId: ip.id,
    name: ip.name,
    region: ctx.region,
    ageDays,
    reason: `Static public IP associated with nothing for at least ${ageDays} days`,
    costs: [costLine(ctx.prices, ctx.region, 'azure.public_ip.static.month', 1, 'static public IP')],
    details: { ip_address: p.ipAddress, sku: ip.sku?.name, first_seen_idle_at: firstSeenIdle.toISOString() },
  });
}

export function oldAzureSnapshot(
  snapshot: Snapshot,
  existingDiskIds: string[],
  ctx: RuleContext,
): Finding | null {
  const p = snapshot.properties;
  const ageDays = daysSince(p.timeCreated, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  const source = p.creationData?.sourceResourceId;
  const sourceGone = !!source && !existingDiskIds.some((id) => sameId(id, source));
  return finding({
    resourceType: 'azure_snapshot',
    resourceId: snapshot.id,
    name: snapshot.name,
    region: ctx.region,
    ageDays,
    reason: sourceGone ? `Source disk is gone; ${ageDays} days old` : `${ageDays} days old`,
    costs: [
      costLine(ctx.prices, ctx.region, 'azure.disk.snapshot.gb_month', p.diskSizeGB ?? 0, 'snapshot (GB)'),
    ],
    details: { source_disk_id: source, source_gone: sourceGone, incremental: p.incremental },
  });
}

/** The VM's power state (`running`, `stopped`, `deallocated`...) from its instance view. */
export const powerState = (vm: VirtualMachine) =>
  vm.properties.instanceView?.statuses
    ?.find((s) => s.code?.startsWith('PowerState/'))
    ?.code?.slice('PowerState/'.length);

/** When the VM last changed state: the time of its provisioning status (the power status carries none). */
export const lastStateChange = (vm: VirtualMachine) =>
  vm.properties.instanceView?.statuses?.find((s) => s.code?.startsWith('ProvisioningState/'))?.time;

/** Since when a deallocated VM has been so; null when it is not deallocated. */
export function deallocatedSince(vm: VirtualMachine): Date | null {
  const time = powerState(vm) === 'deallocated' ? lastStateChange(vm) : undefined;
  return time ? new Date(time) : null;
}

const vmSize = (vm: VirtualMachine) => vm.properties.hardwareProfile?.vmSize ?? 'unknown';

const vmComputeCost = (vm: VirtualMachine, ctx: RuleContext) =>
  costLine(ctx.prices, ctx.region, `azure.vm.${vmSize(vm)}.month`, 1, `${vmSize(vm)} compute (730 h)`);

export function deallocatedAzureVm(vm: VirtualMachine, disks: Disk[], ctx: RuleContext): Finding | null {
  const since = deallocatedSince(vm);
  const stoppedDays = daysSince(since, ctx.now);
  if (stoppedDays === null || stoppedDays < ctx.settings.params.min_stopped_days) return null;
  const own = disks.filter((d) => sameId(d.managedBy, vm.id));
  return finding({
    resourceType: 'azure_vm',
    resourceId: vm.id,
    name: vm.name,
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Deallocated for ${stoppedDays} days; its ${own.length} managed disk(s) are still billed`,
    costs: own.map((disk) => ({
      ...azureDiskCost(disk, ctx),
      item: `${disk.name}: ${disk.sku?.name ?? 'disk'}`,
    })),
    details: { vm_size: vmSize(vm), deallocated_at: since?.toISOString(), disk_ids: own.map((d) => d.id) },
  });
}

/** Stopped from inside the guest (or `az vm stop` without deallocation): the compute hours are still billed. */
export function stoppedNotDeallocatedAzureVm(vm: VirtualMachine, ctx: RuleContext): Finding | null {
  if (powerState(vm) !== 'stopped') return null;
  const stoppedDays = daysSince(lastStateChange(vm), ctx.now);
  if (stoppedDays === null || stoppedDays < ctx.settings.params.min_stopped_days) return null;
  return finding({
    resourceType: 'azure_vm_stopped',
    resourceId: vm.id,
    name: vm.name,
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Stopped but not deallocated for ${stoppedDays} days: the ${vmSize(vm)} compute is still billed in full`,
    costs: [vmComputeCost(vm, ctx)],
    details: { vm_size: vmSize(vm), power_state: 'stopped', stopped_at: lastStateChange(vm) },
  });
}

/** A running VM whose daily average CPU (Azure Monitor `Percentage CPU`) stayed under the threshold. */
export function idleAzureVm(vm: VirtualMachine, cpu: MetricSummary, ctx: RuleContext): Finding | null {
  const { lookback_days: lookback, max_cpu_percent: maxCpu } = ctx.settings.params;
  if (powerState(vm) !== 'running') return null;
  const ageDays = daysSince(vm.properties.timeCreated, ctx.now);
  if (cpu.points < Math.ceil(lookback * 0.8) || (ageDays !== null && ageDays < lookback)) return null;
  if (cpu.max >= maxCpu) return null;
  return finding({
    resourceType: 'azure_idle_vm',
    resourceId: vm.id,
    name: vm.name,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason: `Running with daily average CPU at most ${round(cpu.max)}% (mean ${round(cpu.mean)}%) over ${lookback} days, under ${maxCpu}%`,
    costs: [vmComputeCost(vm, ctx)],
    details: {
      vm_size: vmSize(vm),
      cpu_mean_percent: round(cpu.mean),
      cpu_max_daily_percent: round(cpu.max),
      lookback_days: lookback,
    },
  });
}

/** Resources that report no creation time: idle since the scanner first saw them idle. */
function idleSince(firstSeenIdle: Date, ctx: RuleContext): number | null {
  const days = daysSince(firstSeenIdle, ctx.now) as number;
  return days < ctx.settings.params.min_age_days ? null : days;
}

interface BackendPool {
  properties?: {
    backendIPConfigurations?: unknown[];
    loadBalancerBackendAddresses?: unknown[];
    backendAddresses?: unknown[];
  };
}

const emptyPool = (pool: BackendPool) =>
  !pool.properties?.backendIPConfigurations?.length &&
  !pool.properties?.loadBalancerBackendAddresses?.length &&
  !pool.properties?.backendAddresses?.length;

/** A load balancer or application gateway with nothing behind it: no pool, or only empty pools. */
export const hasNoBackend = (resource: LoadBalancer | ApplicationGateway) =>
  (resource.properties.backendAddressPools ?? []).every(emptyPool);

/** A Standard load balancer with no backend pool, or only empty pools (Basic load balancers are free). */
export function emptyAzureLoadBalancer(
  lb: LoadBalancer,
  firstSeenIdle: Date,
  ctx: RuleContext,
): Finding | null {
  if (lb.sku?.name !== 'Standard') return null;
  const pools = lb.properties.backendAddressPools ?? [];
  if (!hasNoBackend(lb)) return null;
  const days = idleSince(firstSeenIdle, ctx);
  if (days === null) return null;
  return finding({
    resourceType: 'azure_load_balancer',
    resourceId: lb.id,
    name: lb.name,
    region: ctx.region,
    ageDays: days,
    reason:
      pools.length === 0
        ? `Standard load balancer with no backend pool, seen so for ${days} days`
        : `Standard load balancer whose ${pools.length} backend pool(s) are all empty, seen so for ${days} days`,
    costs: [
      costLine(ctx.prices, ctx.region, 'azure.load_balancer.standard.month', 1, 'Standard load balancer'),
    ],
    details: { backend_pools: pools.length, rules: lb.properties.loadBalancingRules?.length ?? 0 },
  });
}

export function emptyAzureApplicationGateway(
  gateway: ApplicationGateway,
  firstSeenIdle: Date,
  ctx: RuleContext,
): Finding | null {
  const pools = gateway.properties.backendAddressPools ?? [];
  if (!hasNoBackend(gateway)) return null;
  const days = idleSince(firstSeenIdle, ctx);
  if (days === null) return null;
  const tier = gateway.properties.sku?.tier ?? gateway.properties.sku?.name ?? 'Standard_v2';
  return finding({
    resourceType: 'azure_application_gateway',
    resourceId: gateway.id,
    name: gateway.name,
    region: ctx.region,
    ageDays: days,
    reason: `Application gateway (${tier}) with no backend target in any of its ${pools.length} pool(s), seen so for ${days} days`,
    costs: [
      costLine(ctx.prices, ctx.region, `azure.app_gateway.${tier}.month`, 1, `${tier} gateway (fixed part)`),
    ],
    details: { tier, operational_state: gateway.properties.operationalState, backend_pools: pools.length },
  });
}

export function unusedAzureNatGateway(
  nat: NatGateway,
  firstSeenIdle: Date,
  ctx: RuleContext,
): Finding | null {
  if (nat.properties.subnets?.length) return null;
  const days = idleSince(firstSeenIdle, ctx);
  if (days === null) return null;
  return finding({
    resourceType: 'azure_nat_gateway',
    resourceId: nat.id,
    name: nat.name,
    region: ctx.region,
    ageDays: days,
    reason: `NAT gateway attached to no subnet, seen so for ${days} days`,
    costs: [costLine(ctx.prices, ctx.region, 'azure.nat_gateway.month', 1, 'NAT gateway (730 h)')],
    details: { public_ips: nat.properties.publicIpAddresses?.length ?? 0 },
  });
}

/** A database with no successful connection (Azure Monitor `connection_successful`) over the lookback. */
export function idleAzureSqlDatabase(
  db: SqlDatabase,
  connections: MetricSummary,
  ctx: RuleContext,
): Finding | null {
  const { lookback_days: lookback, max_connections: maxConnections } = ctx.settings.params;
  if (db.kind?.includes('system') || db.name === 'master') return null;
  const ageDays = daysSince(db.properties.creationDate, ctx.now);
  if (ageDays === null || ageDays < lookback || connections.sum > maxConnections) return null;
  const sku = db.sku?.name ?? db.properties.currentServiceObjectiveName ?? 'unknown';
  return finding({
    resourceType: 'azure_sql_database',
    resourceId: db.id,
    name: db.name,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason: `${connections.sum} successful connection(s) in ${lookback} days (at most ${maxConnections} allowed)`,
    costs: [costLine(ctx.prices, ctx.region, `azure.sql.${sku}.month`, 1, `SQL database ${sku}`)],
    details: { sku, tier: db.sku?.tier, connections: connections.sum, lookback_days: lookback },
  });
}

/** A storage account nobody reads or writes (Azure Monitor `Transactions`), priced by the data it keeps. */
export function unusedAzureStorageAccount(
  account: StorageAccount,
  transactions: MetricSummary,
  usedBytes: number,
  ctx: RuleContext,
): Finding | null {
  const { lookback_days: lookback, max_transactions: maxTransactions } = ctx.settings.params;
  const ageDays = daysSince(account.properties.creationTime, ctx.now);
  if (ageDays === null || ageDays < lookback || transactions.sum > maxTransactions) return null;
  const gb = round(usedBytes / GIB);
  const sku = account.sku?.name ?? 'Standard_LRS';
  return finding({
    resourceType: 'azure_storage_account',
    resourceId: account.id,
    name: account.name,
    region: ctx.region,
    ageDays,
    idleDays: lookback,
    reason:
      gb === 0
        ? `Empty storage account with ${transactions.sum} transaction(s) in ${lookback} days`
        : `${gb} GB stored and ${transactions.sum} transaction(s) in ${lookback} days`,
    costs: [costLine(ctx.prices, ctx.region, `azure.storage.${sku}.gb_month`, gb, `${sku} storage (GB)`)],
    details: {
      sku,
      kind: account.kind,
      used_gb: gb,
      transactions: transactions.sum,
      lookback_days: lookback,
    },
  });
}

/** An App Service plan hosting no app: every instance of it is billed all the same (Free and Shared cost nothing). */
export function emptyAzureAppServicePlan(
  plan: AppServicePlan,
  firstSeenIdle: Date,
  ctx: RuleContext,
): Finding | null {
  if ((plan.properties.numberOfSites ?? 0) > 0) return null;
  const tier = plan.sku?.tier ?? '';
  if (['Free', 'Shared'].includes(tier)) return null;
  const days = idleSince(firstSeenIdle, ctx);
  if (days === null) return null;
  const sku = plan.sku?.name ?? 'unknown';
  const instances = plan.sku?.capacity ?? 1;
  return finding({
    resourceType: 'azure_app_service_plan',
    resourceId: plan.id,
    name: plan.name,
    region: ctx.region,
    ageDays: days,
    reason: `App Service plan ${sku} × ${instances} hosting no app, seen so for ${days} days`,
    costs: [costLine(ctx.prices, ctx.region, `azure.app_service.${sku}.month`, instances, `${sku} instance`)],
    details: { sku, tier, instances },
  });
}
