import { LIST_PRICES } from '../pricing/list-prices.js';
import { PriceBook } from '../pricing/price-book.js';
import type { AppServicePlan, LoadBalancer, VirtualMachine } from '../providers/azure/arm-types.js';
import type { GraphUser } from '../providers/m365/graph-types.js';
import {
  emptyAzureAppServicePlan,
  emptyAzureLoadBalancer,
  idleAzureSqlDatabase,
  idleAzureVm,
  stoppedNotDeallocatedAzureVm,
} from './azure-rules.js';
import { defaultSettings, RULES, RULES_BY_TYPE } from './catalog.js';
import type { RuleContext } from './finding.js';
import {
  downGcpVpnTunnel,
  emptyGkeCluster,
  idleGcpCloudNat,
  idleGcpCloudSql,
  idleGcpInstance,
  isSystemNamespace,
} from './gcp-rules.js';
import { summarise } from './metric-summary.js';
import {
  excessiveVersions,
  lastSignIn,
  oldRecycleBin,
  untouchedLargeFile,
  wastedLicences,
} from './m365-rules.js';

const now = new Date('2026-06-01T00:00:00Z');
const ago = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
const prices = new PriceBook(LIST_PRICES.map((p) => ({ ...p, region: '*' })));
const ctx = (type: string, region = 'westeurope', params: Record<string, number> = {}): RuleContext => {
  const settings = defaultSettings(RULES_BY_TYPE.get(type)!);
  return { region, now, prices, settings: { ...settings, params: { ...settings.params, ...params } } };
};
const days = (n: number, value: number) => Array.from({ length: n }, () => value);

describe('catalogue', () => {
  it('prices every key its rules name with a list price', () => {
    const keys = new Set(LIST_PRICES.map((p) => p.key));
    expect(new Set(RULES.map((r) => r.resourceType)).size).toBe(RULES.length);
    for (const key of ['azure.vm.Standard_B2s.month', 'gcp.gke.cluster.month', 'm365.license.SPE_E3.month'])
      expect(keys).toContain(key);
  });
});

describe('Azure rules on ARM documents', () => {
  const vm = (power: string, changedDaysAgo: number, created = 100): VirtualMachine => ({
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm',
    name: 'vm',
    location: 'westeurope',
    properties: {
      timeCreated: ago(created),
      hardwareProfile: { vmSize: 'Standard_D2s_v3' },
      instanceView: {
        statuses: [
          { code: 'ProvisioningState/succeeded', time: ago(changedDaysAgo) },
          { code: `PowerState/${power}` },
        ],
      },
    },
  });

  it('bills a stopped, not deallocated VM at its full compute price, after the threshold', () => {
    expect(stoppedNotDeallocatedAzureVm(vm('stopped', 10), ctx('azure_vm_stopped'))?.monthlyCost).toBe(70.08);
    expect(stoppedNotDeallocatedAzureVm(vm('stopped', 3), ctx('azure_vm_stopped'))).toBeNull();
    expect(stoppedNotDeallocatedAzureVm(vm('deallocated', 10), ctx('azure_vm_stopped'))).toBeNull();
  });

  it('calls a VM idle only when every day of a full lookback stayed under the CPU threshold', () => {
    const rule = ctx('azure_idle_vm');
    expect(idleAzureVm(vm('running', 1), summarise(days(14, 2)), rule)?.metadata.confidence).toBe('medium');
    expect(idleAzureVm(vm('running', 1), summarise([...days(13, 2), 9]), rule)).toBeNull();
    expect(idleAzureVm(vm('running', 1), summarise(days(5, 2)), rule)).toBeNull(); // too few days of data
    expect(idleAzureVm(vm('running', 1, 3), summarise(days(14, 2)), rule)).toBeNull(); // younger than the lookback
    expect(idleAzureVm(vm('stopped', 1), summarise(days(14, 2)), rule)).toBeNull();
  });

  it('reports only Standard load balancers whose pools are all empty', () => {
    const lb = (sku: string, members: number): LoadBalancer => ({
      id: 'lb',
      name: 'lb',
      location: 'westeurope',
      sku: { name: sku },
      properties: {
        backendAddressPools: [
          {
            properties: {
              backendIPConfigurations: Array.from({ length: members }, (_, i) => ({ id: `${i}` })),
            },
          },
        ],
      },
    });
    const seen = new Date(ago(10));
    expect(emptyAzureLoadBalancer(lb('Standard', 0), seen, ctx('azure_load_balancer'))?.monthlyCost).toBe(
      18.25,
    );
    expect(emptyAzureLoadBalancer(lb('Standard', 1), seen, ctx('azure_load_balancer'))).toBeNull();
    expect(emptyAzureLoadBalancer(lb('Basic', 0), seen, ctx('azure_load_balancer'))).toBeNull();
    expect(
      emptyAzureLoadBalancer(lb('Standard', 0), new Date(ago(2)), ctx('azure_load_balancer')),
    ).toBeNull();
  });

  it('prices an empty App Service plan per instance and skips free plans', () => {
    const plan = (tier: string, sites: number): AppServicePlan => ({
      id: 'plan',
      name: 'plan',
      location: 'westeurope',
      sku: { name: 'P1v3', tier, capacity: 3 },
      properties: { numberOfSites: sites },
    });
    const seen = new Date(ago(30));
    expect(
      emptyAzureAppServicePlan(plan('PremiumV3', 0), seen, ctx('azure_app_service_plan'))?.monthlyCost,
    ).toBe(372.3);
    expect(emptyAzureAppServicePlan(plan('PremiumV3', 1), seen, ctx('azure_app_service_plan'))).toBeNull();
    expect(emptyAzureAppServicePlan(plan('Free', 0), seen, ctx('azure_app_service_plan'))).toBeNull();
  });

  it('leaves system and busy databases alone', () => {
    const db = {
      id: 'db',
      name: 'db',
      location: 'westeurope',
      sku: { name: 'S0' },
      properties: { creationDate: ago(90) },
    };
    expect(idleAzureSqlDatabase(db, summarise(days(30, 0)), ctx('azure_sql_database'))?.monthlyCost).toBe(
      14.72,
    );
    expect(idleAzureSqlDatabase(db, summarise(days(30, 1)), ctx('azure_sql_database'))).toBeNull();
    expect(
      idleAzureSqlDatabase({ ...db, name: 'master' }, summarise([]), ctx('azure_sql_database')),
    ).toBeNull();
  });
});

describe('GCP rules on REST documents', () => {
  it('reads CPU utilisation as a fraction', () => {
    const instance = {
      id: '1',
      name: 'vm',
      status: 'RUNNING',
      machineType: 'zones/a/machineTypes/e2-small',
      creationTimestamp: ago(60),
    };
    const rule = ctx('gcp_idle_instance', 'us-central1');
    expect(idleGcpInstance(instance, summarise(days(14, 0.03)), rule)?.monthlyCost).toBe(12.23);
    expect(idleGcpInstance(instance, summarise(days(14, 0.05)), rule)).toBeNull();
  });

  it('judges Cloud NAT traffic and Cloud SQL connections over the lookback', () => {
    const router = { id: '8', name: 'r', creationTimestamp: ago(90) };
    const nat = ctx('gcp_cloud_nat', 'us-central1');
    expect(idleGcpCloudNat(router, 'n', summarise(days(30, 1000)), nat)?.monthlyCost).toBe(32.85);
    expect(idleGcpCloudNat(router, 'n', summarise(days(30, 1024 ** 2)), nat)).toBeNull();
    const sql = {
      name: 'db',
      state: 'RUNNABLE',
      createTime: ago(100),
      settings: {
        tier: 'db-f1-micro',
        activationPolicy: 'ALWAYS' as const,
        dataDiskSizeGb: '10',
        dataDiskType: 'PD_HDD',
      },
    };
    const rule = ctx('gcp_cloudsql_idle', 'us-central1');
    expect(idleGcpCloudSql(sql, summarise(days(14, 0)), rule)?.monthlyCost).toBe(8.57);
    expect(idleGcpCloudSql(sql, summarise([0, 0, 1]), rule)).toBeNull();
  });

  it('treats system namespaces as no workload', () => {
    expect(['kube-system', 'gke-managed-cim', 'gmp-system'].every(isSystemNamespace)).toBe(true);
    expect(isSystemNamespace('shop')).toBe(false);
    const cluster = { name: 'c', status: 'RUNNING', createTime: ago(30), autopilot: { enabled: true } };
    const rule = ctx('gcp_gke_cluster', 'us-central1');
    expect(emptyGkeCluster(cluster, [], rule)?.monthlyCost).toBe(73);
    expect(emptyGkeCluster(cluster, ['shop'], rule)).toBeNull();
  });

  it('reports VPN tunnels that are not established', () => {
    const tunnel = { id: '9', name: 't', status: 'FIRST_HANDSHAKE', creationTimestamp: ago(30) };
    expect(downGcpVpnTunnel(tunnel, ctx('gcp_vpn_tunnel', 'us-central1'))?.monthlyCost).toBe(36.5);
    expect(
      downGcpVpnTunnel({ ...tunnel, status: 'ESTABLISHED' }, ctx('gcp_vpn_tunnel', 'us-central1')),
    ).toBeNull();
  });
});

describe('Microsoft 365 rules on Graph documents', () => {
  const skus = new Map([['e3', 'SPE_E3']]);
  const user = (over: Partial<GraphUser>): GraphUser => ({
    id: 'u',
    userPrincipalName: 'u@contoso.com',
    accountEnabled: true,
    createdDateTime: ago(400),
    assignedLicenses: [{ skuId: 'e3' }],
    ...over,
  });
  const rule = ctx('m365_license', 'global');

  it('takes the later of interactive and non-interactive sign-ins', () => {
    expect(
      lastSignIn(
        user({ signInActivity: { lastSignInDateTime: ago(100), lastNonInteractiveSignInDateTime: ago(5) } }),
      ),
    ).toBe(ago(5));
    expect(lastSignIn(user({ signInActivity: { lastSignInDateTime: null } }))).toBeNull();
    expect(lastSignIn(user({}))).toBeUndefined();
  });

  it('prices licences of inactive and disabled users, not of active or unlicensed ones', () => {
    const inactive = user({ signInActivity: { lastSignInDateTime: ago(120) } });
    expect(wastedLicences(inactive, skus, undefined, rule)?.monthlyCost).toBe(36);
    expect(
      wastedLicences(user({ signInActivity: { lastSignInDateTime: ago(10) } }), skus, undefined, rule),
    ).toBeNull();
    // Without sign-in activity (no Entra ID P1), only disabled accounts can be judged.
    expect(wastedLicences(user({}), skus, undefined, rule)).toBeNull();
    expect(wastedLicences(user({ accountEnabled: false }), skus, undefined, rule)?.metadata.reason).toContain(
      'disabled',
    );
    expect(
      wastedLicences(user({ accountEnabled: false, assignedLicenses: [] }), skus, undefined, rule),
    ).toBeNull();
    const waitAWeek = ctx('m365_license', 'global', { min_disabled_days: 7 });
    expect(wastedLicences(user({ accountEnabled: false }), skus, new Date(ago(3)), waitAWeek)).toBeNull();
  });

  it('judges files, versions and recycle bins on their thresholds', () => {
    const file = { id: 'f', name: 'f', size: 200 * 1024 ** 2, lastModifiedDateTime: ago(400), file: {} };
    expect(untouchedLargeFile('d', file, ctx('m365_large_file', 'global'))?.resourceId).toBe('d/f');
    expect(untouchedLargeFile('d', { ...file, size: 1024 }, ctx('m365_large_file', 'global'))).toBeNull();
    const versions = Array.from({ length: 101 }, (_, i) => ({
      id: `${i}`,
      lastModifiedDateTime: ago(i),
      size: 1024 ** 3,
    }));
    expect(excessiveVersions('d', file, versions, ctx('m365_file_versions', 'global'))?.monthlyCost).toBe(20);
    expect(excessiveVersions('d', file, versions.slice(1), ctx('m365_file_versions', 'global'))).toBeNull();
    const site = { id: 's', displayName: 'S' };
    const items = [
      { id: '1', size: 1024 ** 3, deletedDateTime: ago(40) },
      { id: '2', size: 1024 ** 3, deletedDateTime: ago(2) },
    ];
    expect(oldRecycleBin(site, items, ctx('m365_recycle_bin', 'global'))?.monthlyCost).toBe(0.2);
    expect(oldRecycleBin(site, items.slice(1), ctx('m365_recycle_bin', 'global'))).toBeNull();
  });
});
