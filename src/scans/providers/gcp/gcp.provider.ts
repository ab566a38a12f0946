import type {
  AddressesClient,
  DisksClient,
  InstancesClient,
  protos,
  SnapshotsClient,
} from '@google-cloud/compute';
import { Inject, Injectable } from '@nestjs/common';
import type { Finding } from '../../rules/finding.js';
import {
  oldGcpSnapshot,
  regionOfZone,
  stoppedGcpInstance,
  unattachedGcpDisk,
  unusedGcpAddress,
} from '../../rules/gcp-rules.js';
import { scansConfig, type ScansConfig } from '../../scans.config.js';
import {
  guardedStep,
  ruleContext,
  ProviderCallError,
  type CloudProviderAdapter,
  type CloudScanner,
  type GcpCredentials,
  type Identity,
  type RegionScanContext,
  type RegionScanResult,
  type StepTally,
} from '../provider.js';

type Disk = protos.google.cloud.compute.v1.IDisk;
type Address = protos.google.cloud.compute.v1.IAddress;
type Snapshot = protos.google.cloud.compute.v1.ISnapshot;
type Instance = protos.google.cloud.compute.v1.IInstance;

/** @google-cloud/compute, loaded on first use (about 140 MB of memory). */
type GcpSdk = typeof import('@google-cloud/compute');
let sdkLoading: Promise<GcpSdk> | undefined;
const loadSdk = (): Promise<GcpSdk> => (sdkLoading ??= import('@google-cloud/compute'));

interface Inventory {
  disks: Disk[];
  addresses: Address[];
  snapshots: Snapshot[];
  instances: Instance[];
}

/** The region an aggregated-list key (`zones/us-central1-a`, `regions/us-central1`) belongs to. */
const regionOfScope = (scope: string) =>
  scope.startsWith('zones/') ? regionOfZone(scope.slice(6)) : scope.replace(/^regions\//, '');

/**
 * Compute Engine through @google-cloud/compute (REST transport). Aggregated lists cover every zone in one paged
 * call, read once per scan; each region takes its own part.
 */
@Injectable()
export class GcpProvider implements CloudProviderAdapter<'gcp'> {
  readonly provider = 'gcp' as const;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  clientOptions(credentials: GcpCredentials) {
    return {
      projectId: credentials.project_id,
      credentials: {
        client_email: credentials.service_account.client_email,
        private_key: credentials.service_account.private_key,
      },
      fallback: true,
      ...(this.config.gcp.apiEndpoint ? { apiEndpoint: this.config.gcp.apiEndpoint } : {}),
    };
  }

  async verifyIdentity(credentials: GcpCredentials): Promise<Identity> {
    const projects = new (await loadSdk()).ProjectsClient(this.clientOptions(credentials));
    try {
      const [project] = await projects.get({ project: credentials.project_id });
      return {
        identity: credentials.service_account.client_email,
        accountIdentifier: project.name ?? credentials.project_id,
      };
    } catch (error) {
      const e = error as { code?: number; message?: string };
      // gRPC-style codes: 7 PERMISSION_DENIED, 16 UNAUTHENTICATED; HTTP 401/403 through the REST fallback.
      if ([7, 16, 401, 403].includes(e.code ?? 0))
        throw new ProviderCallError(`GCP rejected the credentials: ${e.message}`, 'rejected_credentials');
      throw new ProviderCallError(`GCP did not answer: ${e.message ?? String(error)}`, 'unreachable');
    } finally {
      await projects.close();
    }
  }

  async openScanner(credentials: GcpCredentials): Promise<CloudScanner> {
    return new GcpScanner(await loadSdk(), credentials.project_id, this.clientOptions(credentials));
  }
}

class GcpScanner implements CloudScanner {
  private readonly disks: DisksClient;
  private readonly addresses: AddressesClient;
  private readonly snapshots: SnapshotsClient;
  private readonly instances: InstancesClient;
  private inventory?: Promise<Inventory>;

  constructor(
    sdk: GcpSdk,
    private readonly project: string,
    options: ReturnType<GcpProvider['clientOptions']>,
  ) {
    this.disks = new sdk.DisksClient(options);
    this.addresses = new sdk.AddressesClient(options);
    this.snapshots = new sdk.SnapshotsClient(options);
    this.instances = new sdk.InstancesClient(options);
  }

  close(): void {
    for (const client of [this.disks, this.addresses, this.snapshots, this.instances]) void client.close();
  }

  private async aggregated<T>(
    list: AsyncIterable<[string, Record<string, unknown>]>,
    field: string,
  ): Promise<T[]> {
    const out: T[] = [];
    for await (const [scope, scoped] of list)
      for (const item of (scoped[field] as T[] | undefined) ?? [])
        out.push(Object.assign(item as object, { __region: regionOfScope(scope) }) as T);
    return out;
  }

  private load(): Promise<Inventory> {
    const project = this.project;
    this.inventory ??= (async () => {
      const [disks, addresses, instances] = await Promise.all([
        this.aggregated<Disk>(
          this.disks.aggregatedListAsync({ project }) as AsyncIterable<[string, Record<string, unknown>]>,
          'disks',
        ),
        this.aggregated<Address>(
          this.addresses.aggregatedListAsync({ project }) as AsyncIterable<[string, Record<string, unknown>]>,
          'addresses',
        ),
        this.aggregated<Instance>(
          this.instances.aggregatedListAsync({ project }) as AsyncIterable<[string, Record<string, unknown>]>,
          'instances',
        ),
      ]);
      const snapshots: Snapshot[] = [];
      for await (const snapshot of this.snapshots.listAsync({ project })) snapshots.push(snapshot);
      return { disks, addresses, snapshots, instances };
    })();
    return this.inventory;
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    const tally: StepTally = { errors: [], succeeded: 0 };
    const findings: Finding[] = [];
    const inventory = await guardedStep(ctx, tally, 'gcp:aggregatedList', () => this.load());
    if (!inventory) return { findings, ...tally };
    const here = <T>(items: T[]) => items.filter((i) => (i as { __region?: string }).__region === ctx.region);
    const ruleCtx = (type: string) => ruleContext(ctx, type);
    const add = (f: Finding | null) => f && findings.push(f);

    const disks = here(inventory.disks);
    ctx.step('gcp:disks', disks.length);
    const diskRule = ruleCtx('gcp_disk');
    if (diskRule) for (const disk of disks) add(unattachedGcpDisk(disk, diskRule));

    const addresses = here(inventory.addresses);
    ctx.step('gcp:addresses', addresses.length);
    const addressRule = ruleCtx('gcp_address');
    if (addressRule) for (const address of addresses) add(unusedGcpAddress(address, addressRule));

    // Snapshots are global: each is reported under the regions of its storage locations (`us` covers us-*); the
    // runner keeps one finding per resource.
    const snapshotRule = ruleCtx('gcp_snapshot');
    const snapshots = inventory.snapshots.filter((s) =>
      (s.storageLocations ?? []).some(
        (location) => ctx.region.startsWith(location) || location === ctx.region,
      ),
    );
    ctx.step('gcp:snapshots', snapshots.length);
    if (snapshotRule) for (const snapshot of snapshots) add(oldGcpSnapshot(snapshot, snapshotRule));

    const instances = here(inventory.instances);
    ctx.step('gcp:instances', instances.length);
    const instanceRule = ruleCtx('gcp_instance');
    const disksByUrl = new Map(inventory.disks.map((d) => [d.selfLink ?? '', d]));
    if (instanceRule)
      for (const instance of instances) add(stoppedGcpInstance(instance, disksByUrl, instanceRule));
    return { findings, ...tally };
  }
}
