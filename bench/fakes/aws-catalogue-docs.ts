import type { FakeRegion } from './fake-aws.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const epoch = (d: Date) => d.getTime() / 1000;
const range = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));

/**
 * `n` resources of each AWS type beyond the original six, as the services' documents (wire names), for
 * `bench:scan`: every other one busy (a CloudWatch datapoint over its threshold), the rest idle.
 */
export function catalogueRegion(
  region: string,
  accountId: string,
  n: number,
): Required<Pick<FakeRegion, 'documents' | 'metrics'>> & {
  instances: NonNullable<FakeRegion['instances']>;
} {
  const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${accountId}:${rest}`;
  const metrics: NonNullable<FakeRegion['metrics']> = {};
  const busy = (key: string, i: number, value: number) => {
    if (i % 2 === 1) metrics[key] = [{ at: ago(2), sum: value }];
  };
  const id = (prefix: string, i: number) => `${prefix}-${region}-${i}`;
  const instances = range(n, (i) => ({
    id: id('i-run', i),
    type: ['m5.large', 't3.medium', 'r7i.large'][i % 3],
    state: 'running' as const,
    launchedAt: ago(100),
    volumeIds: [],
  }));
  instances.forEach((inst, i) => {
    metrics[`AWS/EC2|CPUUtilization|${inst.id}`] = [{ at: ago(3), sum: i % 2 ? 70 : 1 }];
  });
  const names = {
    tgw: range(n, (i) => id('tgw-attach', i)),
    vpce: range(n, (i) => id('vpce', i)),
    clb: range(n, (i) => id('clb', i)),
    db: range(n, (i) => id('db', i)),
    fs: range(n, (i) => id('fs', i)),
    msk: range(n, (i) => id('msk', i)),
    eks: range(n, (i) => id('eks', i)),
    ep: range(n, (i) => id('ep', i)),
    rs: range(n, (i) => id('rs', i)),
    cache: range(n, (i) => id('cache', i)),
    os: range(n, (i) => id('os', i)),
    ga: range(n, (i) => id('ga', i)),
    stream: range(n, (i) => id('stream', i)),
    bucket: range(n, (i) => id('bucket', i)),
    fn: range(n, (i) => id('fn', i)),
    table: range(n, (i) => id('table', i)),
    svc: range(n, (i) => id('svc', i)),
  };
  names.tgw.forEach((x, i) => busy(`AWS/TransitGateway|BytesIn|${x}`, i, 5e9));
  names.vpce.forEach((x, i) => busy(`AWS/PrivateLinkEndpoints|BytesProcessed|${x}`, i, 5e9));
  names.db.forEach((x, i) => {
    busy(`AWS/Neptune|DatabaseConnections|${x}-neptune`, i, 10);
    busy(`AWS/DocDB|DatabaseConnections|${x}-docdb`, i, 10);
  });
  names.fs.forEach((x, i) => busy(`AWS/FSx|DataReadBytes|${x}`, i, 5e9));
  names.msk.forEach((x, i) => busy(`AWS/Kafka|BytesInPerSec|${x}`, i, 5e9));
  names.ep.forEach((x, i) => busy(`AWS/SageMaker|Invocations|${x}`, i, 100));
  names.rs.forEach((x, i) => busy(`AWS/Redshift|DatabaseConnections|${x}`, i, 10));
  names.cache.forEach((x, i) => busy(`AWS/ElastiCache|CurrConnections|${x}`, i, 10));
  names.os.forEach((x, i) => busy(`AWS/ES|SearchRate|${x}`, i, 10));
  names.ga.forEach((x, i) => busy(`AWS/GlobalAccelerator|ProcessedBytesIn|${x}`, i, 5e9));
  names.stream.forEach((x, i) => busy(`AWS/Kinesis|IncomingRecords|${x}`, i, 10));
  names.fn.forEach((x, i) => busy(`AWS/Lambda|Invocations|${x}`, i, 10));
  names.table.forEach((x, i) => busy(`AWS/DynamoDB|ConsumedReadCapacityUnits|${x}`, i, 10));
  names.svc.forEach(
    (x, i) => (metrics[`AWS/ECS|CPUUtilization|${x}`] = [{ at: ago(2), sum: i % 2 ? 40 : 0.2 }]),
  );

  const documents: NonNullable<FakeRegion['documents']> = {
    'ec2:DescribeVpnConnections': {
      vpnConnectionSet: range(n, (i) => ({
        vpnConnectionId: id('vpn', i),
        state: 'available',
        vgwTelemetry: [{ status: i % 2 ? 'UP' : 'DOWN', lastStatusChange: ago(30) }],
      })),
    },
    'ec2:DescribeTransitGatewayAttachments': {
      transitGatewayAttachments: names.tgw.map((x) => ({
        transitGatewayAttachmentId: x,
        transitGatewayId: 'tgw-0bench',
        state: 'available',
        creationTime: ago(90),
      })),
    },
    'ec2:DescribeVpcEndpoints': {
      vpcEndpointSet: names.vpce.map((x) => ({
        vpcEndpointId: x,
        vpcEndpointType: 'Interface',
        vpcId: 'vpc-0bench',
        serviceName: `com.amazonaws.${region}.ssm`,
        state: 'available',
        creationTimestamp: ago(90),
        subnetIdSet: ['subnet-a', 'subnet-b'],
      })),
    },
    'elb:DescribeLoadBalancers': {
      LoadBalancerDescriptions: names.clb.map((x) => ({ LoadBalancerName: x, CreatedTime: ago(50) })),
    },
    'elb:DescribeInstanceHealth': (input) => ({
      InstanceStates: [
        {
          InstanceId: 'i-0',
          State: String(input.LoadBalancerName).endsWith('1') ? 'InService' : 'OutOfService',
        },
      ],
    }),
    'rds:DescribeDBInstances': {
      'DBInstances>DBInstance': names.db.flatMap((x, i) => [
        {
          DBInstanceIdentifier: x,
          DBInstanceStatus: i % 2 ? 'available' : 'stopped',
          AllocatedStorage: 100,
          StorageType: 'gp2',
        },
        { DBInstanceIdentifier: `${x}-n1`, DBInstanceClass: 'db.r5.large', DBInstanceStatus: 'available' },
        { DBInstanceIdentifier: `${x}-d1`, DBInstanceClass: 'db.t3.medium', DBInstanceStatus: 'available' },
      ]),
    },
    'rds:DescribeDBClusters': {
      'DBClusters>DBCluster': names.db.flatMap((x) => [
        {
          DBClusterIdentifier: `${x}-neptune`,
          DBClusterArn: arn('rds', `cluster:${x}-neptune`),
          Engine: 'neptune',
          Status: 'available',
          ClusterCreateTime: ago(100),
          'DBClusterMembers>DBClusterMember': [{ DBInstanceIdentifier: `${x}-n1` }],
        },
        {
          DBClusterIdentifier: `${x}-docdb`,
          DBClusterArn: arn('rds', `cluster:${x}-docdb`),
          Engine: 'docdb',
          Status: 'available',
          ClusterCreateTime: ago(100),
          'DBClusterMembers>DBClusterMember': [{ DBInstanceIdentifier: `${x}-d1` }],
        },
      ]),
    },
    'fsx:DescribeFileSystems': {
      FileSystems: names.fs.map((x) => ({
        FileSystemId: x,
        FileSystemType: 'LUSTRE',
        StorageCapacity: 1200,
        Lifecycle: 'AVAILABLE',
        CreationTime: epoch(ago(90)),
      })),
    },
    'kafka:ListClusters': {
      clusterInfoList: names.msk.map((x) => ({
        clusterArn: arn('kafka', `cluster/${x}/1`),
        clusterName: x,
        creationTime: ago(90).toISOString(),
        state: 'ACTIVE',
        numberOfBrokerNodes: 3,
        brokerNodeGroupInfo: { instanceType: 'kafka.m5.large', clientSubnets: ['s'] },
      })),
    },
    'eks:ListClusters': { clusters: names.eks },
    'eks:DescribeCluster': (input) => ({
      cluster: {
        name: input.name,
        arn: arn('eks', `cluster/${String(input.name)}`),
        createdAt: epoch(ago(60)),
        status: 'ACTIVE',
      },
    }),
    'eks:ListNodegroups': (input) => ({ nodegroups: String(input.clusterName).endsWith('1') ? ['ng'] : [] }),
    'eks:ListFargateProfiles': { fargateProfileNames: [] },
    'sagemaker:ListEndpoints': {
      Endpoints: names.ep.map((x) => ({
        EndpointName: x,
        EndpointArn: arn('sagemaker', `endpoint/${x}`),
        CreationTime: epoch(ago(40)),
        LastModifiedTime: epoch(ago(40)),
        EndpointStatus: 'InService',
      })),
    },
    'sagemaker:DescribeEndpoint': (input) => ({
      EndpointName: input.EndpointName,
      EndpointConfigName: `${String(input.EndpointName)}-cfg`,
      ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
    }),
    'sagemaker:DescribeEndpointConfig': {
      ProductionVariants: [{ VariantName: 'AllTraffic', InstanceType: 'ml.m5.large' }],
    },
    'redshift:DescribeClusters': {
      'Clusters>Cluster': names.rs.map((x) => ({
        ClusterIdentifier: x,
        NodeType: 'dc2.large',
        NumberOfNodes: 2,
        ClusterStatus: 'available',
        ClusterCreateTime: ago(100),
      })),
    },
    'elasticache:DescribeCacheClusters': {
      'CacheClusters>CacheCluster': names.cache.map((x) => ({
        CacheClusterId: x,
        CacheNodeType: 'cache.m5.large',
        NumCacheNodes: 2,
        CacheClusterStatus: 'available',
        CacheClusterCreateTime: ago(100),
      })),
    },
    'es:ListDomainNames': { DomainNames: names.os.map((x) => ({ DomainName: x })) },
    'es:DescribeDomains': (input) => ({
      DomainStatusList: (input.DomainNames as string[]).map((x) => ({
        DomainName: x,
        ARN: arn('es', `domain/${x}`),
        Deleted: false,
        ClusterConfig: { InstanceType: 'm5.large.search', InstanceCount: 2 },
        EBSOptions: { EBSEnabled: true, VolumeSize: 100 },
      })),
    }),
    'globalaccelerator:ListAccelerators': {
      Accelerators: names.ga.map((x) => ({
        AcceleratorArn: `arn:aws:globalaccelerator::${accountId}:accelerator/${x}`,
        Name: x,
        Enabled: true,
        CreatedTime: epoch(ago(90)),
      })),
    },
    'kinesis:ListStreams': {
      HasMoreStreams: false,
      StreamSummaries: names.stream.map((x) => ({
        StreamName: x,
        StreamARN: arn('kinesis', `stream/${x}`),
        StreamStatus: 'ACTIVE',
        StreamModeDetails: { StreamMode: 'PROVISIONED' },
        StreamCreationTimestamp: epoch(ago(30)),
      })),
    },
    'kinesis:DescribeStreamSummary': { StreamDescriptionSummary: { OpenShardCount: 2 } },
    's3:ListBuckets': {
      ListAllMyBucketsResult: {
        'Buckets>Bucket': names.bucket.map((x) => ({ Name: x, CreationDate: ago(200) })),
      },
    },
    's3:ListObjectsV2': (input) => ({
      ListBucketResult: { Name: input.bucket, KeyCount: String(input.bucket).endsWith('1') ? 1 : 0 },
    }),
    'lambda:ListFunctions': {
      Functions: names.fn.map((x) => ({
        FunctionName: x,
        FunctionArn: arn('lambda', `function:${x}`),
        LastModified: ago(120).toISOString().replace('Z', '+0000'),
      })),
    },
    'dynamodb:ListTables': { TableNames: names.table },
    'dynamodb:DescribeTable': (input) => ({
      Table: {
        TableName: input.TableName,
        TableArn: arn('dynamodb', `table/${String(input.TableName)}`),
        TableStatus: 'ACTIVE',
        CreationDateTime: epoch(ago(100)),
        ProvisionedThroughput: { ReadCapacityUnits: 50, WriteCapacityUnits: 20 },
      },
    }),
    'ecs:ListClusters': { clusterArns: [arn('ecs', 'cluster/bench')] },
    'ecs:ListServices': { serviceArns: names.svc.map((x) => arn('ecs', `service/bench/${x}`)) },
    'ecs:DescribeServices': (input) => ({
      services: (input.services as string[]).map((s) => ({
        serviceName: s.split('/').pop(),
        serviceArn: s,
        clusterArn: arn('ecs', 'cluster/bench'),
        status: 'ACTIVE',
        runningCount: 2,
        launchType: 'FARGATE',
        taskDefinition: arn('ecs', 'task-definition/bench:1'),
        createdAt: epoch(ago(60)),
      })),
    }),
    'ecs:DescribeTaskDefinition': { taskDefinition: { cpu: '1024', memory: '2048' } },
  };
  return { documents, metrics, instances };
}

/** Resources per unit of `n` in `catalogueRegion` (Global Accelerator's only count in us-west-2, where it is listed). */
export const CATALOGUE_TYPES_PER_N = 21;
