import type { FakeAwsOptions, FakeRegion } from '../../bench/fakes/fake-aws.js';

export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const ACCOUNT_ID = '123456789012';

const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/**
 * A small AWS estate with one resource per rule outcome. The orphans and their list-price monthly costs:
 *   us-east-1  vol-0old (gp3 100 GB, 4000 IOPS, 250 MB/s, 200 d, silent)  8 + 5 + 5      = 18.00
 *              vol-0recent (gp2 50 GB, 60 d, I/O 10 d ago)                               =  5.00
 *              eipalloc-0idle (idle, first seen 10 d ago by the test)                     =  3.60
 *              snap-0orphan (20 GB, source volume gone, 120 d)                            =  1.00
 *              i-0stopped (stopped 45 d, io1 100 GB 1000 IOPS)  12.5 + 65                 = 77.50
 *              nat-0idle (1 KB in 30 d)                                                   = 32.40
 *              lb-empty (no listeners), lb-sick (no healthy target)           22 + 22     = 44.00
 *   eu-west-1  vol-0eu (st1 500 GB, 30 d, never used)                                     = 22.50
 *   ap-south-1 every call refused: recorded as a failed region
 * Total 204.00 over 9 resources. The rest must not be reported (too young, attached, in use, backing an AMI).
 */
export function estate(): FakeAwsOptions {
  const filler = Array.from({ length: 5 }, (_, i) => ({
    id: `vol-0busy${i}`,
    sizeGb: 8,
    type: 'gp3' as const,
    iops: 3000,
    throughput: 125,
    state: 'in-use' as const,
    createdAt: daysAgo(400),
    attachedTo: 'i-0running',
  }));
  const usEast: FakeRegion = {
    volumes: [
      {
        id: 'vol-0old',
        sizeGb: 100,
        type: 'gp3',
        iops: 4000,
        throughput: 250,
        state: 'available',
        createdAt: daysAgo(200),
        name: 'old-data',
      },
      { id: 'vol-0recent', sizeGb: 50, type: 'gp2', iops: 150, state: 'available', createdAt: daysAgo(60) },
      { id: 'vol-0young', sizeGb: 500, type: 'gp2', iops: 1500, state: 'available', createdAt: daysAgo(3) },
      {
        id: 'vol-0stopped',
        sizeGb: 100,
        type: 'io1',
        iops: 1000,
        state: 'in-use',
        createdAt: daysAgo(300),
        attachedTo: 'i-0stopped',
      },
      {
        id: 'vol-0live',
        sizeGb: 30,
        type: 'gp2',
        iops: 100,
        state: 'in-use',
        createdAt: daysAgo(300),
        attachedTo: 'i-0running',
      },
      ...filler,
    ],
    addresses: [
      { allocationId: 'eipalloc-0idle', publicIp: '203.0.113.10' },
      { allocationId: 'eipalloc-0new', publicIp: '203.0.113.11' },
      {
        allocationId: 'eipalloc-0used',
        publicIp: '203.0.113.12',
        associationId: 'eipassoc-0abc',
        instanceId: 'i-0running',
      },
    ],
    snapshots: [
      { id: 'snap-0orphan', volumeId: 'vol-0gone', sizeGb: 20, startedAt: daysAgo(120) },
      { id: 'snap-0ami', volumeId: 'vol-0gone2', sizeGb: 8, startedAt: daysAgo(200) },
      { id: 'snap-0live', volumeId: 'vol-0live', sizeGb: 30, startedAt: daysAgo(150) },
      { id: 'snap-0young', volumeId: 'vol-0gone3', sizeGb: 10, startedAt: daysAgo(10) },
    ],
    images: [{ id: 'ami-0keep', snapshotIds: ['snap-0ami'] }],
    instances: [
      {
        id: 'i-0stopped',
        type: 't3.large',
        state: 'stopped',
        launchedAt: daysAgo(300),
        stoppedAt: daysAgo(45),
        volumeIds: ['vol-0stopped'],
        name: 'legacy',
      },
      {
        id: 'i-0paused',
        type: 't3.small',
        state: 'stopped',
        launchedAt: daysAgo(100),
        stoppedAt: daysAgo(5),
        volumeIds: [],
      },
      {
        id: 'i-0running',
        type: 'm5.large',
        state: 'running',
        launchedAt: daysAgo(400),
        volumeIds: ['vol-0live'],
      },
    ],
    natGateways: [
      { id: 'nat-0idle', createdAt: daysAgo(60), state: 'available' },
      { id: 'nat-0busy', createdAt: daysAgo(60), state: 'available' },
    ],
    loadBalancers: [
      { name: 'lb-empty', type: 'application', createdAt: daysAgo(40), listeners: 0, targetGroups: [] },
      {
        name: 'lb-sick',
        type: 'network',
        createdAt: daysAgo(40),
        listeners: 1,
        targetGroups: [{ healthy: 0, unhealthy: 2 }],
      },
      {
        name: 'lb-ok',
        type: 'application',
        createdAt: daysAgo(40),
        listeners: 2,
        targetGroups: [{ healthy: 2, unhealthy: 1 }],
      },
    ],
    metrics: {
      'AWS/EBS|VolumeReadOps|vol-0recent': [
        { at: daysAgo(10), sum: 1200 },
        { at: daysAgo(11), sum: 50 },
      ],
      'AWS/EBS|VolumeWriteOps|vol-0recent': [{ at: daysAgo(12), sum: 300 }],
      'AWS/NATGateway|BytesOutToDestination|nat-0idle': [{ at: daysAgo(20), sum: 1024 }],
      'AWS/NATGateway|BytesOutToDestination|nat-0busy': [{ at: daysAgo(20), sum: 5 * 1024 ** 3 }],
      // lb-ok serves well over Trusted Advisor's 100 requests a day.
      'AWS/ApplicationELB|RequestCount|app/lb-ok/50dc6c495c0c9188': [
        { at: daysAgo(1), sum: 5000 },
        { at: daysAgo(2), sum: 4200 },
      ],
    },
  };
  return {
    accessKeyId: ACCESS_KEY_ID,
    accountId: ACCOUNT_ID,
    pageSize: 2,
    // One action of each wire format (EC2 XML, CloudWatch JSON, ELBv2 XML) is throttled once per region.
    throttleFirstCall: ['DescribeVolumes', 'GetMetricData', 'DescribeLoadBalancers'],
    regions: {
      'us-east-1': usEast,
      'eu-west-1': {
        volumes: [{ id: 'vol-0eu', sizeGb: 500, type: 'st1', state: 'available', createdAt: daysAgo(30) }],
      },
      'ap-south-1': {
        failWith: {
          status: 403,
          code: 'UnauthorizedOperation',
          message: 'You are not authorized to perform this operation.',
        },
      },
    },
  };
}

export const awsAccountBody = (name = 'Production') => ({
  provider: 'aws',
  name,
  account_identifier: ACCOUNT_ID,
  regions: ['us-east-1', 'eu-west-1', 'ap-south-1'],
  credentials: { access_key_id: ACCESS_KEY_ID, secret_access_key: SECRET_ACCESS_KEY },
});

const epoch = (d: Date) => d.getTime() / 1000;

/**
 * One resource (or two) of each AWS type added with the full catalogue, as the services' documents in their wire
 * names. Idle ones have no CloudWatch datapoint unless said. List-price monthly costs:
 *   us-east-1  i-0idle m5.large 70.08; i-0odd z1d.metal (no price: cost unknown); vpn-0down 36.5;
 *              tgw-attach-0idle 36.5; vpce-0idle 2 AZ 14.6; clb-idle 18; db-stopped 100 GB gp2 11.5;
 *              neptune-idle 254.04; docdb-idle 56.94; fs-0idle 300 GB Windows 39; msk-idle 2 brokers 306.6;
 *              empty-eks 73; ep-idle 83.95; rs-idle 2 × dc2.large 365; cache-idle 12.41;
 *              search-idle 2 × t3.small.search + 20 GB 55.26; s-idle 4 shards 43.8; empty-bucket 0;
 *              never-called 0; idle-table 100 RCU + 40 WCU 28.47; web-idle 1 vCPU + 2 GB Fargate 36.04
 *   us-west-2  ga-idle 18.25; DynamoDB refused (AccessDeniedException: skipped); Kinesis failing (failed)
 * Not to be reported: i-0busy (CPU 60 %), rs-busy (connections), full-bucket, busy-table (on demand).
 */
export function catalogueEstate(): FakeAwsOptions {
  const arn = (service: string, rest: string) => `arn:aws:${service}:us-east-1:${ACCOUNT_ID}:${rest}`;
  const buckets = [
    { Name: 'empty-bucket', CreationDate: daysAgo(200), BucketRegion: 'us-east-1' },
    { Name: 'full-bucket', CreationDate: daysAgo(200), BucketRegion: 'us-east-1' },
    { Name: 'west-bucket', CreationDate: daysAgo(200), BucketRegion: 'us-west-2' },
  ];
  const usEast: FakeRegion = {
    instances: [
      { id: 'i-0idle', type: 'm5.large', state: 'running', launchedAt: daysAgo(100), volumeIds: [] },
      { id: 'i-0odd', type: 'z1d.metal', state: 'running', launchedAt: daysAgo(100), volumeIds: [] },
      { id: 'i-0busy', type: 'm5.large', state: 'running', launchedAt: daysAgo(100), volumeIds: [] },
    ],
    metrics: {
      'AWS/EC2|CPUUtilization|i-0idle': [{ at: daysAgo(7), sum: 2.5 }],
      'AWS/EC2|NetworkIn|i-0idle': [{ at: daysAgo(7), sum: 1024 }],
      'AWS/EC2|CPUUtilization|i-0odd': [{ at: daysAgo(7), sum: 1 }],
      'AWS/EC2|CPUUtilization|i-0busy': [{ at: daysAgo(7), sum: 60 }],
      'AWS/Redshift|DatabaseConnections|rs-busy': [{ at: daysAgo(2), sum: 40 }],
      'AWS/ECS|CPUUtilization|web-idle': [{ at: daysAgo(2), sum: 0.4 }],
      // Under 100 requests (new flows for the NLB) on every day of the last 7; the busy day 20 days ago is outside.
      'AWS/ApplicationELB|RequestCount|app/lb-quiet/50dc6c495c0c9188': [
        { at: daysAgo(1), sum: 40 },
        { at: daysAgo(2), sum: 12 },
        { at: daysAgo(3), sum: 99 },
        { at: daysAgo(20), sum: 90_000 },
      ],
      'AWS/NetworkELB|NewFlowCount|net/nlb-quiet/50dc6c495c0c9188': [{ at: daysAgo(2), sum: 5 }],
      'AWS/ApplicationELB|RequestCount|app/lb-busy/50dc6c495c0c9188': [
        { at: daysAgo(1), sum: 20 },
        { at: daysAgo(3), sum: 250 },
      ],
      'AWS/ELB|RequestCount|clb-quiet': [{ at: daysAgo(1), sum: 3 }],
      'AWS/ELB|RequestCount|clb-busy': [{ at: daysAgo(1), sum: 500 }],
    },
    // Healthy targets all: only their traffic can say they are idle.
    loadBalancers: (['lb-quiet', 'nlb-quiet', 'lb-busy'] as const).map((name) => ({
      name,
      type: name.startsWith('nlb') ? ('network' as const) : ('application' as const),
      createdAt: daysAgo(40),
      listeners: 1,
      targetGroups: [{ healthy: 2, unhealthy: 0 }],
    })),
    documents: {
      'ec2:DescribeVpnConnections': {
        vpnConnectionSet: [
          {
            vpnConnectionId: 'vpn-0down',
            state: 'available',
            type: 'ipsec.1',
            vgwTelemetry: [
              { outsideIpAddress: '198.51.100.1', status: 'DOWN', lastStatusChange: daysAgo(20) },
              { outsideIpAddress: '198.51.100.2', status: 'DOWN', lastStatusChange: daysAgo(21) },
            ],
          },
        ],
      },
      'ec2:DescribeTransitGatewayAttachments': {
        transitGatewayAttachments: [
          {
            transitGatewayAttachmentId: 'tgw-attach-0idle',
            transitGatewayId: 'tgw-0abc',
            resourceType: 'vpc',
            resourceId: 'vpc-0abc',
            state: 'available',
            creationTime: daysAgo(90),
          },
        ],
      },
      'ec2:DescribeVpcEndpoints': {
        vpcEndpointSet: [
          {
            vpcEndpointId: 'vpce-0idle',
            vpcEndpointType: 'Interface',
            vpcId: 'vpc-0abc',
            serviceName: 'com.amazonaws.us-east-1.ssm',
            state: 'available',
            creationTimestamp: daysAgo(60),
            subnetIdSet: ['subnet-0a', 'subnet-0b'],
          },
        ],
      },
      'elb:DescribeLoadBalancers': {
        LoadBalancerDescriptions: [
          { LoadBalancerName: 'clb-idle', DNSName: 'clb-idle.elb.amazonaws.com', CreatedTime: daysAgo(50) },
          { LoadBalancerName: 'clb-quiet', DNSName: 'clb-quiet.elb.amazonaws.com', CreatedTime: daysAgo(50) },
          { LoadBalancerName: 'clb-busy', DNSName: 'clb-busy.elb.amazonaws.com', CreatedTime: daysAgo(50) },
        ],
      },
      'elb:DescribeInstanceHealth': (input) => ({
        InstanceStates: [
          {
            InstanceId: 'i-0web',
            State: input.LoadBalancerName === 'clb-idle' ? 'OutOfService' : 'InService',
          },
        ],
      }),
      'rds:DescribeDBInstances': {
        'DBInstances>DBInstance': [
          {
            DBInstanceIdentifier: 'db-stopped',
            DBInstanceStatus: 'stopped',
            Engine: 'postgres',
            DBInstanceClass: 'db.m5.large',
            AllocatedStorage: 100,
            StorageType: 'gp2',
          },
          {
            DBInstanceIdentifier: 'neptune-1',
            DBInstanceClass: 'db.r5.large',
            Engine: 'neptune',
            DBInstanceStatus: 'available',
          },
          {
            DBInstanceIdentifier: 'docdb-1',
            DBInstanceClass: 'db.t3.medium',
            Engine: 'docdb',
            DBInstanceStatus: 'available',
          },
        ],
      },
      'rds:DescribeDBClusters': {
        'DBClusters>DBCluster': [
          {
            DBClusterIdentifier: 'neptune-idle',
            DBClusterArn: arn('rds', 'cluster:neptune-idle'),
            Engine: 'neptune',
            Status: 'available',
            ClusterCreateTime: daysAgo(100),
            'DBClusterMembers>DBClusterMember': [
              { DBInstanceIdentifier: 'neptune-1', IsClusterWriter: true },
            ],
          },
          {
            DBClusterIdentifier: 'docdb-idle',
            DBClusterArn: arn('rds', 'cluster:docdb-idle'),
            Engine: 'docdb',
            Status: 'available',
            ClusterCreateTime: daysAgo(100),
            'DBClusterMembers>DBClusterMember': [{ DBInstanceIdentifier: 'docdb-1', IsClusterWriter: true }],
          },
        ],
      },
      'fsx:DescribeFileSystems': {
        FileSystems: [
          {
            FileSystemId: 'fs-0idle',
            FileSystemType: 'WINDOWS',
            StorageCapacity: 300,
            Lifecycle: 'AVAILABLE',
            CreationTime: epoch(daysAgo(90)),
          },
        ],
      },
      'kafka:ListClusters': {
        clusterInfoList: [
          {
            clusterArn: arn('kafka', 'cluster/msk-idle/abcd'),
            clusterName: 'msk-idle',
            creationTime: daysAgo(90).toISOString(),
            state: 'ACTIVE',
            numberOfBrokerNodes: 2,
            brokerNodeGroupInfo: { instanceType: 'kafka.m5.large', clientSubnets: ['subnet-0a'] },
          },
        ],
      },
      'eks:ListClusters': { clusters: ['empty-eks'] },
      'eks:DescribeCluster': (input) => ({
        cluster: {
          name: input.name,
          arn: arn('eks', `cluster/${String(input.name)}`),
          createdAt: epoch(daysAgo(60)),
          version: '1.30',
          status: 'ACTIVE',
        },
      }),
      'eks:ListNodegroups': { nodegroups: [] },
      'eks:ListFargateProfiles': { fargateProfileNames: [] },
      'sagemaker:ListEndpoints': {
        Endpoints: [
          {
            EndpointName: 'ep-idle',
            EndpointArn: arn('sagemaker', 'endpoint/ep-idle'),
            CreationTime: epoch(daysAgo(40)),
            LastModifiedTime: epoch(daysAgo(40)),
            EndpointStatus: 'InService',
          },
        ],
      },
      'sagemaker:DescribeEndpoint': {
        EndpointName: 'ep-idle',
        EndpointArn: arn('sagemaker', 'endpoint/ep-idle'),
        EndpointConfigName: 'ep-idle-config',
        EndpointStatus: 'InService',
        CreationTime: epoch(daysAgo(40)),
        LastModifiedTime: epoch(daysAgo(40)),
        ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
      },
      'sagemaker:DescribeEndpointConfig': {
        EndpointConfigName: 'ep-idle-config',
        EndpointConfigArn: arn('sagemaker', 'endpoint-config/ep-idle-config'),
        CreationTime: epoch(daysAgo(40)),
        ProductionVariants: [
          { VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 },
        ],
      },
      'redshift:DescribeClusters': {
        'Clusters>Cluster': [
          {
            ClusterIdentifier: 'rs-idle',
            NodeType: 'dc2.large',
            NumberOfNodes: 2,
            ClusterStatus: 'available',
            ClusterCreateTime: daysAgo(100),
          },
          {
            ClusterIdentifier: 'rs-busy',
            NodeType: 'dc2.large',
            NumberOfNodes: 2,
            ClusterStatus: 'available',
            ClusterCreateTime: daysAgo(100),
          },
        ],
      },
      'elasticache:DescribeCacheClusters': {
        'CacheClusters>CacheCluster': [
          {
            CacheClusterId: 'cache-idle',
            CacheNodeType: 'cache.t3.micro',
            NumCacheNodes: 1,
            CacheClusterStatus: 'available',
            Engine: 'redis',
            CacheClusterCreateTime: daysAgo(100),
          },
        ],
      },
      'es:ListDomainNames': { DomainNames: [{ DomainName: 'search-idle', EngineType: 'OpenSearch' }] },
      'es:DescribeDomains': {
        DomainStatusList: [
          {
            DomainId: `${ACCOUNT_ID}/search-idle`,
            DomainName: 'search-idle',
            ARN: arn('es', 'domain/search-idle'),
            Created: true,
            Deleted: false,
            ClusterConfig: { InstanceType: 't3.small.search', InstanceCount: 2 },
            EBSOptions: { EBSEnabled: true, VolumeSize: 10 },
          },
        ],
      },
      'kinesis:ListStreams': {
        StreamNames: ['s-idle'],
        HasMoreStreams: false,
        StreamSummaries: [
          {
            StreamName: 's-idle',
            StreamARN: arn('kinesis', 'stream/s-idle'),
            StreamStatus: 'ACTIVE',
            StreamModeDetails: { StreamMode: 'PROVISIONED' },
            StreamCreationTimestamp: epoch(daysAgo(30)),
          },
        ],
      },
      'kinesis:DescribeStreamSummary': {
        StreamDescriptionSummary: {
          StreamName: 's-idle',
          StreamARN: arn('kinesis', 'stream/s-idle'),
          StreamStatus: 'ACTIVE',
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: epoch(daysAgo(30)),
          EnhancedMonitoring: [],
          OpenShardCount: 4,
        },
      },
      's3:ListBuckets': (input) => ({
        ListAllMyBucketsResult: {
          'Buckets>Bucket': buckets.filter((b) => b.BucketRegion === input['bucket-region']),
          Owner: { ID: 'owner' },
        },
      }),
      's3:ListObjectsV2': (input) => ({
        ListBucketResult: {
          Name: input.bucket,
          KeyCount: input.bucket === 'full-bucket' ? 1 : 0,
          MaxKeys: 1,
          IsTruncated: false,
          'Contents*': input.bucket === 'full-bucket' ? [{ Key: 'data.csv', Size: 10 }] : [],
        },
      }),
      'lambda:ListFunctions': {
        Functions: [
          {
            FunctionName: 'never-called',
            FunctionArn: arn('lambda', 'function:never-called'),
            Runtime: 'nodejs20.x',
            MemorySize: 128,
            LastModified: daysAgo(120).toISOString().replace('Z', '+0000'),
          },
        ],
      },
      'dynamodb:ListTables': { TableNames: ['idle-table', 'busy-table'] },
      'dynamodb:DescribeTable': (input) => ({
        Table: {
          TableName: input.TableName,
          TableArn: arn('dynamodb', `table/${String(input.TableName)}`),
          TableStatus: 'ACTIVE',
          CreationDateTime: epoch(daysAgo(100)),
          ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 40 },
          ...(input.TableName === 'busy-table'
            ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } }
            : {}),
        },
      }),
      'ecs:ListClusters': { clusterArns: [arn('ecs', 'cluster/main')] },
      'ecs:ListServices': { serviceArns: [arn('ecs', 'service/main/web-idle')] },
      'ecs:DescribeServices': {
        services: [
          {
            serviceName: 'web-idle',
            serviceArn: arn('ecs', 'service/main/web-idle'),
            clusterArn: arn('ecs', 'cluster/main'),
            status: 'ACTIVE',
            runningCount: 2,
            desiredCount: 2,
            launchType: 'FARGATE',
            taskDefinition: arn('ecs', 'task-definition/web:3'),
            createdAt: epoch(daysAgo(60)),
          },
        ],
      },
      'ecs:DescribeTaskDefinition': {
        taskDefinition: {
          taskDefinitionArn: arn('ecs', 'task-definition/web:3'),
          cpu: '512',
          memory: '1024',
        },
      },
    },
  };
  return {
    accessKeyId: ACCESS_KEY_ID,
    accountId: ACCOUNT_ID,
    regions: {
      'us-east-1': usEast,
      'us-west-2': {
        documents: {
          'globalaccelerator:ListAccelerators': {
            Accelerators: [
              {
                AcceleratorArn: `arn:aws:globalaccelerator::${ACCOUNT_ID}:accelerator/ga-0001`,
                Name: 'ga-idle',
                Enabled: true,
                Status: 'DEPLOYED',
                CreatedTime: epoch(daysAgo(90)),
              },
            ],
          },
          's3:ListBuckets': { ListAllMyBucketsResult: { 'Buckets>Bucket': [] } },
        },
        failServices: {
          dynamodb: {
            status: 400,
            code: 'AccessDeniedException',
            message: 'User is not authorized to perform: dynamodb:ListTables',
          },
          kinesis: {
            status: 400,
            code: 'InvalidArgumentException',
            message: 'Stream listing is broken today',
          },
        },
      },
    },
  };
}
