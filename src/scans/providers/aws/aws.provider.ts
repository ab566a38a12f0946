import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client, Instance, NatGateway, Volume } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client, LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Inject, Injectable } from '@nestjs/common';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  dailyTraffic,
  idleLoadBalancer,
  loadBalancerMetric,
  idleNatGateway,
  isVolumeCandidate,
  orphanedSnapshot,
  stoppedInstance,
  unassociatedAddress,
  unattachedVolume,
  type LoadBalancerTraffic,
  type LoadBalancerUsage,
} from '../../rules/aws-rules.js';
import type { RuleContext } from '../../rules/finding.js';
import { AwsCatalogue, type MetricQuery } from './aws-catalogue.js';
import type { Finding } from '../../rules/finding.js';
import { scansConfig, type ScansConfig } from '../../scans.config.js';
import {
  guardedStep,
  ruleContext,
  ProviderCallError,
  type AwsCredentials,
  type CloudProviderAdapter,
  type CloudScanner,
  type Identity,
  type RegionScanContext,
  type RegionScanResult,
  type StepTally,
} from '../provider.js';
import { awsSdk } from './aws-sdk.js';

const DAY_S = 86_400;
/** GetMetricData answers at most 500 metrics and 100,800 datapoints per call. */
const METRICS_PER_CALL = 500;
const DATAPOINTS_PER_CALL = 100_800;

/**
 * The AWS SDK clients, loaded on first use (aws-sdk.ts): they weigh about 100 MB of memory, which a replica that
 * never scans AWS should not pay.
 */
interface AwsSdk {
  ec2: typeof import('@aws-sdk/client-ec2');
  elb: typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  cloudwatch: typeof import('@aws-sdk/client-cloudwatch');
  sts: typeof import('@aws-sdk/client-sts');
}
const loadSdk = (): AwsSdk => ({
  ec2: awsSdk('@aws-sdk/client-ec2'),
  elb: awsSdk('@aws-sdk/client-elastic-load-balancing-v2'),
  cloudwatch: awsSdk('@aws-sdk/client-cloudwatch'),
  sts: awsSdk('@aws-sdk/client-sts'),
});
const PAGE_SIZE = 500;
const REJECTED_CODES = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'AuthFailure',
  'UnrecognizedClientException',
  'AccessDenied',
  'AccessDeniedException',
  'ExpiredToken',
]);

/** Pages through a `NextToken`/`Marker` API until the provider says there is no more. */
async function allPages<P>(
  fetch: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
) {
  const pages: P[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    pages.push(page);
    token = next(page);
  } while (token);
  return pages;
}

interface MetricPoint {
  at: Date;
  sum: number;
}

interface RegionClients {
  ec2: EC2Client;
  elb: ElasticLoadBalancingV2Client;
  cloudwatch: CloudWatchClient;
}

/** AWS through the v3 SDK. The endpoint is overridable (AWS_ENDPOINT_URL) so tests and benchmarks use a local fake. */
@Injectable()
export class AwsProvider implements CloudProviderAdapter<'aws'> {
  readonly provider = 'aws' as const;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  clientConfig(credentials: AwsCredentials, region: string) {
    return {
      region,
      credentials: { accessKeyId: credentials.access_key_id, secretAccessKey: credentials.secret_access_key },
      endpoint: this.config.aws.endpoint,
      // The SDK's standard retry strategy backs off and retries throttling (RequestLimitExceeded, Throttling)
      // and transient errors.
      maxAttempts: this.config.aws.maxAttempts,
      retryMode: 'standard',
      requestHandler: {
        requestTimeout: this.config.worker.requestTimeoutMs,
        connectionTimeout: Math.min(this.config.worker.requestTimeoutMs, 10_000),
      },
    };
  }

  async verifyIdentity(credentials: AwsCredentials, signal?: AbortSignal): Promise<Identity> {
    const { STSClient, GetCallerIdentityCommand } = awsSdk('@aws-sdk/client-sts');
    const sts = new STSClient(this.clientConfig(credentials, 'us-east-1'));
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
      return { identity: identity.Arn ?? '', accountIdentifier: identity.Account ?? '' };
    } catch (error) {
      throw toProviderError(error);
    } finally {
      sts.destroy();
    }
  }

  async openScanner(credentials: AwsCredentials): Promise<CloudScanner> {
    return new AwsScanner(loadSdk(), credentials, this, this.config.worker.requestConcurrency);
  }
}

export function toProviderError(error: unknown): ProviderCallError {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name && REJECTED_CODES.has(e.name))
    return new ProviderCallError(
      `AWS rejected the credentials: ${e.message}`,
      'rejected_credentials',
      e.name,
    );
  return new ProviderCallError(`AWS did not answer: ${e?.message ?? String(error)}`, 'unreachable', e?.name);
}

class AwsScanner implements CloudScanner {
  private readonly clients = new Map<string, RegionClients>();
  /** The other services' clients, by `region service`, created when a step first needs one. */
  private readonly more = new Map<string, { destroy(): void }>();

  constructor(
    private readonly sdk: AwsSdk,
    private readonly credentials: AwsCredentials,
    private readonly provider: AwsProvider,
    private readonly requestConcurrency: number,
  ) {}

  private clientsFor(region: string): RegionClients {
    let clients = this.clients.get(region);
    if (!clients) {
      const config = this.provider.clientConfig(this.credentials, region);
      clients = {
        ec2: new this.sdk.ec2.EC2Client(config),
        elb: new this.sdk.elb.ElasticLoadBalancingV2Client(config),
        cloudwatch: new this.sdk.cloudwatch.CloudWatchClient(config),
      };
      this.clients.set(region, clients);
    }
    return clients;
  }

  close(): void {
    for (const region of this.clients.keys()) this.closeRegion(region);
    for (const client of this.more.values()) client.destroy();
    this.more.clear();
  }

  /**
   * A region is scanned once per scan: its clients (and their sockets and middleware stacks) go when it ends rather
   * than living until the last region is done.
   */
  private closeRegion(region: string): void {
    const clients = this.clients.get(region);
    if (clients) for (const client of Object.values(clients)) client.destroy();
    this.clients.delete(region);
    for (const [key, client] of this.more)
      if (key.startsWith(`${region} `)) {
        client.destroy();
        this.more.delete(key);
      }
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    try {
      return await this.scanRegionWith(ctx, this.clientsFor(ctx.region));
    } finally {
      this.closeRegion(ctx.region);
    }
  }

  private async scanRegionWith(
    ctx: RegionScanContext,
    { ec2, elb, cloudwatch }: RegionClients,
  ): Promise<RegionScanResult> {
    const {
      DescribeAddressesCommand,
      DescribeImagesCommand,
      DescribeInstancesCommand,
      DescribeNatGatewaysCommand,
      DescribeSnapshotsCommand,
      DescribeVolumesCommand,
    } = this.sdk.ec2;
    const { DescribeLoadBalancersCommand } = this.sdk.elb;
    const opts = { abortSignal: ctx.signal };
    const tally: StepTally = { errors: [], succeeded: 0 };
    const findings: Finding[] = [];
    const limit = pLimit(this.requestConcurrency);
    const ruleCtx = (type: string) => ruleContext(ctx, type);
    const add = (f: Finding | null) => f && findings.push(f);

    const volumes = await guardedStep(ctx, tally, 'ec2:DescribeVolumes', async () => {
      const pages = await allPages(
        (NextToken) => ec2.send(new DescribeVolumesCommand({ MaxResults: PAGE_SIZE, NextToken }), opts),
        (p) => p.NextToken,
      );
      return pages.flatMap((p) => p.Volumes ?? []);
    });
    const volumesById = new Map((volumes ?? []).map((v) => [v.VolumeId as string, v]));
    ctx.step('ec2:DescribeVolumes', volumesById.size);

    const volumeRule = ruleCtx('ebs_volume');
    if (volumes && volumeRule) {
      const candidates = volumes.filter((v) => isVolumeCandidate(v, volumeRule));
      await guardedStep(ctx, tally, 'cloudwatch:GetMetricData(AWS/EBS)', async () => {
        const lastActivity = await this.lastVolumeActivity(cloudwatch, candidates, volumeRule, ctx, limit);
        candidates.forEach((volume, i) => add(unattachedVolume(volume, lastActivity[i], volumeRule)));
      });
    }

    const addressRule = ruleCtx('elastic_ip');
    if (addressRule) {
      await guardedStep(ctx, tally, 'ec2:DescribeAddresses', async () => {
        const addresses = (await ec2.send(new DescribeAddressesCommand({}), opts)).Addresses ?? [];
        ctx.step('ec2:DescribeAddresses', addresses.length);
        const idle = addresses.filter((a) => !a.AssociationId && !a.InstanceId && !a.NetworkInterfaceId);
        const firstSeen = await ctx.sightings(
          'elastic_ip',
          idle.map((a) => (a.AllocationId ?? a.PublicIp) as string),
        );
        for (const address of idle) {
          const seen = firstSeen.get((address.AllocationId ?? address.PublicIp) as string) ?? ctx.now;
          add(unassociatedAddress(address, seen, addressRule));
        }
      });
    }

    const snapshotRule = ruleCtx('ebs_snapshot');
    // Without the volume list, "source volume gone" cannot be judged: skip rather than report every snapshot.
    if (snapshotRule && volumes) {
      await guardedStep(ctx, tally, 'ec2:DescribeSnapshots', async () => {
        const [snapshotPages, imagePages] = await Promise.all([
          allPages(
            (NextToken) =>
              ec2.send(
                new DescribeSnapshotsCommand({ OwnerIds: ['self'], MaxResults: 1000, NextToken }),
                opts,
              ),
            (p) => p.NextToken,
          ),
          allPages(
            (NextToken) =>
              ec2.send(new DescribeImagesCommand({ Owners: ['self'], MaxResults: 1000, NextToken }), opts),
            (p) => p.NextToken,
          ),
        ]);
        const snapshots = snapshotPages.flatMap((p) => p.Snapshots ?? []);
        ctx.step('ec2:DescribeSnapshots', snapshots.length);
        const amiSnapshots = new Set(
          imagePages
            .flatMap((p) => p.Images ?? [])
            .flatMap((image) => image.BlockDeviceMappings ?? [])
            .flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [])),
        );
        const volumeIds = new Set(volumesById.keys());
        for (const snapshot of snapshots)
          add(orphanedSnapshot(snapshot, volumeIds, amiSnapshots, snapshotRule));
      });
    }

    const instanceRule = ruleCtx('ec2_instance');
    if (instanceRule) {
      await guardedStep(ctx, tally, 'ec2:DescribeInstances', async () => {
        const pages = await allPages(
          (NextToken) =>
            ec2.send(
              new DescribeInstancesCommand({
                Filters: [{ Name: 'instance-state-name', Values: ['stopped'] }],
                MaxResults: 1000,
                NextToken,
              }),
              opts,
            ),
          (p) => p.NextToken,
        );
        const instances: Instance[] = pages.flatMap((p) =>
          (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
        );
        ctx.step('ec2:DescribeInstances', instances.length);
        for (const instance of instances) add(stoppedInstance(instance, volumesById, instanceRule));
      });
    }

    const natRule = ruleCtx('nat_gateway');
    if (natRule) {
      await guardedStep(ctx, tally, 'ec2:DescribeNatGateways', async () => {
        const pages = await allPages(
          (NextToken) =>
            ec2.send(
              new DescribeNatGatewaysCommand({
                Filter: [{ Name: 'state', Values: ['available'] }],
                MaxResults: 1000,
                NextToken,
              }),
              opts,
            ),
          (p) => p.NextToken,
        );
        const gateways = pages.flatMap((p) => p.NatGateways ?? []);
        ctx.step('ec2:DescribeNatGateways', gateways.length);
        const traffic = await this.natTraffic(cloudwatch, gateways, natRule, ctx, limit);
        gateways.forEach((nat, i) => add(idleNatGateway(nat, traffic[i], natRule)));
      });
    }

    const lbRule = ruleCtx('load_balancer');
    if (lbRule) {
      await guardedStep(ctx, tally, 'elbv2:DescribeLoadBalancers', async () => {
        const pages = await allPages(
          (Marker) => elb.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker }), opts),
          (p) => p.NextMarker,
        );
        const balancers = pages.flatMap((p) => p.LoadBalancers ?? []);
        ctx.step('elbv2:DescribeLoadBalancers', balancers.length);
        const traffic = await this.loadBalancerTraffic(cloudwatch, balancers, lbRule, ctx, limit);
        await Promise.all(
          balancers.map((lb, i) =>
            limit(async () =>
              add(idleLoadBalancer(lb, await this.loadBalancerUsage(elb, lb, ctx), lbRule, traffic[i])),
            ),
          ),
        );
      });
    }
    await new AwsCatalogue({
      ctx,
      tally,
      limit,
      add,
      ec2,
      cloudwatch,
      clientConfig: this.provider.clientConfig(this.credentials, ctx.region),
      client: <T extends { destroy(): void }>(name: string, make: () => T): T => {
        const key = `${ctx.region} ${name}`;
        let client = this.more.get(key) as T | undefined;
        if (!client) this.more.set(key, (client = make()));
        return client;
      },
      totals: (groups, days, stat = 'Sum') => this.metricTotals(cloudwatch, ctx, limit, groups, days, stat),
      loadBalancerTraffic: (balancers, rule) =>
        this.loadBalancerTraffic(cloudwatch, balancers, rule, ctx, limit),
    }).scan();
    return { findings, ...tally };
  }

  /** Per group of metrics, the total of their datapoints over `days` (one period), or null without any. */
  private async metricTotals(
    cloudwatch: CloudWatchClient,
    ctx: RegionScanContext,
    limit: LimitFunction,
    groups: MetricQuery[][],
    days: number,
    stat: 'Sum' | 'Average',
  ): Promise<Array<number | null>> {
    const series = await this.metricSums(cloudwatch, ctx, limit, groups.flat(), {
      days,
      period: days * DAY_S,
      stat,
    });
    let next = 0;
    return groups.map((group) => {
      const points = series.slice(next, (next += group.length)).flat();
      return points.length === 0 ? null : points.reduce((sum, p) => sum + p.sum, 0);
    });
  }

  /**
   * For each load balancer (ALB, NLB or Classic), its daily requests or new flows over the rule's lookback, in one
   * batched GetMetricData per 500 balancers.
   */
  async loadBalancerTraffic(
    cloudwatch: CloudWatchClient,
    balancers: Array<Parameters<typeof loadBalancerMetric>[0]>,
    rule: RuleContext,
    ctx: RegionScanContext,
    limit: LimitFunction,
  ): Promise<LoadBalancerTraffic[]> {
    const days = rule.settings.params.lookback_days;
    const metrics = balancers.map(loadBalancerMetric);
    const series = await this.metricSums(
      cloudwatch,
      ctx,
      limit,
      metrics.map((m) => ({
        namespace: m.namespace,
        metric: m.metric,
        dimensions: [{ Name: m.dimension.name, Value: m.dimension.value }],
      })),
      { days, period: DAY_S },
    );
    return metrics.map((metric, i) =>
      dailyTraffic(
        metric,
        series[i].map((p) => p.sum),
        days,
      ),
    );
  }

  /** For each volume, the most recent day with read or write operations within the lookback window, or null. */
  private async lastVolumeActivity(
    cloudwatch: CloudWatchClient,
    volumes: Volume[],
    rule: RuleContext,
    ctx: RegionScanContext,
    limit: LimitFunction,
  ): Promise<Array<Date | null>> {
    const metrics = ['VolumeReadOps', 'VolumeWriteOps'];
    const series = await this.metricSums(
      cloudwatch,
      ctx,
      limit,
      volumes.flatMap((volume) =>
        metrics.map((metric) => ({
          namespace: 'AWS/EBS',
          metric,
          dimensions: [{ Name: 'VolumeId', Value: volume.VolumeId as string }],
        })),
      ),
      { days: rule.settings.params.activity_lookback_days, period: DAY_S },
    );
    return volumes.map((_, i) => {
      let last: Date | null = null;
      for (const point of series.slice(i * metrics.length, (i + 1) * metrics.length).flat())
        if (point.sum > 0 && (!last || point.at > last)) last = point.at;
      return last;
    });
  }

  /** For each NAT gateway, the bytes it moved (both directions) within the lookback window. */
  private async natTraffic(
    cloudwatch: CloudWatchClient,
    gateways: NatGateway[],
    rule: RuleContext,
    ctx: RegionScanContext,
    limit: LimitFunction,
  ): Promise<number[]> {
    const days = rule.settings.params.lookback_days;
    const metrics = ['BytesOutToDestination', 'BytesInFromDestination'];
    const series = await this.metricSums(
      cloudwatch,
      ctx,
      limit,
      gateways.flatMap((nat) =>
        metrics.map((metric) => ({
          namespace: 'AWS/NATGateway',
          metric,
          dimensions: [{ Name: 'NatGatewayId', Value: nat.NatGatewayId as string }],
        })),
      ),
      { days, period: days * DAY_S },
    );
    return gateways.map((_, i) =>
      series
        .slice(i * metrics.length, (i + 1) * metrics.length)
        .flat()
        .reduce((sum, point) => sum + point.sum, 0),
    );
  }

  /**
   * The `Sum` of each metric per period over the last `days`, in the order asked. One GetMetricData call covers
   * hundreds of metrics: a region with thousands of volumes takes a handful of calls instead of two per volume,
   * which is most of a scan's time and memory.
   */
  private async metricSums(
    cloudwatch: CloudWatchClient,
    ctx: RegionScanContext,
    limit: LimitFunction,
    queries: MetricQuery[],
    window: { days: number; period: number; stat?: 'Sum' | 'Average' },
  ): Promise<MetricPoint[][]> {
    const { GetMetricDataCommand } = this.sdk.cloudwatch;
    const series: MetricPoint[][] = queries.map(() => []);
    const pointsPerMetric = Math.ceil((window.days * DAY_S) / window.period);
    const batchSize = Math.max(
      1,
      Math.min(METRICS_PER_CALL, Math.floor(DATAPOINTS_PER_CALL / pointsPerMetric)),
    );
    const StartTime = new Date(ctx.now.getTime() - window.days * DAY_S * 1000);
    const batches: number[] = [];
    for (let first = 0; first < queries.length; first += batchSize) batches.push(first);
    await Promise.all(
      batches.map((first) =>
        limit(async () => {
          const MetricDataQueries = queries.slice(first, first + batchSize).map((q, i) => ({
            Id: `m${first + i}`,
            MetricStat: {
              Metric: { Namespace: q.namespace, MetricName: q.metric, Dimensions: q.dimensions },
              Period: window.period,
              Stat: window.stat ?? 'Sum',
            },
            ReturnData: true,
          }));
          let NextToken: string | undefined;
          do {
            const page = await cloudwatch.send(
              new GetMetricDataCommand({ MetricDataQueries, StartTime, EndTime: ctx.now, NextToken }),
              { abortSignal: ctx.signal },
            );
            // A long series may come over several pages, each with part of its points.
            for (const result of page.MetricDataResults ?? []) {
              const points = series[Number(result.Id?.slice(1))];
              const values = result.Values ?? [];
              (result.Timestamps ?? []).forEach((at, j) => points?.push({ at, sum: values[j] ?? 0 }));
            }
            NextToken = page.NextToken;
          } while (NextToken);
        }),
      ),
    );
    return series;
  }

  private async loadBalancerUsage(
    elb: ElasticLoadBalancingV2Client,
    lb: LoadBalancer,
    ctx: RegionScanContext,
  ): Promise<LoadBalancerUsage> {
    const opts = { abortSignal: ctx.signal };
    const { DescribeListenersCommand, DescribeTargetGroupsCommand, DescribeTargetHealthCommand } =
      this.sdk.elb;
    const LoadBalancerArn = lb.LoadBalancerArn;
    const [listenerPages, groupPages] = await Promise.all([
      allPages(
        (Marker) => elb.send(new DescribeListenersCommand({ LoadBalancerArn, Marker }), opts),
        (p) => p.NextMarker,
      ),
      allPages(
        (Marker) => elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn, Marker }), opts),
        (p) => p.NextMarker,
      ),
    ]);
    const listeners = listenerPages.reduce((n, p) => n + (p.Listeners?.length ?? 0), 0);
    const groups = groupPages.flatMap((p) => p.TargetGroups ?? []);
    let healthyTargets = 0;
    for (const group of groups) {
      const health = await elb.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }),
        opts,
      );
      healthyTargets += (health.TargetHealthDescriptions ?? []).filter(
        (d) => d.TargetHealth?.State === 'healthy',
      ).length;
    }
    return { listeners, targetGroups: groups.length, healthyTargets };
  }
}
