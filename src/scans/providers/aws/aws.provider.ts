import type { CloudWatchClient, Datapoint } from '@aws-sdk/client-cloudwatch';
import type { EC2Client, Instance, Volume } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client, LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { Inject, Injectable } from '@nestjs/common';
import pLimit from 'p-limit';
import {
  idleLoadBalancer,
  idleNatGateway,
  isVolumeCandidate,
  orphanedSnapshot,
  stoppedInstance,
  unassociatedAddress,
  unattachedVolume,
  type LoadBalancerUsage,
} from '../../rules/aws-rules.js';
import type { RuleContext } from '../../rules/finding.js';
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

const DAY_S = 86_400;

/**
 * The AWS SDK clients, loaded on first use: they weigh about 100 MB of memory, which a replica that never scans
 * AWS should not pay.
 */
interface AwsSdk {
  ec2: typeof import('@aws-sdk/client-ec2');
  elb: typeof import('@aws-sdk/client-elastic-load-balancing-v2');
  cloudwatch: typeof import('@aws-sdk/client-cloudwatch');
  sts: typeof import('@aws-sdk/client-sts');
}
let sdkLoading: Promise<AwsSdk> | undefined;
const loadSdk = (): Promise<AwsSdk> =>
  (sdkLoading ??= Promise.all([
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-elastic-load-balancing-v2'),
    import('@aws-sdk/client-cloudwatch'),
    import('@aws-sdk/client-sts'),
  ]).then(([ec2, elb, cloudwatch, sts]) => ({ ec2, elb, cloudwatch, sts })));
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
    const { STSClient, GetCallerIdentityCommand } = (await loadSdk()).sts;
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
    return new AwsScanner(await loadSdk(), credentials, this, this.config.worker.requestConcurrency);
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
    for (const { ec2, elb, cloudwatch } of this.clients.values()) {
      ec2.destroy();
      elb.destroy();
      cloudwatch.destroy();
    }
    this.clients.clear();
  }

  async scanRegion(ctx: RegionScanContext): Promise<RegionScanResult> {
    const { ec2, elb, cloudwatch } = this.clientsFor(ctx.region);
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
      await guardedStep(ctx, tally, 'cloudwatch:GetMetricStatistics(AWS/EBS)', () =>
        Promise.all(
          candidates.map((volume) =>
            limit(async () => {
              const last = await this.lastVolumeActivity(cloudwatch, volume, volumeRule, ctx);
              add(unattachedVolume(volume, last, volumeRule));
            }),
          ),
        ),
      );
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
        await Promise.all(
          gateways.map((nat) =>
            limit(async () => {
              const bytes = await this.natTraffic(cloudwatch, nat.NatGatewayId as string, natRule, ctx);
              add(idleNatGateway(nat, bytes, natRule));
            }),
          ),
        );
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
        await Promise.all(
          balancers.map((lb) =>
            limit(async () => add(idleLoadBalancer(lb, await this.loadBalancerUsage(elb, lb, ctx), lbRule))),
          ),
        );
      });
    }
    return { findings, ...tally };
  }

  /** The most recent day with read or write operations within the lookback window, or null. */
  private async lastVolumeActivity(
    cloudwatch: CloudWatchClient,
    volume: Volume,
    rule: RuleContext,
    ctx: RegionScanContext,
  ): Promise<Date | null> {
    const lookbackDays = rule.settings.params.activity_lookback_days;
    const points = await Promise.all(
      ['VolumeReadOps', 'VolumeWriteOps'].map((MetricName) =>
        this.datapoints(cloudwatch, ctx, {
          namespace: 'AWS/EBS',
          metric: MetricName,
          dimension: { Name: 'VolumeId', Value: volume.VolumeId as string },
          days: lookbackDays,
          period: DAY_S,
        }),
      ),
    );
    let last: Date | null = null;
    for (const point of points.flat())
      if ((point.Sum ?? 0) > 0 && point.Timestamp && (!last || point.Timestamp > last))
        last = point.Timestamp;
    return last;
  }

  private async natTraffic(
    cloudwatch: CloudWatchClient,
    natGatewayId: string,
    rule: RuleContext,
    ctx: RegionScanContext,
  ): Promise<number> {
    const days = rule.settings.params.lookback_days;
    const points = await Promise.all(
      ['BytesOutToDestination', 'BytesInFromDestination'].map((metric) =>
        this.datapoints(cloudwatch, ctx, {
          namespace: 'AWS/NATGateway',
          metric,
          dimension: { Name: 'NatGatewayId', Value: natGatewayId },
          days,
          period: days * DAY_S,
        }),
      ),
    );
    return points.flat().reduce((sum, p) => sum + (p.Sum ?? 0), 0);
  }

  private async datapoints(
    cloudwatch: CloudWatchClient,
    ctx: RegionScanContext,
    q: {
      namespace: string;
      metric: string;
      dimension: { Name: string; Value: string };
      days: number;
      period: number;
    },
  ): Promise<Datapoint[]> {
    const result = await cloudwatch.send(
      new this.sdk.cloudwatch.GetMetricStatisticsCommand({
        Namespace: q.namespace,
        MetricName: q.metric,
        Dimensions: [q.dimension],
        StartTime: new Date(ctx.now.getTime() - q.days * DAY_S * 1000),
        EndTime: ctx.now,
        Period: q.period,
        Statistics: ['Sum'],
      }),
      { abortSignal: ctx.signal },
    );
    return result.Datapoints ?? [];
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
