import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import type { LimitFunction } from 'p-limit';
import {
  CANDIDATES,
  downVpnConnection,
  emptyBucket,
  emptyEksCluster,
  idleClassicLoadBalancer,
  idleResource,
  idleRunningInstance,
  stoppedRdsInstance,
  type IdleCandidate,
  type IdleMeasure,
  type LoadBalancerTraffic,
} from '../../rules/aws-rules.js';
import type { Finding, RuleContext } from '../../rules/finding.js';
import { guardedStep, ruleContext, type RegionScanContext, type StepTally } from '../provider.js';
import { awsSdk } from './aws-sdk.js';

/** One resource's CloudWatch metric; the first dimension names the resource. */
export interface MetricQuery {
  namespace: string;
  metric: string;
  dimensions: Array<{ Name: string; Value: string }>;
}

/** What the catalogue's steps need from the scanner of a region. */
export interface CatalogueDeps {
  ctx: RegionScanContext;
  tally: StepTally;
  limit: LimitFunction;
  add(finding: Finding | null): void;
  ec2: EC2Client;
  cloudwatch: CloudWatchClient;
  /** The region's SDK client config (credentials, endpoint, retries). */
  clientConfig: Record<string, unknown>;
  /** A client of the region, created once and destroyed with the scanner. */
  client<T extends { destroy(): void }>(name: string, make: () => T): T;
  /** Per group of metrics: the total of their datapoints over `days` (or the average), null without data. */
  totals(groups: MetricQuery[][], days: number, stat?: 'Sum' | 'Average'): Promise<Array<number | null>>;
  /** Each balancer's daily requests over the rule's lookback (see AwsScanner.loadBalancerTraffic). */
  loadBalancerTraffic(
    balancers: Array<{ LoadBalancerName?: string }>,
    rule: RuleContext,
  ): Promise<LoadBalancerTraffic[]>;
}

const MB = 1024 * 1024;
const dim = (Name: string, Value: string | undefined) => ({ Name, Value: String(Value) });
const q = (namespace: string, metric: string, ...dimensions: MetricQuery['dimensions']): MetricQuery => ({
  namespace,
  metric,
  dimensions,
});

/** Pages through an API until its token runs out. */
async function pages<P, T>(
  fetch: (token: string | undefined) => Promise<P>,
  next: (page: P) => string | undefined,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...(items(page) ?? []));
    token = next(page);
  } while (token);
  return all;
}

/**
 * The AWS types beyond the original six: each a guarded step (so one refused or failing service lands in the status
 * table and the region goes on), one inventory call per service, the CloudWatch figures of every candidate in batched
 * GetMetricData calls, and a pure rule. SDK modules are imported on first use.
 */
export class AwsCatalogue {
  private readonly opts: { abortSignal: AbortSignal };

  constructor(private readonly d: CatalogueDeps) {
    this.opts = { abortSignal: d.ctx.signal };
  }

  async scan(): Promise<void> {
    const steps = [
      () => this.idleInstances(),
      () => this.vpnConnections(),
      () => this.transitGatewayAttachments(),
      () => this.vpcEndpoints(),
      () => this.classicLoadBalancers(),
      () => this.rds(),
      () => this.fsx(),
      () => this.msk(),
      () => this.eks(),
      () => this.sagemaker(),
      () => this.redshift(),
      () => this.elasticache(),
      () => this.opensearch(),
      () => this.globalAccelerator(),
      () => this.kinesis(),
      () => this.s3(),
      () => this.lambda(),
      () => this.dynamodb(),
      () => this.ecs(),
    ];
    for (const step of steps) await step();
  }

  private rule(type: string): RuleContext | undefined {
    return ruleContext(this.d.ctx, type);
  }

  /** Runs `list` as a guarded step, counts what it examined, and judges each candidate on its metric total. */
  private async idle<R>(
    step: string,
    measure: IdleMeasure,
    list: (rule: RuleContext) => Promise<R[]>,
    candidate: (resource: R, rule: RuleContext) => IdleCandidate,
    metrics: (resource: R) => MetricQuery[],
    stat: 'Sum' | 'Average' = 'Sum',
  ): Promise<void> {
    const rule = this.rule(measure.resourceType);
    if (!rule) return;
    await guardedStep(this.d.ctx, this.d.tally, step, async () => {
      const resources = await list(rule);
      this.d.ctx.step(step, resources.length);
      const totals = await this.d.totals(resources.map(metrics), rule.settings.params.lookback_days, stat);
      resources.forEach((r, i) => {
        // An average without any datapoint says nothing; a sum without one is zero activity.
        if (stat === 'Average' && totals[i] === null) return;
        this.d.add(idleResource({ ...candidate(r, rule), activity: totals[i] }, measure, rule));
      });
    });
  }

  private async idleInstances(): Promise<void> {
    const rule = this.rule('ec2_idle_instance');
    if (!rule) return;
    const { DescribeInstancesCommand } = awsSdk('@aws-sdk/client-ec2');
    const step = 'ec2:DescribeInstances(running)';
    await guardedStep(this.d.ctx, this.d.tally, step, async () => {
      const instances: Instance[] = await pages(
        (NextToken) =>
          this.d.ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
              MaxResults: 1000,
              NextToken,
            }),
            this.opts,
          ),
        (p) => p.NextToken,
        (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []),
      );
      this.d.ctx.step(step, instances.length);
      const days = rule.settings.params.lookback_days;
      const id = (i: Instance) => dim('InstanceId', i.InstanceId);
      const [cpu, network] = await Promise.all([
        this.d.totals(
          instances.map((i) => [q('AWS/EC2', 'CPUUtilization', id(i))]),
          days,
          'Average',
        ),
        this.d.totals(
          instances.map((i) => [q('AWS/EC2', 'NetworkIn', id(i)), q('AWS/EC2', 'NetworkOut', id(i))]),
          days,
        ),
      ]);
      instances.forEach((instance, i) =>
        this.d.add(
          idleRunningInstance(instance, { cpuAverage: cpu[i], networkBytes: network[i] ?? 0 }, rule),
        ),
      );
    });
  }

  private async vpnConnections(): Promise<void> {
    const rule = this.rule('vpn_connection');
    if (!rule) return;
    const { DescribeVpnConnectionsCommand } = awsSdk('@aws-sdk/client-ec2');
    await guardedStep(this.d.ctx, this.d.tally, 'ec2:DescribeVpnConnections', async () => {
      const vpns =
        (await this.d.ec2.send(new DescribeVpnConnectionsCommand({}), this.opts)).VpnConnections ?? [];
      this.d.ctx.step('ec2:DescribeVpnConnections', vpns.length);
      for (const vpn of vpns) this.d.add(downVpnConnection(vpn, rule));
    });
  }

  private async transitGatewayAttachments(): Promise<void> {
    const { DescribeTransitGatewayAttachmentsCommand } = awsSdk('@aws-sdk/client-ec2');
    await this.idle(
      'ec2:DescribeTransitGatewayAttachments',
      {
        resourceType: 'transit_gateway_attachment',
        threshold: 'max_traffic_mb',
        scale: MB,
        measure: 'bytes',
      },
      () =>
        pages(
          (NextToken) =>
            this.d.ec2.send(
              new DescribeTransitGatewayAttachmentsCommand({
                Filters: [{ Name: 'state', Values: ['available'] }],
                MaxResults: 1000,
                NextToken,
              }),
              this.opts,
            ),
          (p) => p.NextToken,
          (p) => p.TransitGatewayAttachments,
        ),
      CANDIDATES.tgwAttachment,
      (a) => {
        const dims = [
          dim('TransitGatewayAttachment', a.TransitGatewayAttachmentId),
          dim('TransitGateway', a.TransitGatewayId),
        ];
        return [q('AWS/TransitGateway', 'BytesIn', ...dims), q('AWS/TransitGateway', 'BytesOut', ...dims)];
      },
    );
  }

  private async vpcEndpoints(): Promise<void> {
    const { DescribeVpcEndpointsCommand } = awsSdk('@aws-sdk/client-ec2');
    await this.idle(
      'ec2:DescribeVpcEndpoints',
      {
        resourceType: 'vpc_interface_endpoint',
        threshold: 'max_traffic_mb',
        scale: MB,
        measure: 'bytes processed',
      },
      () =>
        pages(
          (NextToken) =>
            this.d.ec2.send(
              new DescribeVpcEndpointsCommand({
                Filters: [
                  { Name: 'vpc-endpoint-type', Values: ['Interface'] },
                  { Name: 'vpc-endpoint-state', Values: ['available'] },
                ],
                MaxResults: 1000,
                NextToken,
              }),
              this.opts,
            ),
          (p) => p.NextToken,
          (p) => p.VpcEndpoints,
        ),
      CANDIDATES.vpcEndpoint,
      (e) => [
        q(
          'AWS/PrivateLinkEndpoints',
          'BytesProcessed',
          dim('VPC Endpoint Id', e.VpcEndpointId),
          dim('VPC Id', e.VpcId),
          dim('Endpoint Type', 'Interface'),
          dim('Service Name', e.ServiceName),
        ),
      ],
    );
  }

  private async classicLoadBalancers(): Promise<void> {
    const rule = this.rule('classic_load_balancer');
    if (!rule) return;
    const sdk = awsSdk('@aws-sdk/client-elastic-load-balancing');
    const elb = this.d.client('elb', () => new sdk.ElasticLoadBalancingClient(this.d.clientConfig));
    await guardedStep(this.d.ctx, this.d.tally, 'elb:DescribeLoadBalancers', async () => {
      const balancers = await pages(
        (Marker) => elb.send(new sdk.DescribeLoadBalancersCommand({ Marker, PageSize: 400 }), this.opts),
        (p) => p.NextMarker,
        (p) => p.LoadBalancerDescriptions,
      );
      this.d.ctx.step('elb:DescribeLoadBalancers', balancers.length);
      const traffic = await this.d.loadBalancerTraffic(balancers, rule);
      await Promise.all(
        balancers.map((lb, i) =>
          this.d.limit(async () => {
            const states =
              (
                await elb.send(
                  new sdk.DescribeInstanceHealthCommand({ LoadBalancerName: lb.LoadBalancerName }),
                  this.opts,
                )
              ).InstanceStates ?? [];
            const inService = states.filter((s) => s.State === 'InService').length;
            this.d.add(
              idleClassicLoadBalancer(lb, { registered: states.length, inService }, rule, traffic[i]),
            );
          }),
        ),
      );
    });
  }

  /** Stopped RDS instances, and idle Neptune and DocumentDB clusters (same API, the `rds` signing name). */
  private async rds(): Promise<void> {
    const rdsRule = this.rule('rds_instance');
    const neptune = this.rule('neptune_cluster');
    const docdb = this.rule('docdb_cluster');
    if (!rdsRule && !neptune && !docdb) return;
    const sdk = awsSdk('@aws-sdk/client-rds');
    const rds = this.d.client('rds', () => new sdk.RDSClient(this.d.clientConfig));
    const instances = await guardedStep(this.d.ctx, this.d.tally, 'rds:DescribeDBInstances', async () => {
      const all = await pages(
        (Marker) => rds.send(new sdk.DescribeDBInstancesCommand({ Marker, MaxRecords: 100 }), this.opts),
        (p) => p.Marker,
        (p) => p.DBInstances,
      );
      this.d.ctx.step('rds:DescribeDBInstances', all.length);
      if (rdsRule) {
        const stopped = all.filter((db) => db.DBInstanceStatus === 'stopped');
        const seen = await this.d.ctx.sightings(
          'rds_instance',
          stopped.map((db) => db.DBInstanceIdentifier as string),
        );
        for (const db of stopped)
          this.d.add(
            stoppedRdsInstance(db, seen.get(db.DBInstanceIdentifier as string) ?? this.d.ctx.now, rdsRule),
          );
      }
      return all;
    });
    const classes = new Map(
      (instances ?? []).map((db) => [db.DBInstanceIdentifier as string, db.DBInstanceClass as string]),
    );
    for (const [engine, namespace] of [
      ['neptune', 'AWS/Neptune'],
      ['docdb', 'AWS/DocDB'],
    ] as const) {
      await this.idle(
        `rds:DescribeDBClusters(${engine})`,
        { resourceType: `${engine}_cluster`, threshold: 'max_connections', measure: 'connections' },
        () =>
          pages(
            (Marker) =>
              rds.send(
                new sdk.DescribeDBClustersCommand({
                  Marker,
                  Filters: [{ Name: 'engine', Values: [engine] }],
                }),
                this.opts,
              ),
            (p) => p.Marker,
            (p) => (p.DBClusters ?? []).filter((c) => c.Engine === engine && c.Status === 'available'),
          ),
        (cluster, rule) => CANDIDATES.dbCluster(cluster, classes, rule),
        (c) => [q(namespace, 'DatabaseConnections', dim('DBClusterIdentifier', c.DBClusterIdentifier))],
      );
    }
  }

  private async fsx(): Promise<void> {
    if (!this.rule('fsx_file_system')) return;
    const sdk = awsSdk('@aws-sdk/client-fsx');
    const fsx = this.d.client('fsx', () => new sdk.FSxClient(this.d.clientConfig));
    await this.idle(
      'fsx:DescribeFileSystems',
      {
        resourceType: 'fsx_file_system',
        threshold: 'max_io_mb',
        scale: MB,
        measure: 'bytes read and written',
      },
      () =>
        pages(
          (NextToken) => fsx.send(new sdk.DescribeFileSystemsCommand({ NextToken }), this.opts),
          (p) => p.NextToken,
          (p) => (p.FileSystems ?? []).filter((f) => f.Lifecycle === 'AVAILABLE'),
        ),
      CANDIDATES.fsx,
      (f) => [
        q('AWS/FSx', 'DataReadBytes', dim('FileSystemId', f.FileSystemId)),
        q('AWS/FSx', 'DataWriteBytes', dim('FileSystemId', f.FileSystemId)),
      ],
    );
  }

  private async msk(): Promise<void> {
    if (!this.rule('msk_cluster')) return;
    const sdk = awsSdk('@aws-sdk/client-kafka');
    const kafka = this.d.client('kafka', () => new sdk.KafkaClient(this.d.clientConfig));
    await this.idle(
      'kafka:ListClusters',
      {
        resourceType: 'msk_cluster',
        threshold: 'max_bytes_in_mb',
        scale: MB,
        measure: 'bytes in (per-second rates summed)',
      },
      () =>
        pages(
          (NextToken) => kafka.send(new sdk.ListClustersCommand({ NextToken }), this.opts),
          (p) => p.NextToken,
          (p) => (p.ClusterInfoList ?? []).filter((c) => c.State === 'ACTIVE'),
        ),
      CANDIDATES.msk,
      (c) =>
        Array.from({ length: c.NumberOfBrokerNodes ?? 0 }, (_, i) =>
          q(
            'AWS/Kafka',
            'BytesInPerSec',
            dim('Cluster Name', c.ClusterName),
            dim('Broker ID', String(i + 1)),
          ),
        ),
    );
  }

  private async eks(): Promise<void> {
    const rule = this.rule('eks_cluster');
    if (!rule) return;
    const sdk = awsSdk('@aws-sdk/client-eks');
    const eks = this.d.client('eks', () => new sdk.EKSClient(this.d.clientConfig));
    await guardedStep(this.d.ctx, this.d.tally, 'eks:ListClusters', async () => {
      const names = await pages(
        (nextToken) => eks.send(new sdk.ListClustersCommand({ nextToken }), this.opts),
        (p) => p.nextToken,
        (p) => p.clusters,
      );
      this.d.ctx.step('eks:ListClusters', names.length);
      await Promise.all(
        names.map((name) =>
          this.d.limit(async () => {
            const [cluster, groups, profiles] = await Promise.all([
              eks.send(new sdk.DescribeClusterCommand({ name }), this.opts),
              eks.send(new sdk.ListNodegroupsCommand({ clusterName: name }), this.opts),
              eks.send(new sdk.ListFargateProfilesCommand({ clusterName: name }), this.opts),
            ]);
            const c = cluster.cluster ?? {};
            this.d.add(
              emptyEksCluster(
                { name, arn: c.arn, createdAt: c.createdAt, version: c.version, status: c.status },
                {
                  nodegroups: groups.nodegroups?.length ?? 0,
                  fargateProfiles: profiles.fargateProfileNames?.length ?? 0,
                },
                rule,
              ),
            );
          }),
        ),
      );
    });
  }

  private async sagemaker(): Promise<void> {
    if (!this.rule('sagemaker_endpoint')) return;
    const sdk = awsSdk('@aws-sdk/client-sagemaker');
    const sm = this.d.client('sagemaker', () => new sdk.SageMakerClient(this.d.clientConfig));
    type Variant = { name: string; type?: string; count: number };
    const variants = new Map<string, Variant[]>();
    await this.idle(
      'sagemaker:ListEndpoints',
      { resourceType: 'sagemaker_endpoint', threshold: 'max_invocations', measure: 'invocations' },
      async () => {
        const endpoints = await pages(
          (NextToken) =>
            sm.send(new sdk.ListEndpointsCommand({ NextToken, StatusEquals: 'InService' }), this.opts),
          (p) => p.NextToken,
          (p) => p.Endpoints,
        );
        await Promise.all(
          endpoints.map((e) =>
            this.d.limit(async () => {
              const endpoint = await sm.send(
                new sdk.DescribeEndpointCommand({ EndpointName: e.EndpointName }),
                this.opts,
              );
              const config = await sm.send(
                new sdk.DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }),
                this.opts,
              );
              const types = new Map(
                (config.ProductionVariants ?? []).map((v) => [v.VariantName, v.InstanceType]),
              );
              variants.set(
                e.EndpointName as string,
                (endpoint.ProductionVariants ?? []).map((v) => ({
                  name: v.VariantName as string,
                  type: types.get(v.VariantName),
                  count: v.CurrentInstanceCount ?? 0,
                })),
              );
            }),
          ),
        );
        return endpoints;
      },
      (e, rule) => CANDIDATES.sagemaker(e, variants.get(e.EndpointName as string) ?? [], rule),
      (e) =>
        (variants.get(e.EndpointName as string) ?? []).map((v) =>
          q('AWS/SageMaker', 'Invocations', dim('EndpointName', e.EndpointName), dim('VariantName', v.name)),
        ),
    );
  }

  private async redshift(): Promise<void> {
    if (!this.rule('redshift_cluster')) return;
    const sdk = awsSdk('@aws-sdk/client-redshift');
    const redshift = this.d.client('redshift', () => new sdk.RedshiftClient(this.d.clientConfig));
    await this.idle(
      'redshift:DescribeClusters',
      { resourceType: 'redshift_cluster', threshold: 'max_connections', measure: 'connections' },
      () =>
        pages(
          (Marker) => redshift.send(new sdk.DescribeClustersCommand({ Marker }), this.opts),
          (p) => p.Marker,
          (p) => (p.Clusters ?? []).filter((c) => c.ClusterStatus === 'available'),
        ),
      CANDIDATES.redshift,
      (c) => [q('AWS/Redshift', 'DatabaseConnections', dim('ClusterIdentifier', c.ClusterIdentifier))],
    );
  }

  private async elasticache(): Promise<void> {
    if (!this.rule('elasticache_cluster')) return;
    const sdk = awsSdk('@aws-sdk/client-elasticache');
    const cache = this.d.client('elasticache', () => new sdk.ElastiCacheClient(this.d.clientConfig));
    await this.idle(
      'elasticache:DescribeCacheClusters',
      { resourceType: 'elasticache_cluster', threshold: 'max_connections', measure: 'connections' },
      () =>
        pages(
          (Marker) => cache.send(new sdk.DescribeCacheClustersCommand({ Marker }), this.opts),
          (p) => p.Marker,
          (p) => (p.CacheClusters ?? []).filter((c) => c.CacheClusterStatus === 'available'),
        ),
      CANDIDATES.elasticache,
      (c) => [q('AWS/ElastiCache', 'CurrConnections', dim('CacheClusterId', c.CacheClusterId))],
    );
  }

  private async opensearch(): Promise<void> {
    if (!this.rule('opensearch_domain')) return;
    const sdk = awsSdk('@aws-sdk/client-opensearch');
    const os = this.d.client('opensearch', () => new sdk.OpenSearchClient(this.d.clientConfig));
    await this.idle(
      'es:ListDomainNames',
      {
        resourceType: 'opensearch_domain',
        threshold: 'max_requests',
        measure: 'search and indexing requests',
      },
      async () => {
        const names = ((await os.send(new sdk.ListDomainNamesCommand({}), this.opts)).DomainNames ?? []).map(
          (d) => d.DomainName as string,
        );
        const domains = [];
        // DescribeDomains takes at most 5 names.
        for (let i = 0; i < names.length; i += 5)
          domains.push(
            ...((
              await os.send(new sdk.DescribeDomainsCommand({ DomainNames: names.slice(i, i + 5) }), this.opts)
            ).DomainStatusList ?? []),
          );
        return domains.filter((d) => !d.Deleted);
      },
      CANDIDATES.opensearch,
      (d) => {
        const dims = [dim('DomainName', d.DomainName), dim('ClientId', String(d.ARN).split(':')[4])];
        return [q('AWS/ES', 'SearchRate', ...dims), q('AWS/ES', 'IndexingRate', ...dims)];
      },
    );
  }

  /** Global Accelerator is a global service answered from us-west-2: listed when the account scans that region. */
  private async globalAccelerator(): Promise<void> {
    if (this.d.ctx.region !== 'us-west-2' || !this.rule('global_accelerator')) return;
    const sdk = awsSdk('@aws-sdk/client-global-accelerator');
    const ga = this.d.client('globalaccelerator', () => new sdk.GlobalAcceleratorClient(this.d.clientConfig));
    await this.idle(
      'globalaccelerator:ListAccelerators',
      {
        resourceType: 'global_accelerator',
        threshold: 'max_traffic_mb',
        scale: MB,
        measure: 'bytes processed',
      },
      () =>
        pages(
          (NextToken) => ga.send(new sdk.ListAcceleratorsCommand({ NextToken, MaxResults: 100 }), this.opts),
          (p) => p.NextToken,
          (p) => p.Accelerators,
        ),
      CANDIDATES.accelerator,
      (a) => {
        const id = dim('Accelerator', String(a.AcceleratorArn).split('/').pop());
        return [
          q('AWS/GlobalAccelerator', 'ProcessedBytesIn', id),
          q('AWS/GlobalAccelerator', 'ProcessedBytesOut', id),
        ];
      },
    );
  }

  private async kinesis(): Promise<void> {
    if (!this.rule('kinesis_stream')) return;
    const sdk = awsSdk('@aws-sdk/client-kinesis');
    const { NodeHttpHandler } = awsSdk('@smithy/node-http-handler');
    // The Kinesis client defaults to HTTP/2, which only SubscribeToShard needs; listing is plain HTTP/1.1.
    const kinesis = this.d.client(
      'kinesis',
      () =>
        new sdk.KinesisClient({
          ...this.d.clientConfig,
          requestHandler: new NodeHttpHandler(this.d.clientConfig.requestHandler as object),
        }),
    );
    const shards = new Map<string, number>();
    await this.idle(
      'kinesis:ListStreams',
      { resourceType: 'kinesis_stream', threshold: 'max_records', measure: 'incoming records' },
      async () => {
        const streams = (
          await pages(
            (NextToken) => kinesis.send(new sdk.ListStreamsCommand({ NextToken, Limit: 100 }), this.opts),
            (p) => (p.HasMoreStreams ? p.NextToken : undefined),
            (p) => p.StreamSummaries,
          )
        ).filter((s) => s.StreamStatus === 'ACTIVE');
        await Promise.all(
          streams.map((s) =>
            this.d.limit(async () => {
              const summary = await kinesis.send(
                new sdk.DescribeStreamSummaryCommand({ StreamName: s.StreamName }),
                this.opts,
              );
              shards.set(s.StreamName as string, summary.StreamDescriptionSummary?.OpenShardCount ?? 0);
            }),
          ),
        );
        return streams;
      },
      (s, rule) => CANDIDATES.kinesis(s, shards.get(s.StreamName as string) ?? 0, rule),
      (s) => [q('AWS/Kinesis', 'IncomingRecords', dim('StreamName', s.StreamName))],
    );
  }

  /** Buckets of this region (ListBuckets filtered by region) holding no object. */
  private async s3(): Promise<void> {
    const rule = this.rule('s3_bucket');
    if (!rule) return;
    const sdk = awsSdk('@aws-sdk/client-s3');
    const s3 = this.d.client(
      's3',
      () =>
        new sdk.S3Client({ ...this.d.clientConfig, forcePathStyle: Boolean(this.d.clientConfig.endpoint) }),
    );
    await guardedStep(this.d.ctx, this.d.tally, 's3:ListBuckets', async () => {
      const buckets = await pages(
        (ContinuationToken) =>
          s3.send(
            new sdk.ListBucketsCommand({
              BucketRegion: this.d.ctx.region,
              ContinuationToken,
              MaxBuckets: 1000,
            }),
            this.opts,
          ),
        (p) => p.ContinuationToken,
        (p) => p.Buckets,
      );
      this.d.ctx.step('s3:ListBuckets', buckets.length);
      await Promise.all(
        buckets.map((b) =>
          this.d.limit(async () => {
            const objects = await s3.send(
              new sdk.ListObjectsV2Command({ Bucket: b.Name, MaxKeys: 1 }),
              this.opts,
            );
            this.d.add(
              emptyBucket({ name: b.Name as string, createdAt: b.CreationDate }, objects.KeyCount ?? 0, rule),
            );
          }),
        ),
      );
    });
  }

  private async lambda(): Promise<void> {
    if (!this.rule('lambda_function')) return;
    const sdk = awsSdk('@aws-sdk/client-lambda');
    const lambda = this.d.client('lambda', () => new sdk.LambdaClient(this.d.clientConfig));
    await this.idle(
      'lambda:ListFunctions',
      { resourceType: 'lambda_function', threshold: 'max_invocations', measure: 'invocations' },
      () =>
        pages(
          (Marker) => lambda.send(new sdk.ListFunctionsCommand({ Marker, MaxItems: 50 }), this.opts),
          (p) => p.NextMarker,
          (p) => p.Functions,
        ),
      CANDIDATES.lambda,
      (f) => [q('AWS/Lambda', 'Invocations', dim('FunctionName', f.FunctionName))],
    );
  }

  private async dynamodb(): Promise<void> {
    if (!this.rule('dynamodb_table')) return;
    const sdk = awsSdk('@aws-sdk/client-dynamodb');
    const dynamo = this.d.client('dynamodb', () => new sdk.DynamoDBClient(this.d.clientConfig));
    await this.idle(
      'dynamodb:ListTables',
      { resourceType: 'dynamodb_table', threshold: 'max_consumed_units', measure: 'consumed capacity units' },
      async () => {
        const names = await pages(
          (ExclusiveStartTableName) =>
            dynamo.send(new sdk.ListTablesCommand({ ExclusiveStartTableName, Limit: 100 }), this.opts),
          (p) => p.LastEvaluatedTableName,
          (p) => p.TableNames,
        );
        const tables = await Promise.all(
          names.map((TableName) =>
            this.d.limit(
              async () => (await dynamo.send(new sdk.DescribeTableCommand({ TableName }), this.opts)).Table,
            ),
          ),
        );
        // On-demand tables bill per request: idle ones cost (almost) nothing.
        return tables.flatMap((t) =>
          t && t.TableStatus === 'ACTIVE' && t.BillingModeSummary?.BillingMode !== 'PAY_PER_REQUEST'
            ? [t]
            : [],
        );
      },
      CANDIDATES.dynamodb,
      (t) => [
        q('AWS/DynamoDB', 'ConsumedReadCapacityUnits', dim('TableName', t.TableName)),
        q('AWS/DynamoDB', 'ConsumedWriteCapacityUnits', dim('TableName', t.TableName)),
      ],
    );
  }

  private async ecs(): Promise<void> {
    if (!this.rule('ecs_service')) return;
    const sdk = awsSdk('@aws-sdk/client-ecs');
    const ecs = this.d.client('ecs', () => new sdk.ECSClient(this.d.clientConfig));
    const sizes = new Map<string, { cpu: number; memory: number } | null>();
    await this.idle(
      'ecs:ListServices',
      { resourceType: 'ecs_service', threshold: 'max_cpu_percent', measure: '% CPU on average' },
      async () => {
        const clusters = await pages(
          (nextToken) => ecs.send(new sdk.ListClustersCommand({ nextToken }), this.opts),
          (p) => p.nextToken,
          (p) => p.clusterArns,
        );
        const services = [];
        for (const cluster of clusters) {
          const arns = await pages(
            (nextToken) => ecs.send(new sdk.ListServicesCommand({ cluster, nextToken }), this.opts),
            (p) => p.nextToken,
            (p) => p.serviceArns,
          );
          // DescribeServices takes at most 10 services.
          for (let i = 0; i < arns.length; i += 10)
            services.push(
              ...((
                await ecs.send(
                  new sdk.DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10) }),
                  this.opts,
                )
              ).services ?? []),
            );
        }
        const running = services.filter((s) => s.status === 'ACTIVE' && (s.runningCount ?? 0) > 0);
        for (const arn of new Set(running.map((s) => s.taskDefinition as string))) {
          const def = (
            await ecs.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition: arn }), this.opts)
          ).taskDefinition;
          sizes.set(
            arn,
            def?.cpu && def.memory ? { cpu: Number(def.cpu), memory: Number(def.memory) } : null,
          );
        }
        return running;
      },
      (s, rule) => CANDIDATES.ecs(s, sizes.get(s.taskDefinition as string) ?? null, rule),
      (s) => [
        q(
          'AWS/ECS',
          'CPUUtilization',
          dim('ServiceName', s.serviceName),
          dim('ClusterName', String(s.clusterArn).split('/').pop()),
        ),
      ],
      'Average',
    );
  }
}
