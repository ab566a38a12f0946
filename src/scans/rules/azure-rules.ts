import type { Disk, Snapshot, VirtualMachine } from '@azure/arm-compute';
import type { PublicIPAddress } from '@azure/arm-network';
import type { RuleContext } from './finding.js';
import { daysSince } from './confidence.js';
import { costLine, finding, type Finding } from './finding.js';

/** Azure ARM ids are case-insensitive. */
const sameId = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

export function azureDiskCost(disk: Disk, ctx: RuleContext) {
  const sku = disk.sku?.name ?? 'Standard_LRS';
  // Zone-redundant SKUs are priced like their locally redundant counterparts here (a lower bound).
  const priced = sku.replace(/_ZRS$/, '_LRS');
  return costLine(
    ctx.prices,
    ctx.region,
    `azure.disk.${priced}.gb_month`,
    disk.diskSizeGB ?? 0,
    `${sku} disk (GB)`,
  );
}

export function unattachedAzureDisk(disk: Disk, ctx: RuleContext): Finding | null {
  if (disk.diskState !== 'Unattached' || disk.managedBy) return null;
  const ageDays = daysSince(disk.timeCreated, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  return finding({
    resourceType: 'azure_managed_disk',
    resourceId: disk.id as string,
    name: disk.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `Unattached managed disk, created ${ageDays} days ago`,
    costs: [azureDiskCost(disk, ctx)],
    details: { sku: disk.sku?.name, size_gb: disk.diskSizeGB, created_at: disk.timeCreated?.toISOString() },
  });
}

export function unassociatedAzureIp(
  ip: PublicIPAddress,
  firstSeenIdle: Date,
  ctx: RuleContext,
): Finding | null {
  if (ip.ipConfiguration || ip.natGateway) return null;
  const ageDays = daysSince(firstSeenIdle, ctx.now) as number;
  if (ageDays < ctx.settings.params.min_age_days) return null;
  // Dynamic basic IPs without a configuration hold no address and cost nothing.
  if (ip.publicIPAllocationMethod !== 'Static') return null;
  return finding({
    resourceType: 'azure_public_ip',
    resourceId: ip.id as string,
    name: ip.name ?? null,
    region: ctx.region,
    ageDays,
    reason: `Static public IP associated with nothing for at least ${ageDays} days`,
    costs: [costLine(ctx.prices, ctx.region, 'azure.public_ip.static.month', 1, 'static public IP')],
    details: { ip_address: ip.ipAddress, sku: ip.sku?.name, first_seen_idle_at: firstSeenIdle.toISOString() },
  });
}

export function oldAzureSnapshot(
  snapshot: Snapshot,
  existingDiskIds: string[],
  ctx: RuleContext,
): Finding | null {
  const ageDays = daysSince(snapshot.timeCreated, ctx.now);
  if (ageDays === null || ageDays < ctx.settings.params.min_age_days) return null;
  const source = snapshot.creationData?.sourceResourceId;
  const sourceGone = !!source && !existingDiskIds.some((id) => sameId(id, source));
  return finding({
    resourceType: 'azure_snapshot',
    resourceId: snapshot.id as string,
    name: snapshot.name ?? null,
    region: ctx.region,
    ageDays,
    reason: sourceGone ? `Source disk is gone; ${ageDays} days old` : `${ageDays} days old`,
    costs: [
      costLine(
        ctx.prices,
        ctx.region,
        'azure.disk.snapshot.gb_month',
        snapshot.diskSizeGB ?? 0,
        'snapshot (GB)',
      ),
    ],
    details: { source_disk_id: source, source_gone: sourceGone, incremental: snapshot.incremental },
  });
}

/** A VM listed with `statusOnly=true`: its power state and the time of its last state change. */
export function deallocatedSince(vm: VirtualMachine): Date | null {
  const statuses = vm.instanceView?.statuses ?? [];
  if (!statuses.some((s) => s.code === 'PowerState/deallocated')) return null;
  const changed = statuses.find((s) => s.code?.startsWith('ProvisioningState/'))?.time;
  return changed ?? null;
}

export function deallocatedAzureVm(vm: VirtualMachine, disks: Disk[], ctx: RuleContext): Finding | null {
  const since = deallocatedSince(vm);
  const stoppedDays = daysSince(since, ctx.now);
  if (stoppedDays === null || stoppedDays < ctx.settings.params.min_stopped_days) return null;
  const own = disks.filter((d) => sameId(d.managedBy, vm.id));
  return finding({
    resourceType: 'azure_vm',
    resourceId: vm.id as string,
    name: vm.name ?? null,
    region: ctx.region,
    ageDays: stoppedDays,
    reason: `Deallocated for ${stoppedDays} days; its ${own.length} managed disk(s) are still billed`,
    costs: own.map((disk) => ({
      ...azureDiskCost(disk, ctx),
      item: `${disk.name}: ${disk.sku?.name ?? 'disk'}`,
    })),
    details: {
      vm_size: vm.hardwareProfile?.vmSize,
      deallocated_at: since?.toISOString(),
      disk_ids: own.map((d) => d.id),
    },
  });
}
