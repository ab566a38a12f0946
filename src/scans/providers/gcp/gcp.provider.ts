import { Inject, Injectable } from '@nestjs/common';
import type { Finding, RuleContext } from '../../rules/finding.js';
import {
  downGcpVpnTunnel,
  emptyGcpForwardingRule,
  emptyGkeCluster,
  idleGcpCloudNat,
  idleGcpCloudSql,
  idleGcpInstance,
  isSystemNamespace,
  oldGcpImage,
  oldGcpSnapshot,
  regionOfZone,
  stoppedGcpCloudSql,
  stoppedGcpInstance,
  unattachedGcpDisk,
  unusedGcpAddress,
  unusedGcpBucket,
} from '../../rules/gcp-rules.js';
import { summarise } from '../../rules/metric-summary.js';
import { scansConfig, type ScansConfig } from '../../scans.config.js';
import { providerCallError } from '../rest/provider-call-error.js';
import {
  guardedStep,
  ruleContext,
  type CloudProviderAdapter,
  type CloudScanner,
  type GcpCredentials,
  type Identity,
  type RegionScanContext,
  type RegionScanResult,
  type StepTally,
} from '../provider.js';
import type {
  Address,
  BackendService,
  Bucket,
  Disk,
  ForwardingRule,
  GkeCluster,
  Instance,
  Router,
  Snapshot,
  SqlInstance,
  StoredImage,
  TargetPool,
  TimeSeries,
  VpnTunnel,
} from './gcp-types.js';
import { GoogleApis, pointValues } from './google-apis.client.js';

/** The region of an aggregated-list scope (`zones/us-central1-a`, `regions/us-central1`, `global`). */
const regionOfScope = (scope: string) =>
  scope.startsWith('zones/') ? regionOfZone(scope.slice(6)) : scope.replace(/^regions\//, '');

/** A zone (`europe-west1-b`) or a region (`europe-west1`) as a region. */
const regionOfLocation = (location: string | undefined) => (location ? regionOfZone(location) : '');

/** The region-name prefix each multi-region covers (`eu` holds `europe-west1`...). */
const MULTI_REGIONS: Record<string, string> = { us: 'us-', eu: 'europe-', asia: 'asia-' };

/** Global resources stored in multi-regions (`us`, `eu`, `asia`) or regions belong to each region they cover. */
export const storedIn = (locations: string[] | undefined, region: string) =>
  (locations ?? []).some((location) => {
    const l = location.toLowerCase();
    return region === l || (!!MULTI_REGIONS[l] && region.startsWith(MULTI_REGIONS[l]));
  });

/**
 * Compute Engine, Cloud SQL, GKE, Cloud Storage and Cloud Monitoring through their REST APIs (see GoogleApis).
 * Project-wide lists and metrics are read once per scan; each region takes its own part.
 */
@Injectable()
export class GcpProvider implements CloudProviderAdapter<'gcp'> {
  readonly provider = 'gcp' as const;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  apis(credentials: GcpCredentials): GoogleApis {
    return new GoogleApis(
      credentials.project_id,
      credentials.service_account.client_email,
      credentials.service_account.private_key,
      {
        apiEndpoint: this.config.gcp.apiEndpoint,
        tokenUrl: this.config.gcp.tokenUrl,
        ...this.config.rest,
      },
    );
  }

  async verifyIdentity(credentials: GcpCredentials, signal?: AbortSignal): Promise<Identity> {
    try {
      const project = await this.apis(credentials).get<{ projectId: string }>(
        'cloudresourcemanager',
        `/v1/projects/${credentials.project_id}`,
        undefined,
        signal,
      );
      return { identity: credentials.service_account.client_email, accountIdentifier: project.projectId };
    } catch (error) {
      throw providerCallError('GCP', error);
    }
  }

  async openScanner(credentials: GcpCredentials): Promise<CloudScanner> {
    return new GcpScanner(this.apis(credentials));
  }
}

type Scoped<T> = T & { region: string };

class GcpScanner implements CloudScanner {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly apis: GoogleApis) {}

  close(): void {
    this.cache.clear();
  }

  /** Read once per scan, shared by the regions; a failure is that step's in every region. */
  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let value = this.cache.get(key);
    if (!value) {
      value = read();
      this.cache.set(key, value);
    }
    return value as Promise<T>;
  }

  private aggregated<T>(resource: string, signal: AbortSignal): Promise<Array<Scoped<T>>> {
    return this.once(`aggregated:${resource}`, async () =>
      (await this.apis.aggregated<T>(resource, resource, signal)).map(({ scope, item }) => ({
        ...item,
        region: regionOfScope(scope),
      })),
    );
  }

  private global<T>(resource: string, signal: AbortSignal): Promise<T[]> {
    const path = `/compute/v1/projects/${this.apis.project}/global/${resource}`;
    return this.once(`global:${resource}`, () => this.apis.list<T>('compute', path, 'items', signal));
  }

  private metric(
    type: string,
    aligner: 'ALIGN_MEAN' | 'ALIGN_SUM' | 'ALIGN_MAX',
    days: number,
    ctx: RegionScanContext,
  ) {
    return this.once(`metric:${type}:${aligner}:${days}`, () =>
      this.apis.timeSeries(type, aligner, days, ctx.now, ctx.signal),
    );
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    const tally: StepTally = { errors: [], succeeded: 0 };
    const findings: Finding[] = [];
    const add = (f: Finding | null) => f && findings.push(f);
    const signal = ctx.signal;
    const step = <T>(name: string, fn: () => Promise<T>) => guardedStep(ctx, tally, name, fn);
    /** This region's part of an aggregated list, counted as scanned. */
    const local = async <T>(resource: string) => {
      const items = (await this.aggregated<T>(resource, signal)).filter((i) => i.region === ctx.region);
      ctx.step(resource, items.length);
      return items;
    };
    /** Daily values of a metric by the resource label that names the resource. */
    const byLabel = async (
      type: string,
      aligner: 'ALIGN_MEAN' | 'ALIGN_SUM' | 'ALIGN_MAX',
      rule: RuleContext,
      label: string,
    ) => {
      const series = await this.metric(type, aligner, rule.settings.params.lookback_days, ctx);
      const values = new Map<string, number[]>();
      for (const s of series) {
        const key = s.resource?.labels?.[label] ?? '';
        values.set(key, [...(values.get(key) ?? []), ...pointValues(s)]);
      }
      return (key: string) => summarise(values.get(key) ?? []);
    };
    const sightings = async <T>(type: string, items: T[], id: (item: T) => string) => {
      const seen = await ctx.sightings(type, items.map(id));
      return (item: T) => seen.get(id(item)) ?? ctx.now;
    };

    const disks = await step('disks', () => local<Disk>('disks'));
    const diskRule = ruleContext(ctx, 'gcp_disk');
    if (disks && diskRule) for (const disk of disks) add(unattachedGcpDisk(disk, diskRule));

    const addressRule = ruleContext(ctx, 'gcp_address');
    if (addressRule)
      await step('addresses', async () => {
        for (const address of await local<Address>('addresses')) add(unusedGcpAddress(address, addressRule));
      });

    // Snapshots and images are global: each is reported under the regions of its storage locations (`us` covers
    // us-*); the runner keeps one finding per resource.
    const snapshotRule = ruleContext(ctx, 'gcp_snapshot');
    if (snapshotRule)
      await step('snapshots', async () => {
        const snapshots = (await this.global<Snapshot>('snapshots', signal)).filter((s) =>
          storedIn(s.storageLocations, ctx.region),
        );
        ctx.step('snapshots', snapshots.length);
        for (const snapshot of snapshots) add(oldGcpSnapshot(snapshot, snapshotRule));
      });

    for (const [resource, type, kind] of [
      ['machineImages', 'gcp_machine_image', 'machine_image'],
      ['images', 'gcp_image', 'image'],
    ] as const) {
      const rule = ruleContext(ctx, type);
      if (rule)
        await step(resource, async () => {
          const images = (await this.global<StoredImage>(resource, signal)).filter((i) =>
            storedIn(i.storageLocations, ctx.region),
          );
          ctx.step(resource, images.length);
          for (const image of images) add(oldGcpImage(image, kind, rule));
        });
    }

    const instances = await step('instances', () => local<Instance>('instances'));
    const stoppedRule = ruleContext(ctx, 'gcp_instance');
    if (instances && stoppedRule) {
      const disksByUrl = new Map((disks ?? []).map((d) => [d.selfLink ?? '', d]));
      for (const instance of instances) add(stoppedGcpInstance(instance, disksByUrl, stoppedRule));
    }
    const idleRule = ruleContext(ctx, 'gcp_idle_instance');
    const running = (instances ?? []).filter((i) => i.status === 'RUNNING');
    if (idleRule && running.length > 0)
      await step('monitoring:instances', async () => {
        const cpu = await byLabel(
          'compute.googleapis.com/instance/cpu/utilization',
          'ALIGN_MEAN',
          idleRule,
          'instance_id',
        );
        for (const instance of running) add(idleGcpInstance(instance, cpu(String(instance.id)), idleRule));
      });

    const lbRule = ruleContext(ctx, 'gcp_load_balancer');
    if (lbRule)
      await step('forwardingRules', async () => {
        const [rules, pools, services] = await Promise.all([
          local<ForwardingRule>('forwardingRules'),
          this.aggregated<TargetPool>('targetPools', signal),
          this.aggregated<BackendService>('backendServices', signal),
        ]);
        const emptyPools = new Set(pools.filter((p) => !p.instances?.length).map((p) => p.selfLink));
        const emptyServices = new Set(services.filter((s) => !s.backends?.length).map((s) => s.selfLink));
        for (const rule of rules) {
          const target = rule.backendService ?? rule.target;
          if (target && (emptyPools.has(target) || emptyServices.has(target)))
            add(emptyGcpForwardingRule(rule, target.split('/').slice(-2).join('/'), lbRule));
        }
      });

    const natRule = ruleContext(ctx, 'gcp_cloud_nat');
    if (natRule)
      await step('routers', async () => {
        const routers = (await local<Router>('routers')).filter((r) => r.nats?.length);
        if (routers.length === 0) return;
        const sent = await byLabel(
          'router.googleapis.com/nat/sent_bytes_count',
          'ALIGN_SUM',
          natRule,
          'gateway_name',
        );
        for (const router of routers)
          for (const nat of router.nats ?? [])
            add(idleGcpCloudNat(router, nat.name, sent(nat.name), natRule));
      });

    const vpnRule = ruleContext(ctx, 'gcp_vpn_tunnel');
    if (vpnRule)
      await step('vpnTunnels', async () => {
        for (const tunnel of await local<VpnTunnel>('vpnTunnels')) add(downGcpVpnTunnel(tunnel, vpnRule));
      });

    const sqlStopped = ruleContext(ctx, 'gcp_cloudsql_stopped');
    const sqlIdle = ruleContext(ctx, 'gcp_cloudsql_idle');
    if (sqlStopped || sqlIdle)
      await step('cloudsql', async () => {
        const all = await this.once('cloudsql', () =>
          this.apis.list<SqlInstance>(
            'sqladmin',
            `/v1/projects/${this.apis.project}/instances`,
            'items',
            signal,
          ),
        );
        const sql = all.filter((i) => i.region === ctx.region && i.instanceType !== 'READ_REPLICA_INSTANCE');
        ctx.step('cloudsql', sql.length);
        if (sqlStopped) {
          const stopped = sql.filter((i) => i.settings?.activationPolicy === 'NEVER');
          const since = await sightings('gcp_cloudsql_stopped', stopped, (i) => i.name);
          for (const instance of stopped) add(stoppedGcpCloudSql(instance, since(instance), sqlStopped));
        }
        const running = sql.filter((i) => i.state === 'RUNNABLE' && i.settings?.activationPolicy !== 'NEVER');
        if (sqlIdle && running.length > 0) {
          const connections = await byLabel(
            'cloudsql.googleapis.com/database/network/connections',
            'ALIGN_MAX',
            sqlIdle,
            'database_id',
          );
          for (const instance of running)
            add(idleGcpCloudSql(instance, connections(`${this.apis.project}:${instance.name}`), sqlIdle));
        }
      });

    const gkeRule = ruleContext(ctx, 'gcp_gke_cluster');
    if (gkeRule)
      await step('gke', async () => {
        const all = await this.once('gke', () =>
          this.apis.list<GkeCluster>(
            'container',
            `/v1/projects/${this.apis.project}/locations/-/clusters`,
            'clusters',
            signal,
          ),
        );
        const clusters = all.filter((c) => regionOfLocation(c.location) === ctx.region);
        ctx.step('gke', clusters.length);
        if (clusters.length === 0) return;
        const series = await this.metric(
          'kubernetes.io/container/uptime',
          'ALIGN_MAX',
          gkeRule.settings.params.lookback_days,
          ctx,
        );
        const workloads = (cluster: GkeCluster) =>
          namespacesOf(series, cluster).filter((ns) => !isSystemNamespace(ns));
        for (const cluster of clusters) add(emptyGkeCluster(cluster, workloads(cluster), gkeRule));
      });

    const bucketRule = ruleContext(ctx, 'gcp_bucket');
    if (bucketRule)
      await step('buckets', async () => {
        const all = await this.once('buckets', () =>
          this.apis.list<Bucket>('storage', '/storage/v1/b', 'items', signal, { project: this.apis.project }),
        );
        const buckets = all.filter((b) => storedIn([b.location ?? ''], ctx.region));
        ctx.step('buckets', buckets.length);
        if (buckets.length === 0) return;
        const [requests, bytes] = await Promise.all([
          byLabel('storage.googleapis.com/api/request_count', 'ALIGN_SUM', bucketRule, 'bucket_name'),
          byLabel('storage.googleapis.com/storage/total_bytes', 'ALIGN_MEAN', bucketRule, 'bucket_name'),
        ]);
        for (const bucket of buckets) {
          const stored = bytes(bucket.name);
          add(unusedGcpBucket(bucket, requests(bucket.name), stored.points ? stored.max : 0, bucketRule));
        }
      });

    return { findings, ...tally };
  }
}

/** The namespaces that ran a container in a cluster, from `k8s_container` series. */
function namespacesOf(series: TimeSeries[], cluster: GkeCluster): string[] {
  return [
    ...new Set(
      series
        .filter(
          (s) =>
            s.resource?.labels?.cluster_name === cluster.name &&
            s.resource?.labels?.location === cluster.location,
        )
        .map((s) => s.resource?.labels?.namespace_name ?? ''),
    ),
  ];
}
