import type { Disk, PublicIpAddress, Snapshot, VirtualMachine } from '../providers/azure/arm-types.js';
import { LIST_PRICES } from '../pricing/list-prices.js';
import { PriceBook } from '../pricing/price-book.js';
import type { RuleContext } from './finding.js';
import {
  deallocatedAzureVm,
  oldAzureSnapshot,
  unassociatedAzureIp,
  unattachedAzureDisk,
} from './azure-rules.js';
import { defaultSettings, RULES_BY_TYPE } from './catalog.js';
import {
  oldGcpSnapshot,
  regionOfZone,
  stoppedGcpInstance,
  unattachedGcpDisk,
  unusedGcpAddress,
} from './gcp-rules.js';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const prices = new PriceBook(LIST_PRICES.map((p) => ({ ...p, region: '*' })));
const ctx = (type: string, region: string): RuleContext => ({
  region,
  now,
  prices,
  settings: defaultSettings(RULES_BY_TYPE.get(type)!),
});

// Objects shaped as Azure Resource Manager returns them over REST (JSON, `properties` not flattened).
const SUB = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-prod/providers';
const disk = (
  name: string,
  over: Partial<Disk['properties']> = {},
  top: Partial<Omit<Disk, 'properties'>> = {},
): Disk => ({
  id: `${SUB}/Microsoft.Compute/disks/${name}`,
  name,
  type: 'Microsoft.Compute/disks',
  location: 'westeurope',
  sku: { name: 'Premium_LRS', tier: 'Premium' },
  ...top,
  properties: { diskSizeGB: 128, diskState: 'Unattached', timeCreated: daysAgo(40).toISOString(), ...over },
});

describe('Azure rules', () => {
  const c = (type: string) => ctx(type, 'westeurope');

  it('reports unattached managed disks priced by SKU', () => {
    expect(unattachedAzureDisk(disk('data-1'), c('azure_managed_disk'))?.monthlyCost).toBe(22.4);
    expect(
      unattachedAzureDisk(disk('data-2', {}, { sku: { name: 'Standard_LRS' } }), c('azure_managed_disk'))
        ?.monthlyCost,
    ).toBe(6.14);
    expect(
      unattachedAzureDisk(
        disk('os', { diskState: 'Attached' }, { managedBy: `${SUB}/Microsoft.Compute/virtualMachines/vm1` }),
        c('azure_managed_disk'),
      ),
    ).toBeNull();
    expect(
      unattachedAzureDisk(disk('new', { timeCreated: daysAgo(2).toISOString() }), c('azure_managed_disk')),
    ).toBeNull();
  });

  it('reports static public IPs attached to nothing', () => {
    const ip: PublicIpAddress = {
      id: `${SUB}/Microsoft.Network/publicIPAddresses/pip-old`,
      name: 'pip-old',
      location: 'westeurope',
      sku: { name: 'Standard' },
      properties: { publicIPAllocationMethod: 'Static', ipAddress: '20.1.2.3' },
    };
    expect(unassociatedAzureIp(ip, daysAgo(5), c('azure_public_ip'))?.monthlyCost).toBe(3);
    const used = { ...ip, properties: { ...ip.properties, ipConfiguration: { id: 'nic' } } };
    expect(unassociatedAzureIp(used, daysAgo(5), c('azure_public_ip'))).toBeNull();
    expect(unassociatedAzureIp(ip, daysAgo(1), c('azure_public_ip'))).toBeNull();
  });

  it('reports old snapshots and says when their disk is gone', () => {
    const snapshot: Snapshot = {
      id: `${SUB}/Microsoft.Compute/snapshots/snap-1`,
      name: 'snap-1',
      location: 'westeurope',
      properties: {
        timeCreated: daysAgo(120).toISOString(),
        diskSizeGB: 100,
        incremental: false,
        creationData: { createOption: 'Copy', sourceResourceId: `${SUB}/Microsoft.Compute/disks/GONE` },
      },
    };
    const found = oldAzureSnapshot(snapshot, [disk('data-1').id], c('azure_snapshot'));
    expect(found).toMatchObject({ monthlyCost: 5, metadata: { source_gone: true, confidence: 'critical' } });
    const young = {
      ...snapshot,
      properties: { ...snapshot.properties, timeCreated: daysAgo(30).toISOString() },
    };
    expect(oldAzureSnapshot(young, [], c('azure_snapshot'))).toBeNull();
  });

  it('reports VMs deallocated for long, costed by their disks', () => {
    const vmId = `${SUB}/Microsoft.Compute/virtualMachines/vm-old`;
    const vm: VirtualMachine = {
      id: vmId,
      name: 'vm-old',
      location: 'westeurope',
      properties: {
        hardwareProfile: { vmSize: 'Standard_D2s_v3' },
        instanceView: {
          statuses: [
            {
              code: 'ProvisioningState/succeeded',
              displayStatus: 'Provisioning succeeded',
              time: daysAgo(50).toISOString(),
            },
            { code: 'PowerState/deallocated', displayStatus: 'VM deallocated' },
          ],
        },
      },
    };
    const disks = [disk('os', { diskState: 'Reserved' }, { managedBy: vmId.toUpperCase() }), disk('other')];
    expect(deallocatedAzureVm(vm, disks, c('azure_vm'))?.monthlyCost).toBe(22.4);
    const running: VirtualMachine = {
      ...vm,
      properties: { instanceView: { statuses: [{ code: 'PowerState/running' }] } },
    };
    expect(deallocatedAzureVm(running, disks, c('azure_vm'))).toBeNull();
  });
});

// Objects shaped as the Compute Engine REST API returns them (JSON: int64 as strings, URLs for references).
const GCP = 'https://www.googleapis.com/compute/v1/projects/acme-prod';
describe('GCP rules', () => {
  const c = (type: string) => ctx(type, 'us-central1');

  it('maps zones to regions', () => expect(regionOfZone('europe-west1-b')).toBe('europe-west1'));

  it('reports persistent disks with no users', () => {
    const pd = {
      id: '4567890123',
      name: 'pd-old',
      sizeGb: '200',
      status: 'READY',
      zone: `${GCP}/zones/us-central1-a`,
      type: `${GCP}/zones/us-central1-a/diskTypes/pd-ssd`,
      selfLink: `${GCP}/zones/us-central1-a/disks/pd-old`,
      creationTimestamp: daysAgo(100).toISOString().replace('Z', '-00:00'),
      lastDetachTimestamp: daysAgo(35).toISOString(),
      users: [],
    };
    expect(unattachedGcpDisk(pd, c('gcp_disk'))).toMatchObject({
      monthlyCost: 34,
      metadata: { confidence: 'high' },
    });
    expect(
      unattachedGcpDisk({ ...pd, users: [`${GCP}/zones/us-central1-a/instances/vm`] }, c('gcp_disk')),
    ).toBeNull();
  });

  it('reports reserved addresses in no use, old snapshots and stopped instances', () => {
    const address = {
      id: '1',
      name: 'ip-1',
      address: '34.1.2.3',
      status: 'RESERVED',
      addressType: 'EXTERNAL',
      creationTimestamp: daysAgo(10).toISOString(),
    };
    expect(unusedGcpAddress(address, c('gcp_address'))?.monthlyCost).toBe(7.3);
    expect(unusedGcpAddress({ ...address, status: 'IN_USE' }, c('gcp_address'))).toBeNull();
    const snapshot = {
      id: '2',
      name: 'snap',
      status: 'READY',
      storageBytes: String(50 * 1024 ** 3),
      creationTimestamp: daysAgo(200).toISOString(),
      storageLocations: ['us'],
    };
    expect(oldGcpSnapshot(snapshot, c('gcp_snapshot'))?.monthlyCost).toBe(1.3);
    const disk = {
      name: 'boot',
      sizeGb: '10',
      type: `${GCP}/zones/us-central1-a/diskTypes/pd-balanced`,
      selfLink: `${GCP}/zones/us-central1-a/disks/boot`,
    };
    const instance = {
      id: '3',
      name: 'vm',
      status: 'TERMINATED',
      lastStopTimestamp: daysAgo(60).toISOString(),
      disks: [{ source: disk.selfLink }],
    };
    expect(
      stoppedGcpInstance(instance, new Map([[disk.selfLink, disk]]), c('gcp_instance'))?.monthlyCost,
    ).toBe(1);
    expect(stoppedGcpInstance({ ...instance, status: 'RUNNING' }, new Map(), c('gcp_instance'))).toBeNull();
  });
});
