import type { protos } from '@google-cloud/compute';
import type { RuleContext } from './finding.js';
import { daysSince } from './confidence.js';
import { costLine, finding, type Finding } from './finding.js';

type Disk = protos.google.cloud.compute.v1.IDisk;
type Address = protos.google.cloud.compute.v1.IAddress;
type Snapshot = protos.google.cloud.compute.v1.ISnapshot;
type Instance = protos.google.cloud.compute.v1.IInstance;

/** The last path segment of a GCP resource URL (`.../diskTypes/pd-ssd` -> `pd-ssd`). */
export const lastSegment = (url: string | null | undefined) =>
  url ? url.slice(url.lastIndexOf('/') + 1) : '';

/** `us-central1-a` -> `us-central1`. */
export const regionOfZone = (zone: string) => zone.replace(/-[a-z]$/, '');

const toNumber = (value: number | string | Long | null | undefined): number => Number(value ?? 0);
interface Long {
  toString(): string;
}

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
