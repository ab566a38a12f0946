import type { Volume } from '@aws-sdk/client-ec2';
import { PriceBook } from '../pricing/price-book.js';
import { LIST_PRICES } from '../pricing/list-prices.js';
import {
  classifyActivity,
  downVpnConnection,
  ebsVolumeCost,
  idleResource,
  idleRunningInstance,
  perTypeCost,
  dailyTraffic,
  idleClassicLoadBalancer,
  idleLoadBalancer,
  idleNatGateway,
  loadBalancerMetric,
  orphanedSnapshot,
  stoppedInstance,
  stoppedSince,
  unassociatedAddress,
  unattachedVolume,
} from './aws-rules.js';
import { costLine, type RuleContext } from './finding.js';
import { defaultSettings, RULES_BY_TYPE } from './catalog.js';
import { confidenceFromAge } from './confidence.js';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const prices = new PriceBook(LIST_PRICES.map((p) => ({ ...p, region: '*' })));
const ctx = (type: string, params: Record<string, number> = {}): RuleContext => {
  const settings = defaultSettings(RULES_BY_TYPE.get(type)!);
  return {
    region: 'us-east-1',
    now,
    prices,
    settings: { ...settings, params: { ...settings.params, ...params } },
  };
};
const total = (lines: Array<{ monthly: number }>) => lines.reduce((s, l) => s + l.monthly, 0);

describe('EBS volume costs (list prices)', () => {
  it.each([
    [{ VolumeType: 'gp3', Size: 100 }, 8],
    [{ VolumeType: 'gp3', Size: 100, Iops: 3000, Throughput: 125 }, 8],
    [{ VolumeType: 'gp3', Size: 100, Iops: 6000, Throughput: 500 }, 8 + 15 + 15],
    [{ VolumeType: 'gp2', Size: 100 }, 10],
    [{ VolumeType: 'io1', Size: 100, Iops: 1000 }, 12.5 + 65],
    [{ VolumeType: 'io2', Size: 200, Iops: 2000 }, 25 + 130],
    [{ VolumeType: 'st1', Size: 1000 }, 45],
    [{ VolumeType: 'sc1', Size: 1000 }, 15],
    [{ VolumeType: 'standard', Size: 10 }, 0.5],
  ])('%j costs %d a month', (volume, expected) => {
    expect(total(ebsVolumeCost(volume as Volume, 'us-east-1', prices))).toBeCloseTo(expected, 2);
  });

  it('uses a regional override over the list price', () => {
    const book = new PriceBook([
      { key: 'aws.ebs.gp2.gb_month', region: '*', usd: 0.1 },
      { key: 'aws.ebs.gp2.gb_month', region: 'eu-west-1', usd: 0.11 },
    ]);
    expect(total(ebsVolumeCost({ VolumeType: 'gp2', Size: 100 }, 'eu-west-1', book))).toBeCloseTo(11, 2);
    expect(total(ebsVolumeCost({ VolumeType: 'gp2', Size: 100 }, 'us-east-1', book))).toBeCloseTo(10, 2);
  });
});

describe('confidence from age', () => {
  it.each([
    [null, 'low'],
    [0, 'low'],
    [6, 'low'],
    [7, 'medium'],
    [29, 'medium'],
    [30, 'high'],
    [89, 'high'],
    [90, 'critical'],
    [900, 'critical'],
  ])('%s days -> %s', (days, expected) => expect(confidenceFromAge(days)).toBe(expected));
});

describe('unattached volumes', () => {
  const volume = (age: number, state = 'available'): Volume => ({
    VolumeId: 'vol-1',
    VolumeType: 'gp2',
    Size: 10,
    State: state as Volume['State'],
    CreateTime: daysAgo(age),
  });

  it('skips attached and too-young volumes', () => {
    expect(unattachedVolume(volume(100, 'in-use'), null, ctx('ebs_volume'))).toBeNull();
    expect(unattachedVolume(volume(6), null, ctx('ebs_volume'))).toBeNull();
    expect(unattachedVolume(volume(6), null, ctx('ebs_volume', { min_age_days: 5 }))).not.toBeNull();
  });

  it('tells never used, recently abandoned and long abandoned apart', () => {
    const c = ctx('ebs_volume');
    expect(classifyActivity(null, 40, c)).toEqual({ activity: 'never_used', idleDays: 40 });
    expect(classifyActivity(null, 400, c)).toEqual({ activity: 'long_abandoned', idleDays: 400 });
    expect(classifyActivity(daysAgo(10), 400, c)).toEqual({ activity: 'recently_abandoned', idleDays: 10 });
    expect(classifyActivity(daysAgo(45), 400, c)).toEqual({ activity: 'long_abandoned', idleDays: 45 });
    const found = unattachedVolume(volume(400), daysAgo(10), c)!;
    // Confidence follows how long it has been idle, not how old it is.
    expect(found.metadata).toMatchObject({
      activity: 'recently_abandoned',
      confidence: 'medium',
      age_days: 400,
    });
    expect(found.monthlyCost).toBe(1);
  });
});

describe('other AWS rules', () => {
  it('reports an unassociated Elastic IP once idle long enough', () => {
    const c = ctx('elastic_ip');
    expect(unassociatedAddress({ AllocationId: 'a', AssociationId: 'x' }, daysAgo(10), c)).toBeNull();
    expect(unassociatedAddress({ AllocationId: 'a' }, daysAgo(2), c)).toBeNull();
    expect(unassociatedAddress({ AllocationId: 'a', PublicIp: '1.2.3.4' }, daysAgo(3), c)?.monthlyCost).toBe(
      3.6,
    );
  });

  it('reports snapshots whose volume is gone, unless they back an AMI or are young', () => {
    const c = ctx('ebs_snapshot');
    const snapshot = {
      SnapshotId: 's',
      VolumeId: 'vol-gone',
      VolumeSize: 100,
      State: 'completed' as const,
      StartTime: daysAgo(100),
    };
    expect(orphanedSnapshot(snapshot, new Set(), new Set(), c)?.monthlyCost).toBe(5);
    expect(orphanedSnapshot(snapshot, new Set(['vol-gone']), new Set(), c)).toBeNull();
    expect(orphanedSnapshot(snapshot, new Set(), new Set(['s']), c)).toBeNull();
    expect(orphanedSnapshot({ ...snapshot, StartTime: daysAgo(89) }, new Set(), new Set(), c)).toBeNull();
  });

  it('costs a long-stopped instance by its volumes', () => {
    const instance = {
      InstanceId: 'i-1',
      State: { Name: 'stopped' as const },
      StateTransitionReason: `User initiated (${daysAgo(40).toISOString().slice(0, 19).replace('T', ' ')} GMT)`,
      BlockDeviceMappings: [{ Ebs: { VolumeId: 'vol-a' } }, { Ebs: { VolumeId: 'vol-b' } }],
    };
    expect(stoppedSince(instance)?.toISOString()).toBe(
      daysAgo(40)
        .toISOString()
        .replace(/\.\d+Z$/, '.000Z'),
    );
    const volumes = new Map<string, Volume>([
      ['vol-a', { VolumeId: 'vol-a', VolumeType: 'gp3', Size: 50 }],
      ['vol-b', { VolumeId: 'vol-b', VolumeType: 'gp2', Size: 20 }],
    ]);
    expect(stoppedInstance(instance, volumes, ctx('ec2_instance'))?.monthlyCost).toBe(6);
    expect(stoppedInstance(instance, volumes, ctx('ec2_instance', { min_stopped_days: 41 }))).toBeNull();
    expect(
      stoppedInstance({ ...instance, StateTransitionReason: '' }, volumes, ctx('ec2_instance')),
    ).toBeNull();
  });

  it('reports load balancers with no listeners or no healthy target', () => {
    const lb = {
      LoadBalancerArn: 'arn',
      Type: 'application' as const,
      State: { Code: 'active' as const },
      CreatedTime: daysAgo(30),
    };
    const c = ctx('load_balancer');
    expect(
      idleLoadBalancer(lb, { listeners: 0, targetGroups: 0, healthyTargets: 0 }, c)?.metadata.reason,
    ).toBe('No listeners');
    expect(idleLoadBalancer(lb, { listeners: 1, targetGroups: 1, healthyTargets: 0 }, c)?.monthlyCost).toBe(
      22,
    );
    expect(idleLoadBalancer(lb, { listeners: 1, targetGroups: 1, healthyTargets: 1 }, c)).toBeNull();
    expect(
      idleLoadBalancer({ ...lb, Type: 'gateway' }, { listeners: 0, targetGroups: 0, healthyTargets: 0 }, c),
    ).toBeNull();
  });

  it('reports healthy load balancers under the requests-a-day threshold, configurable, on the right metric', () => {
    const lb = {
      LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/web/abc',
      LoadBalancerName: 'web',
      Type: 'network' as const,
      State: { Code: 'active' as const },
      CreatedTime: daysAgo(4),
    };
    const healthy = { listeners: 1, targetGroups: 1, healthyTargets: 2 };
    const metric = loadBalancerMetric(lb);
    expect(metric).toEqual({
      namespace: 'AWS/NetworkELB',
      metric: 'NewFlowCount',
      dimension: { name: 'LoadBalancer', value: 'net/web/abc' },
    });
    expect(loadBalancerMetric({ ...lb, Type: 'application' }).namespace).toBe('AWS/ApplicationELB');
    expect(loadBalancerMetric({ LoadBalancerName: 'old' })).toMatchObject({
      namespace: 'AWS/ELB',
      metric: 'RequestCount',
      dimension: { name: 'LoadBalancerName', value: 'old' },
    });
    const quiet = dailyTraffic(metric, [99, 3], 7);
    const c = ctx('load_balancer', { min_age_days: 0 });
    const found = idleLoadBalancer(lb, healthy, c, quiet);
    expect(found?.metadata.reason).toMatch(
      /^Fewer than 100 new flows a day for 7 days: busiest day 99, 102 in all/,
    );
    // Four days old: idle for its whole life, not for the 7-day lookback.
    expect(found?.metadata.confidence).toBe(confidenceFromAge(4));
    expect(idleLoadBalancer(lb, healthy, c, dailyTraffic(metric, [100], 7))).toBeNull();
    expect(
      idleLoadBalancer(
        lb,
        healthy,
        ctx('load_balancer', { min_age_days: 0, max_requests_per_day: 99 }),
        quiet,
      ),
    ).toBeNull();
    expect(idleLoadBalancer(lb, healthy, c)).toBeNull();
    expect(idleLoadBalancer(lb, healthy, ctx('load_balancer'), quiet)).toBeNull();
    const clb = { LoadBalancerName: 'old', CreatedTime: daysAgo(60) };
    const clbCtx = ctx('classic_load_balancer', { max_requests_per_day: 10 });
    const clbTraffic = (daily: number[]) => dailyTraffic(loadBalancerMetric(clb), daily, 30);
    expect(
      idleClassicLoadBalancer(clb, { registered: 1, inService: 1 }, clbCtx, clbTraffic([9]))?.metadata,
    ).toMatchObject({
      confidence: 'high',
      reason: expect.stringContaining('Fewer than 10 requests a day for 30 days'),
    });
    expect(
      idleClassicLoadBalancer(clb, { registered: 1, inService: 1 }, clbCtx, clbTraffic([10])),
    ).toBeNull();
  });

  it('reports NAT gateways under the traffic threshold', () => {
    const nat = { NatGatewayId: 'nat-1', State: 'available' as const, CreateTime: daysAgo(60) };
    const c = ctx('nat_gateway');
    expect(idleNatGateway(nat, 1024, c)?.monthlyCost).toBe(32.4);
    expect(idleNatGateway(nat, 2 * 1024 * 1024, c)).toBeNull();
    expect(idleNatGateway(nat, 2 * 1024 * 1024, ctx('nat_gateway', { max_traffic_mb: 5 }))).not.toBeNull();
  });
});

describe('idle-by-metric rules', () => {
  const measure = { resourceType: 'redshift_cluster', threshold: 'max_connections', measure: 'connections' };
  const candidate = (activity: number | null, created = daysAgo(30)) => ({
    id: 'rs-1',
    createdAt: created,
    activity,
    costs: [costLine(prices, 'us-east-1', 'aws.redshift.dc2.large.month', 2, 'nodes')],
  });

  it('reports at or under the threshold, with the window in the reason, and no data as no activity', () => {
    const f = idleResource(candidate(null), measure, ctx('redshift_cluster'));
    expect(f).toMatchObject({ resourceType: 'redshift_cluster', monthlyCost: 365 });
    expect(f?.metadata.reason).toBe('0 connections in the last 7 days (reported at 0 or less)');
    expect(idleResource(candidate(3), measure, ctx('redshift_cluster'))).toBeNull();
    expect(
      idleResource(candidate(3), measure, ctx('redshift_cluster', { max_connections: 5 })),
    ).not.toBeNull();
  });

  it('leaves resources younger than min_age_days alone', () => {
    expect(idleResource(candidate(0, daysAgo(2)), measure, ctx('redshift_cluster'))).toBeNull();
  });

  it('prices an unknown instance type as cost unknown', () => {
    const line = perTypeCost(ctx('ec2_idle_instance'), 'ec2', 'z1d.metal', 1, 'instance');
    expect(line).toMatchObject({
      price_key: 'aws.ec2.z1d.metal.month',
      unit_price: null,
      cost_unknown: true,
    });
  });

  it('an idle running instance needs low CPU and low network; no CPU data means no verdict', () => {
    const instance = {
      InstanceId: 'i-1',
      InstanceType: 'm5.large',
      State: { Name: 'running' },
      LaunchTime: daysAgo(60),
    };
    const rule = ctx('ec2_idle_instance');
    expect(
      idleRunningInstance(instance as never, { cpuAverage: 3, networkBytes: 1e6 }, rule)?.monthlyCost,
    ).toBe(70.08);
    expect(idleRunningInstance(instance as never, { cpuAverage: 30, networkBytes: 0 }, rule)).toBeNull();
    expect(idleRunningInstance(instance as never, { cpuAverage: 3, networkBytes: 1e9 }, rule)).toBeNull();
    expect(idleRunningInstance(instance as never, { cpuAverage: null, networkBytes: 0 }, rule)).toBeNull();
  });

  it('a VPN connection counts as down only when every tunnel is, for long enough', () => {
    const vpn = (statuses: string[], days: number) => ({
      VpnConnectionId: 'vpn-1',
      State: 'available',
      VgwTelemetry: statuses.map((Status) => ({ Status, LastStatusChange: daysAgo(days) })),
    });
    expect(downVpnConnection(vpn(['DOWN', 'DOWN'], 10) as never, ctx('vpn_connection'))?.monthlyCost).toBe(
      36.5,
    );
    expect(downVpnConnection(vpn(['DOWN', 'UP'], 10) as never, ctx('vpn_connection'))).toBeNull();
    expect(downVpnConnection(vpn(['DOWN', 'DOWN'], 3) as never, ctx('vpn_connection'))).toBeNull();
  });
});
