import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import {
  deallocatedAzureVm,
  emptyAzureAppServicePlan,
  emptyAzureApplicationGateway,
  emptyAzureLoadBalancer,
  hasNoBackend,
  idleAzureSqlDatabase,
  idleAzureVm,
  oldAzureSnapshot,
  powerState,
  stoppedNotDeallocatedAzureVm,
  unassociatedAzureIp,
  unattachedAzureDisk,
  unusedAzureNatGateway,
  unusedAzureStorageAccount,
} from '../../rules/azure-rules.js';
import type { Finding, RuleContext } from '../../rules/finding.js';
import { summarise } from '../../rules/metric-summary.js';
import { scansConfig, type ScansConfig } from '../../scans.config.js';
import {
  guardedStep,
  ruleContext,
  type AzureCredentials,
  type CloudProviderAdapter,
  type CloudScanner,
  type Identity,
  type RegionScanContext,
  type RegionScanResult,
  type StepTally,
} from '../provider.js';
import { providerCallError } from '../rest/provider-call-error.js';
import { ArmClient, METRICS_BATCH_SIZE, type Aggregation } from './arm.client.js';
import type {
  ApplicationGateway,
  AppServicePlan,
  ArmResource,
  Disk,
  LoadBalancer,
  NatGateway,
  PublicIpAddress,
  Snapshot,
  SqlDatabase,
  SqlServer,
  StorageAccount,
  VirtualMachine,
} from './arm-types.js';

/** The subscription-wide lists a scan reads, by step name: resource type, api-version, extra query. */
const LISTS = {
  disks: ['Microsoft.Compute/disks', '2023-04-02'],
  snapshots: ['Microsoft.Compute/snapshots', '2023-04-02'],
  virtualMachines: ['Microsoft.Compute/virtualMachines', '2024-03-01', { statusOnly: 'true' }],
  publicIPAddresses: ['Microsoft.Network/publicIPAddresses', '2023-09-01'],
  loadBalancers: ['Microsoft.Network/loadBalancers', '2023-09-01'],
  applicationGateways: ['Microsoft.Network/applicationGateways', '2023-09-01'],
  natGateways: ['Microsoft.Network/natGateways', '2023-09-01'],
  sqlServers: ['Microsoft.Sql/servers', '2021-11-01'],
  storageAccounts: ['Microsoft.Storage/storageAccounts', '2023-01-01'],
  serverfarms: ['Microsoft.Web/serverfarms', '2022-09-01'],
} as const satisfies Record<string, readonly [string, string, Record<string, string>?]>;
type ListName = keyof typeof LISTS;

const DEFAULT_ENDPOINT = 'https://management.azure.com';
const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

/**
 * Azure Resource Manager through its REST API (see ArmClient). Lists are per subscription, read once per scan and
 * shared by the regions, each taking its own locations; metrics are read only for candidates, 50 resources a call
 * (metrics:getBatch), per resource when a batch fails.
 */
@Injectable()
export class AzureProvider implements CloudProviderAdapter<'azure'> {
  readonly provider = 'azure' as const;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  client(credentials: AzureCredentials): ArmClient {
    return new ArmClient(credentials, {
      endpoint: this.config.azure.endpoint ?? DEFAULT_ENDPOINT,
      authorityHost: this.config.azure.authorityHost ?? DEFAULT_AUTHORITY,
      metricsEndpoint: this.config.azure.metricsEndpoint,
      ...this.config.rest,
    });
  }

  async verifyIdentity(credentials: AzureCredentials, signal?: AbortSignal): Promise<Identity> {
    const arm = this.client(credentials);
    try {
      const subscription = await arm.get<{ subscriptionId: string; state?: string }>(
        arm.subscription,
        '2022-12-01',
        signal,
      );
      return {
        identity: `${credentials.client_id}@${credentials.tenant_id}`,
        accountIdentifier: subscription.subscriptionId,
      };
    } catch (error) {
      throw providerCallError('Azure', error);
    }
  }

  async openScanner(credentials: AzureCredentials): Promise<CloudScanner> {
    return new AzureScanner(this.client(credentials), this.config.worker.requestConcurrency);
  }
}

/** One metric of one resource type, read for many resources of a region. */
interface MetricQuery {
  namespace: string;
  metric: string;
  aggregation: Aggregation;
  days: number;
}

class AzureScanner implements CloudScanner {
  private lists = new Map<string, Promise<unknown[]>>();
  private readonly limit: ReturnType<typeof pLimit>;
  /** Metric queries (namespace and name) whose batch call failed once: the rest of the scan asks per resource. */
  private readonly unbatched = new Set<string>();

  constructor(
    private readonly arm: ArmClient,
    concurrency: number,
  ) {
    this.limit = pLimit(concurrency);
  }

  close(): void {
    this.lists.clear();
  }

  /** One subscription-wide list, read once per scan; a failure is the step's in every region. */
  private all<T>(name: ListName | string, read: () => Promise<T[]>): Promise<T[]> {
    let list = this.lists.get(name);
    if (!list) {
      list = read();
      this.lists.set(name, list);
    }
    return list as Promise<T[]>;
  }

  private listed<T>(name: ListName, signal: AbortSignal): Promise<T[]> {
    const [type, version, query] = LISTS[name] as readonly [string, string, Record<string, string>?];
    return this.all(name, () => this.arm.listAll<T>(type, version, signal, query));
  }

  /**
   * Daily values of one metric for each resource, in order: Azure Monitor `metrics:getBatch` for 50 resources a
   * call; when a batch call fails (an endpoint not reachable, a metric it refuses), that batch and the rest of the
   * query's are read with the per-resource metrics API instead, as is any resource a batch answer left out.
   */
  private async dailyMetrics(ctx: RegionScanContext, query: MetricQuery, ids: string[]): Promise<number[][]> {
    const key = `${query.namespace} ${query.metric}`;
    const single = (id: string) =>
      this.limit(() =>
        this.arm.dailyMetric(id, query.metric, query.aggregation, query.days, ctx.now, ctx.signal),
      );
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += METRICS_BATCH_SIZE)
      chunks.push(ids.slice(i, i + METRICS_BATCH_SIZE));
    const answers = await Promise.all(
      chunks.map(async (chunk) => {
        let batch: Map<string, number[]> | undefined;
        if (!this.unbatched.has(key))
          try {
            batch = await this.limit(() =>
              this.arm.dailyMetricBatch({ region: ctx.region, ...query }, chunk, ctx.now, ctx.signal),
            );
          } catch (error) {
            if (ctx.signal.aborted) throw error;
            this.unbatched.add(key);
          }
        return Promise.all(chunk.map((id) => batch?.get(id.toLowerCase()) ?? single(id)));
      }),
    );
    return answers.flat();
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    const tally: StepTally = { errors: [], succeeded: 0 };
    const findings: Finding[] = [];
    const add = (f: Finding | null) => f && findings.push(f);
    const signal = ctx.signal;
    const here = <T extends ArmResource>(items: T[]) =>
      items.filter((i) => i.location?.toLowerCase() === ctx.region.toLowerCase());
    /** Lists `name`, keeps this region's part and counts it as scanned. */
    const local = async <T extends ArmResource>(name: ListName) => {
      const items = here(await this.listed<T>(name, signal));
      ctx.step(name, items.length);
      return items;
    };
    /** Resources without a creation time are judged on how long the scanner has seen them idle. */
    const sighted = async <T extends ArmResource>(
      type: string,
      rule: RuleContext,
      idle: T[],
      judge: (item: T, seen: Date, rule: RuleContext) => Finding | null,
    ) => {
      const firstSeen = await ctx.sightings(
        type,
        idle.map((i) => i.id),
      );
      for (const item of idle) add(judge(item, firstSeen.get(item.id) ?? ctx.now, rule));
    };

    const allDisks = await guardedStep(ctx, tally, 'disks', () => this.listed<Disk>('disks', signal));
    const diskRule = ruleContext(ctx, 'azure_managed_disk');
    if (allDisks) {
      const disks = here(allDisks);
      ctx.step('disks', disks.length);
      if (diskRule) for (const disk of disks) add(unattachedAzureDisk(disk, diskRule));
    }

    const snapshotRule = ruleContext(ctx, 'azure_snapshot');
    // Without the disk list, "source disk gone" cannot be judged: skip rather than misreport.
    if (snapshotRule && allDisks)
      await guardedStep(ctx, tally, 'snapshots', async () => {
        const ids = allDisks.map((d) => d.id);
        for (const snapshot of await local<Snapshot>('snapshots'))
          add(oldAzureSnapshot(snapshot, ids, snapshotRule));
      });

    const vms = await guardedStep(ctx, tally, 'virtualMachines', () =>
      local<VirtualMachine>('virtualMachines'),
    );
    if (vms) {
      const deallocatedRule = ruleContext(ctx, 'azure_vm');
      if (deallocatedRule && allDisks)
        for (const vm of vms) add(deallocatedAzureVm(vm, allDisks, deallocatedRule));
      const stoppedRule = ruleContext(ctx, 'azure_vm_stopped');
      if (stoppedRule) for (const vm of vms) add(stoppedNotDeallocatedAzureVm(vm, stoppedRule));
      const idleRule = ruleContext(ctx, 'azure_idle_vm');
      const running = vms.filter((vm) => powerState(vm) === 'running');
      if (idleRule && running.length > 0)
        await guardedStep(ctx, tally, 'virtualMachines:metrics', async () => {
          const cpu = await this.dailyMetrics(
            ctx,
            {
              namespace: 'Microsoft.Compute/virtualMachines',
              metric: 'Percentage CPU',
              aggregation: 'Average',
              days: idleRule.settings.params.lookback_days,
            },
            running.map((vm) => vm.id),
          );
          running.forEach((vm, i) => add(idleAzureVm(vm, summarise(cpu[i]), idleRule)));
        });
    }

    const ipRule = ruleContext(ctx, 'azure_public_ip');
    if (ipRule)
      await guardedStep(ctx, tally, 'publicIPAddresses', async () => {
        const idle = (await local<PublicIpAddress>('publicIPAddresses')).filter(
          (ip) => !ip.properties.ipConfiguration && !ip.properties.natGateway,
        );
        await sighted('azure_public_ip', ipRule, idle, unassociatedAzureIp);
      });

    const lbRule = ruleContext(ctx, 'azure_load_balancer');
    if (lbRule)
      await guardedStep(ctx, tally, 'loadBalancers', async () => {
        const lbs = await local<LoadBalancer>('loadBalancers');
        const idle = lbs.filter(hasNoBackend);
        await sighted('azure_load_balancer', lbRule, idle, emptyAzureLoadBalancer);
      });

    const gatewayRule = ruleContext(ctx, 'azure_application_gateway');
    if (gatewayRule)
      await guardedStep(ctx, tally, 'applicationGateways', async () => {
        const gateways = await local<ApplicationGateway>('applicationGateways');
        const idle = gateways.filter(hasNoBackend);
        await sighted('azure_application_gateway', gatewayRule, idle, emptyAzureApplicationGateway);
      });

    const natRule = ruleContext(ctx, 'azure_nat_gateway');
    if (natRule)
      await guardedStep(ctx, tally, 'natGateways', async () => {
        const idle = (await local<NatGateway>('natGateways')).filter((n) => !n.properties.subnets?.length);
        await sighted('azure_nat_gateway', natRule, idle, unusedAzureNatGateway);
      });

    const planRule = ruleContext(ctx, 'azure_app_service_plan');
    if (planRule)
      await guardedStep(ctx, tally, 'serverfarms', async () => {
        const idle = (await local<AppServicePlan>('serverfarms')).filter((p) => !p.properties.numberOfSites);
        await sighted('azure_app_service_plan', planRule, idle, emptyAzureAppServicePlan);
      });

    const sqlRule = ruleContext(ctx, 'azure_sql_database');
    if (sqlRule)
      await guardedStep(ctx, tally, 'sqlDatabases', async () => {
        const servers = await local<SqlServer>('sqlServers');
        const databases = (
          await Promise.all(
            servers.map((server) =>
              this.limit(() => this.arm.list<SqlDatabase>(`${server.id}/databases`, '2021-11-01', signal)),
            ),
          )
        )
          .flat()
          .filter((db) => db.name !== 'master');
        ctx.step('sqlDatabases', databases.length);
        const connections = await this.dailyMetrics(
          ctx,
          {
            namespace: 'Microsoft.Sql/servers/databases',
            metric: 'connection_successful',
            aggregation: 'Total',
            days: sqlRule.settings.params.lookback_days,
          },
          databases.map((db) => db.id),
        );
        databases.forEach((db, i) => add(idleAzureSqlDatabase(db, summarise(connections[i]), sqlRule)));
      });

    const storageRule = ruleContext(ctx, 'azure_storage_account');
    if (storageRule)
      await guardedStep(ctx, tally, 'storageAccounts', async () => {
        const accounts = await local<StorageAccount>('storageAccounts');
        const query = (metric: string, aggregation: Aggregation) => ({
          namespace: 'Microsoft.Storage/storageAccounts',
          metric,
          aggregation,
          days: storageRule.settings.params.lookback_days,
        });
        const transactions = (
          await this.dailyMetrics(
            ctx,
            query('Transactions', 'Total'),
            accounts.map((a) => a.id),
          )
        ).map(summarise);
        const quiet = accounts.filter(
          (_, i) => transactions[i].sum <= storageRule.settings.params.max_transactions,
        );
        const used = await this.dailyMetrics(
          ctx,
          query('UsedCapacity', 'Average'),
          quiet.map((a) => a.id),
        );
        quiet.forEach((account, i) =>
          add(
            unusedAzureStorageAccount(
              account,
              transactions[accounts.indexOf(account)],
              used[i].at(-1) ?? 0,
              storageRule,
            ),
          ),
        );
      });

    return { findings, ...tally };
  }
}
