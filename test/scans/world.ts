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
