import type { ComputeManagementClient, Disk, Snapshot, VirtualMachine } from '@azure/arm-compute';
import type { NetworkManagementClient, PublicIPAddress } from '@azure/arm-network';
import type { ClientSecretCredential } from '@azure/identity';
import { Inject, Injectable } from '@nestjs/common';
import {
  deallocatedAzureVm,
  oldAzureSnapshot,
  unassociatedAzureIp,
  unattachedAzureDisk,
} from '../../rules/azure-rules.js';
import type { Finding } from '../../rules/finding.js';
import { scansConfig, type ScansConfig } from '../../scans.config.js';
import {
  guardedStep,
  ruleContext,
  ProviderCallError,
  type AzureCredentials,
  type CloudProviderAdapter,
  type CloudScanner,
  type Identity,
  type RegionScanContext,
  type RegionScanResult,
  type StepTally,
} from '../provider.js';

const MANAGEMENT_SCOPE = 'https://management.azure.com/.default';

/** The Azure SDKs, loaded on first use (about 100 MB of memory). */
interface AzureSdk {
  compute: typeof import('@azure/arm-compute');
  network: typeof import('@azure/arm-network');
  identity: typeof import('@azure/identity');
}
let sdkLoading: Promise<AzureSdk> | undefined;
const loadSdk = (): Promise<AzureSdk> =>
  (sdkLoading ??= Promise.all([
    import('@azure/arm-compute'),
    import('@azure/arm-network'),
    import('@azure/identity'),
  ]).then(([compute, network, identity]) => ({ compute, network, identity })));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

interface Inventory {
  disks: Disk[];
  snapshots: Snapshot[];
  vms: VirtualMachine[];
  ips: PublicIPAddress[];
}

/**
 * Azure Resource Manager through @azure/arm-compute and @azure/arm-network. Listing is per subscription, so the
 * inventory is read once per scan and each region takes its own locations from it.
 */
@Injectable()
export class AzureProvider implements CloudProviderAdapter<'azure'> {
  readonly provider = 'azure' as const;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  credential(sdk: AzureSdk, credentials: AzureCredentials): ClientSecretCredential {
    return new sdk.identity.ClientSecretCredential(
      credentials.tenant_id,
      credentials.client_id,
      credentials.client_secret,
      {
        authorityHost: this.config.azure.authorityHost,
      },
    );
  }

  clients(sdk: AzureSdk, credentials: AzureCredentials) {
    const credential = this.credential(sdk, credentials);
    const endpoint = this.config.azure.endpoint;
    const options = endpoint ? { endpoint } : {};
    return {
      compute: new sdk.compute.ComputeManagementClient(credential, credentials.subscription_id, options),
      network: new sdk.network.NetworkManagementClient(credential, credentials.subscription_id, options),
    };
  }

  async verifyIdentity(credentials: AzureCredentials, signal?: AbortSignal): Promise<Identity> {
    const sdk = await loadSdk();
    try {
      await this.credential(sdk, credentials).getToken(MANAGEMENT_SCOPE, { abortSignal: signal });
      const { compute } = this.clients(sdk, credentials);
      // One page of disks: proves the principal can read the subscription.
      await compute.disks.list({ abortSignal: signal }).byPage().next();
      return {
        identity: `${credentials.client_id}@${credentials.tenant_id}`,
        accountIdentifier: credentials.subscription_id,
      };
    } catch (error) {
      const e = error as { name?: string; statusCode?: number; message?: string };
      if (e.name === 'AuthenticationError' || e.statusCode === 401 || e.statusCode === 403)
        throw new ProviderCallError(
          `Azure rejected the credentials: ${e.message}`,
          'rejected_credentials',
          e.name,
        );
      throw new ProviderCallError(
        `Azure did not answer: ${e.message ?? String(error)}`,
        'unreachable',
        e.name,
      );
    }
  }

  async openScanner(credentials: AzureCredentials): Promise<CloudScanner> {
    return new AzureScanner(this.clients(await loadSdk(), credentials));
  }
}

class AzureScanner implements CloudScanner {
  private inventory?: Promise<Inventory>;

  constructor(
    private readonly clients: { compute: ComputeManagementClient; network: NetworkManagementClient },
  ) {}

  close(): void {
    this.inventory = undefined;
  }

  private load(signal: AbortSignal): Promise<Inventory> {
    const { compute, network } = this.clients;
    const opts = { abortSignal: signal };
    this.inventory ??= Promise.all([
      collect(compute.disks.list(opts)),
      collect(compute.snapshots.list(opts)),
      collect(compute.virtualMachines.listAll({ ...opts, statusOnly: 'true' })),
      collect(network.publicIPAddresses.listAll(opts)),
    ]).then(([disks, snapshots, vms, ips]) => ({ disks, snapshots, vms, ips }));
    return this.inventory;
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    const tally: StepTally = { errors: [], succeeded: 0 };
    const findings: Finding[] = [];
    const inventory = await guardedStep(ctx, tally, 'azure:list', () => this.load(ctx.signal));
    if (!inventory) return { findings, ...tally };
    const here = <T extends { location?: string }>(items: T[]) =>
      items.filter((i) => i.location?.toLowerCase() === ctx.region.toLowerCase());
    const disks = here(inventory.disks);
    const ruleCtx = (type: string) => ruleContext(ctx, type);
    const add = (f: Finding | null) => f && findings.push(f);
    ctx.step('azure:disks', disks.length);

    const diskRule = ruleCtx('azure_managed_disk');
    if (diskRule) for (const disk of disks) add(unattachedAzureDisk(disk, diskRule));

    const snapshotRule = ruleCtx('azure_snapshot');
    const snapshots = here(inventory.snapshots);
    ctx.step('azure:snapshots', snapshots.length);
    const diskIds = inventory.disks.map((d) => d.id as string);
    if (snapshotRule)
      for (const snapshot of snapshots) add(oldAzureSnapshot(snapshot, diskIds, snapshotRule));

    const vmRule = ruleCtx('azure_vm');
    const vms = here(inventory.vms);
    ctx.step('azure:virtualMachines', vms.length);
    if (vmRule) for (const vm of vms) add(deallocatedAzureVm(vm, inventory.disks, vmRule));

    const ipRule = ruleCtx('azure_public_ip');
    const ips = here(inventory.ips);
    ctx.step('azure:publicIPAddresses', ips.length);
    if (ipRule) {
      const idle = ips.filter((ip) => !ip.ipConfiguration && !ip.natGateway);
      const firstSeen = await ctx.sightings(
        'azure_public_ip',
        idle.map((ip) => ip.id as string),
      );
      for (const ip of idle) add(unassociatedAzureIp(ip, firstSeen.get(ip.id as string) ?? ctx.now, ipRule));
    }
    return { findings, ...tally };
  }
}
