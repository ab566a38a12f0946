import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the AWS endpoints the scanner calls, speaking their wire formats: EC2 Query (form body,
 * XML answers with `nextToken`), Elastic Load Balancing v2 Query (XML with `NextMarker`), CloudWatch JSON 1.0
 * (`X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`) and STS Query. The region comes from the
 * SigV4 credential scope, as AWS routes it. Used by the e2e tests and `bench:scan`.
 */

export interface FakeVolume {
  id: string;
  sizeGb: number;
  type: 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';
  iops?: number;
  throughput?: number;
  state: 'available' | 'in-use';
  createdAt: Date;
  name?: string;
  attachedTo?: string;
}
export interface FakeAddress {
  allocationId: string;
  publicIp: string;
  associationId?: string;
  instanceId?: string;
}
export interface FakeSnapshot {
  id: string;
  volumeId: string;
  sizeGb: number;
  startedAt: Date;
  description?: string;
}
export interface FakeInstance {
  id: string;
  type: string;
  state: 'running' | 'stopped';
  launchedAt: Date;
  stoppedAt?: Date;
  volumeIds: string[];
  name?: string;
}
export interface FakeNatGateway {
  id: string;
  createdAt: Date;
  state: 'available' | 'deleted';
}
export interface FakeImage {
  id: string;
  snapshotIds: string[];
}
export interface FakeLoadBalancer {
  name: string;
  type: 'application' | 'network';
  createdAt: Date;
  listeners: number;
  targetGroups: Array<{ healthy: number; unhealthy: number }>;
}
export interface FakeRegion {
  volumes?: FakeVolume[];
  addresses?: FakeAddress[];
  snapshots?: FakeSnapshot[];
  instances?: FakeInstance[];
  natGateways?: FakeNatGateway[];
  images?: FakeImage[];
  loadBalancers?: FakeLoadBalancer[];
  /** Datapoints by `namespace|metric|dimension value`. */
  metrics?: Record<string, Array<{ at: Date; sum: number }>>;
  /** Every call in this region fails with this EC2-style error. */
  failWith?: { status: number; code: string; message: string };
  /** Every call to these services (SigV4 signing names: `dynamodb`, `rds`, ...) fails with this error. */
  failServices?: Record<string, { status: number; code: string; message: string }>;
  /**
   * Answers of the other actions, by `service:Action` (e.g. `rds:DescribeDBInstances`), in the wire's own names:
   * served as JSON for the JSON and REST-JSON protocols and as XML for the query protocols, where a key
   * `Name>Member` names the list's member element (`member` by default, `item` for EC2) and `Name*` is a flattened
   * list. A function is called with the request's input (form fields, JSON body, or REST path and query). An action
   * without a document answers empty.
   */
  documents?: Record<string, Document | ((input: Record<string, unknown>) => Document)>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents are free-form wire payloads.
export type Document = Record<string, any>;
export interface FakeAwsOptions {
  accessKeyId: string;
  accountId: string;
  regions: Record<string, FakeRegion>;
  /** Largest page served, whatever MaxResults asks (forces pagination in tests). */
  pageSize?: number;
  /** Answer the first call of each of these actions in each region with a throttling error. */
  throttleFirstCall?: string[];
  /** Latency added to every answer. */
  delayMs?: number;
}
export interface FakeAws {
  url: string;
  /** Calls served, `region action` (throttled ones included). */
  calls: string[];
  close(): Promise<void>;
}

const EC2_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ELB_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

const esc = (v: unknown) =>
  String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const el = (name: string, value: unknown) =>
  value === undefined || value === null ? '' : `<${name}>${esc(value)}</${name}>`;
const iso = (d: Date) => d.toISOString();
const items = <T>(list: T[], render: (item: T) => string) =>
  list.map((i) => `<item>${render(i)}</item>`).join('');
const members = <T>(list: T[], render: (item: T) => string) =>
  list.map((i) => `<member>${render(i)}</member>`).join('');
const tagSet = (name?: string) =>
  name ? `<tagSet>${items([name], (n) => el('key', 'Name') + el('value', n))}</tagSet>` : '<tagSet/>';

/** `User initiated (2024-01-31 10:12:45 GMT)`, as EC2 reports a stop. */
const stopReason = (at: Date) => `User initiated (${iso(at).slice(0, 19).replace('T', ' ')} GMT)`;

function page<T>(
  all: T[],
  params: URLSearchParams,
  key: string,
  pageSize: number,
): { slice: T[]; next?: string } {
  const start = Number(params.get(key) ? Buffer.from(params.get(key) as string, 'base64').toString() : 0);
  const asked = Number(params.get('MaxResults') ?? params.get('PageSize') ?? 1000);
  const size = Math.min(asked, pageSize);
  const slice = all.slice(start, start + size);
  const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { slice, next };
}

/** `Filter.1.Name=state&Filter.1.Value.1=available` -> {state: ['available']} */
function filters(params: URLSearchParams): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of params) {
    const m = /^Filter\.(\d+)\.Name$/.exec(key);
    if (!m) continue;
    const values: string[] = [];
    for (let i = 1; params.has(`Filter.${m[1]}.Value.${i}`); i++)
      values.push(params.get(`Filter.${m[1]}.Value.${i}`) as string);
    out[value] = values;
  }
  return out;
}

/** Actions with a hand-written answer below (paging, filters, per-resource lookups); the rest are documents. */
const HAND_CODED = new Set([
  'GetCallerIdentity',
  'DescribeVolumes',
  'DescribeAddresses',
  'DescribeSnapshots',
  'DescribeImages',
  'DescribeInstances',
  'DescribeNatGateways',
  'DescribeLoadBalancers',
  'DescribeListeners',
  'DescribeTargetGroups',
  'DescribeTargetHealth',
  'GetMetricData',
]);

/** The REST services' routes the scanner calls, as the SDKs send them. */
const REST_ROUTES: Array<{
  service: string;
  method: string;
  path: RegExp;
  action: string;
  names?: string[];
}> = [
  { service: 'lambda', method: 'GET', path: /^\/2015-03-31\/functions\/?$/, action: 'ListFunctions' },
  { service: 'eks', method: 'GET', path: /^\/clusters$/, action: 'ListClusters' },
  {
    service: 'eks',
    method: 'GET',
    path: /^\/clusters\/([^/]+)$/,
    action: 'DescribeCluster',
    names: ['name'],
  },
  {
    service: 'eks',
    method: 'GET',
    path: /^\/clusters\/([^/]+)\/node-groups$/,
    action: 'ListNodegroups',
    names: ['clusterName'],
  },
  {
    service: 'eks',
    method: 'GET',
    path: /^\/clusters\/([^/]+)\/fargate-profiles$/,
    action: 'ListFargateProfiles',
    names: ['clusterName'],
  },
  { service: 'kafka', method: 'GET', path: /^\/v1\/clusters$/, action: 'ListClusters' },
  { service: 'es', method: 'GET', path: /^\/2021-01-01\/domain$/, action: 'ListDomainNames' },
  {
    service: 'es',
    method: 'POST',
    path: /^\/2021-01-01\/opensearch\/domain-info$/,
    action: 'DescribeDomains',
  },
  { service: 's3', method: 'GET', path: /^\/$/, action: 'ListBuckets' },
  { service: 's3', method: 'GET', path: /^\/([^/]+)\/?$/, action: 'ListObjectsV2', names: ['bucket'] },
];

function restRoute(service: string, method: string, url: URL) {
  for (const r of REST_ROUTES) {
    const m = r.service === service && r.method === method ? r.path.exec(url.pathname) : null;
    if (m)
      return {
        action: r.action,
        params: Object.fromEntries((r.names ?? []).map((n, i) => [n, decodeURIComponent(m[i + 1])])),
      };
  }
  return undefined;
}

/**
 * A document as query-protocol XML: `Name>Member` names a list's members, `Name*` flattens a list; other lists use
 * the protocol's member element (`base`).
 */
function toXml(value: unknown, base: string, member = base): string {
  if (value instanceof Date) return esc(iso(value));
  if (Array.isArray(value)) return value.map((v) => `<${member}>${toXml(v, base)}</${member}>`).join('');
  if (value === null || typeof value !== 'object') return esc(value);
  return Object.entries(value)
    .map(([key, v]) => {
      if (v === undefined) return '';
      if (key.endsWith('*')) {
        const name = key.slice(0, -1);
        return (v as unknown[]).map((x) => `<${name}>${toXml(x, base)}</${name}>`).join('');
      }
      const [name, own] = key.split('>');
      return `<${name}>${toXml(v, base, own ?? base)}</${name}>`;
    })
    .join('');
}

function scope(req: IncomingMessage): { accessKeyId: string; region: string; service: string } {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    String(req.headers.authorization ?? ''),
  );
  return { accessKeyId: m?.[1] ?? '', region: m?.[2] ?? 'us-east-1', service: m?.[3] ?? '' };
}

export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const pageSize = options.pageSize ?? 1000;
  const throttled = new Set<string>();
  const calls: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const { accessKeyId, region, service } = scope(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const isJson = target !== '';
    const url = new URL(req.url ?? '/', 'http://fake');
    const rest = !isJson && !/x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''));
    const route = rest ? restRoute(service, req.method ?? 'GET', url) : undefined;
    const params = isJson || rest ? new URLSearchParams() : new URLSearchParams(body);
    const action = isJson
      ? target.split('.')[1]
      : rest
        ? (route?.action ?? '')
        : (params.get('Action') ?? '');
    const requestId = randomUUID();
    calls.push(`${region} ${action}`);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));

    const xml = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': requestId });
      res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${text}`);
    };
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'Content-Type': 'application/x-amz-json-1.0',
        'x-amzn-RequestId': requestId,
        ...headers,
      });
      res.end(JSON.stringify(value));
    };
    const queryError = (status: number, code: string, message: string) => {
      if (service === 's3')
        return xml(
          status,
          `<Error>${el('Code', code)}${el('Message', message)}${el('RequestId', requestId)}</Error>`,
        );
      if (rest || (isJson && service !== 'monitoring'))
        return json(status, { __type: code, message }, { 'x-amzn-ErrorType': code });
      if (isJson)
        return json(
          status,
          { __type: `com.amazonaws.cloudwatch#${code}`, message },
          { 'x-amzn-query-error': `${code};Sender` },
        );
      if (service === 'ec2')
        return xml(
          status,
          `<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors>${el('RequestID', requestId)}</Response>`,
        );
      const ns = service === 'sts' ? STS_NS : ELB_NS;
      return xml(
        status,
        `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type>${el('Code', code)}${el('Message', message)}</Error>${el('RequestId', requestId)}</ErrorResponse>`,
      );
    };

    if (accessKeyId !== options.accessKeyId) {
      if (service === 'ec2')
        return queryError(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
      return queryError(
        403,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
    }
    const key = `${region} ${action}`;
    if (options.throttleFirstCall?.includes(action) && !throttled.has(key)) {
      throttled.add(key);
      if (service === 'ec2') return queryError(503, 'RequestLimitExceeded', 'Request limit exceeded.');
      return queryError(400, 'Throttling', 'Rate exceeded');
    }

    if (service === 'sts' && action === 'GetCallerIdentity') {
      return xml(
        200,
        `<GetCallerIdentityResponse xmlns="${STS_NS}"><GetCallerIdentityResult>${el('Arn', `arn:aws:iam::${options.accountId}:user/terrawatch-scanner`)}${el('UserId', 'AIDAEXAMPLEUSERID')}${el('Account', options.accountId)}</GetCallerIdentityResult><ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></GetCallerIdentityResponse>`,
      );
    }

    const data = options.regions[region];
    if (!data) return queryError(401, 'AuthFailure', `This account is not enabled in ${region}`);
    if (data.failWith) return queryError(data.failWith.status, data.failWith.code, data.failWith.message);

    const failure = data.failServices?.[service];
    if (failure) return queryError(failure.status, failure.code, failure.message);
    if (rest && !route)
      return queryError(404, 'UnknownOperationException', `No route ${req.method} ${url.pathname}`);
    const classicElb = service === 'elasticloadbalancing' && params.get('Version') === '2012-06-01';
    const generic = !HAND_CODED.has(action) || classicElb || rest || (isJson && service !== 'monitoring');
    if (generic) {
      const declared = data.documents?.[`${classicElb ? 'elb' : service}:${action}`];
      const input: Record<string, unknown> = isJson
        ? (JSON.parse(body || '{}') as Record<string, unknown>)
        : rest
          ? {
              ...Object.fromEntries(url.searchParams),
              ...route?.params,
              ...(body ? (JSON.parse(body) as object) : {}),
            }
          : Object.fromEntries(params);
      // An S3 answer needs its root element even when empty.
      const empty =
        service === 's3'
          ? { [action === 'ListBuckets' ? 'ListAllMyBucketsResult' : 'ListBucketResult']: {} }
          : {};
      const doc = (typeof declared === 'function' ? declared(input) : declared) ?? empty;
      if (isJson || (rest && service !== 's3')) return json(200, doc);
      if (service === 's3') return xml(200, toXml(doc, 'member'));
      if (service === 'ec2')
        return xml(
          200,
          `<${action}Response xmlns="${EC2_NS}">${el('requestId', requestId)}${toXml(doc, 'item')}</${action}Response>`,
        );
      return xml(
        200,
        `<${action}Response><${action}Result>${toXml(doc, 'member')}</${action}Result><ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></${action}Response>`,
      );
    }

    const ec2 = (name: string, inner: string, next?: string) =>
      xml(
        200,
        `<${name}Response xmlns="${EC2_NS}">${el('requestId', requestId)}${inner}${el('nextToken', next)}</${name}Response>`,
      );
    const elb = (name: string, inner: string, next?: string) =>
      xml(
        200,
        `<${name}Response xmlns="${ELB_NS}"><${name}Result>${inner}${el('NextMarker', next)}</${name}Result><ResponseMetadata>${el('RequestId', requestId)}</ResponseMetadata></${name}Response>`,
      );
    const accountArn = `arn:aws:elasticloadbalancing:${region}:${options.accountId}`;

    switch (action) {
      case 'DescribeVolumes': {
        const { slice, next } = page(data.volumes ?? [], params, 'NextToken', pageSize);
        return ec2(
          'DescribeVolumes',
          `<volumeSet>${items(slice, (v) =>
            [
              el('volumeId', v.id),
              el('size', v.sizeGb),
              '<snapshotId/>',
              el('availabilityZone', `${region}a`),
              el('status', v.state),
              el('createTime', iso(v.createdAt)),
              v.attachedTo
                ? `<attachmentSet>${items([v.attachedTo], (i) => el('volumeId', v.id) + el('instanceId', i) + el('device', '/dev/xvda') + el('status', 'attached'))}</attachmentSet>`
                : '<attachmentSet/>',
              el('volumeType', v.type),
              el('iops', v.iops),
              el('throughput', v.throughput),
              el('encrypted', false),
              el('multiAttachEnabled', false),
              tagSet(v.name),
            ].join(''),
          )}</volumeSet>`,
          next,
        );
      }
      case 'DescribeAddresses':
        return ec2(
          'DescribeAddresses',
          `<addressesSet>${items(data.addresses ?? [], (a) =>
            [
              el('publicIp', a.publicIp),
              el('allocationId', a.allocationId),
              el('domain', 'vpc'),
              el('associationId', a.associationId),
              el('instanceId', a.instanceId),
              el('networkBorderGroup', region),
              tagSet(),
            ].join(''),
          )}</addressesSet>`,
        );
      case 'DescribeSnapshots': {
        const { slice, next } = page(data.snapshots ?? [], params, 'NextToken', pageSize);
        return ec2(
          'DescribeSnapshots',
          `<snapshotSet>${items(slice, (s) =>
            [
              el('snapshotId', s.id),
              el('volumeId', s.volumeId),
              el('status', 'completed'),
              el('startTime', iso(s.startedAt)),
              el('progress', '100%'),
              el('ownerId', options.accountId),
              el('volumeSize', s.sizeGb),
              el('description', s.description ?? ''),
              el('encrypted', false),
              el('storageTier', 'standard'),
              tagSet(),
            ].join(''),
          )}</snapshotSet>`,
          next,
        );
      }
      case 'DescribeImages': {
        const { slice, next } = page(data.images ?? [], params, 'NextToken', pageSize);
        return ec2(
          'DescribeImages',
          `<imagesSet>${items(slice, (i) =>
            [
              el('imageId', i.id),
              el('imageState', 'available'),
              el('imageOwnerId', options.accountId),
              `<blockDeviceMapping>${items(i.snapshotIds, (s) => el('deviceName', '/dev/xvda') + `<ebs>${el('snapshotId', s)}</ebs>`)}</blockDeviceMapping>`,
            ].join(''),
          )}</imagesSet>`,
          next,
        );
      }
      case 'DescribeInstances': {
        const states = filters(params)['instance-state-name'];
        const all = (data.instances ?? []).filter((i) => !states || states.includes(i.state));
        const { slice, next } = page(all, params, 'NextToken', pageSize);
        return ec2(
          'DescribeInstances',
          `<reservationSet>${items(slice, (i) =>
            [
              el('reservationId', `r-${i.id.slice(2)}`),
              el('ownerId', options.accountId),
              `<instancesSet>${items([i], (x) =>
                [
                  el('instanceId', x.id),
                  el('imageId', 'ami-0abcdef1234567890'),
                  `<instanceState>${el('code', x.state === 'stopped' ? 80 : 16)}${el('name', x.state)}</instanceState>`,
                  el('reason', x.stoppedAt ? stopReason(x.stoppedAt) : ''),
                  el('instanceType', x.type),
                  el('launchTime', iso(x.launchedAt)),
                  `<placement>${el('availabilityZone', `${region}a`)}</placement>`,
                  `<blockDeviceMapping>${items(x.volumeIds, (v) => el('deviceName', '/dev/xvda') + `<ebs>${el('volumeId', v)}${el('status', 'attached')}${el('deleteOnTermination', true)}</ebs>`)}</blockDeviceMapping>`,
                  tagSet(x.name),
                ].join(''),
              )}</instancesSet>`,
            ].join(''),
          )}</reservationSet>`,
          next,
        );
      }
      case 'DescribeNatGateways': {
        const states = filters(params).state;
        const all = (data.natGateways ?? []).filter((n) => !states || states.includes(n.state));
        const { slice, next } = page(all, params, 'NextToken', pageSize);
        return ec2(
          'DescribeNatGateways',
          `<natGatewaySet>${items(slice, (n) =>
            [
              el('natGatewayId', n.id),
              el('state', n.state),
              el('createTime', iso(n.createdAt)),
              el('vpcId', 'vpc-0123456789abcdef0'),
              el('subnetId', 'subnet-0123456789abcdef0'),
              el('connectivityType', 'public'),
              tagSet(),
            ].join(''),
          )}</natGatewaySet>`,
          next,
        );
      }
      case 'DescribeLoadBalancers': {
        const { slice, next } = page(data.loadBalancers ?? [], params, 'Marker', pageSize);
        return elb(
          'DescribeLoadBalancers',
          `<LoadBalancers>${members(slice, (lb) =>
            [
              el(
                'LoadBalancerArn',
                `${accountArn}:loadbalancer/${lb.type === 'application' ? 'app' : 'net'}/${lb.name}/50dc6c495c0c9188`,
              ),
              el('LoadBalancerName', lb.name),
              el('DNSName', `${lb.name}-1234567890.${region}.elb.amazonaws.com`),
              el('Type', lb.type),
              el('Scheme', 'internet-facing'),
              el('VpcId', 'vpc-0123456789abcdef0'),
              `<State>${el('Code', 'active')}</State>`,
              el('CreatedTime', iso(lb.createdAt)),
            ].join(''),
          )}</LoadBalancers>`,
          next,
        );
      }
      case 'DescribeListeners':
      case 'DescribeTargetGroups': {
        const arn = params.get('LoadBalancerArn') ?? '';
        const lb = (data.loadBalancers ?? []).find((l) => arn.includes(`/${l.name}/`));
        if (!lb) return queryError(400, 'LoadBalancerNotFound', `Load balancer '${arn}' not found`);
        if (action === 'DescribeListeners')
          return elb(
            'DescribeListeners',
            `<Listeners>${members(
              Array.from({ length: lb.listeners }, (_, i) => i),
              (i) =>
                el('ListenerArn', `${arn.replace(':loadbalancer/', ':listener/')}/l${i}`) +
                el('LoadBalancerArn', arn) +
                el('Port', 80 + i) +
                el('Protocol', 'HTTP'),
            )}</Listeners>`,
          );
        return elb(
          'DescribeTargetGroups',
          `<TargetGroups>${members(
            lb.targetGroups.map((_, i) => i),
            (i) =>
              el('TargetGroupArn', `${accountArn}:targetgroup/${lb.name}-tg${i}/73e2d6bc24d8a067`) +
              el('TargetGroupName', `${lb.name}-tg${i}`) +
              el('Protocol', 'HTTP') +
              el('Port', 80) +
              `<LoadBalancerArns>${members([arn], (a) => esc(a))}</LoadBalancerArns>`,
          )}</TargetGroups>`,
        );
      }
      case 'DescribeTargetHealth': {
        const arn = params.get('TargetGroupArn') ?? '';
        const m = /targetgroup\/(.+)-tg(\d+)\//.exec(arn);
        const group = (data.loadBalancers ?? []).find((l) => l.name === m?.[1])?.targetGroups[Number(m?.[2])];
        if (!group) return queryError(400, 'TargetGroupNotFound', `Target group '${arn}' not found`);
        const states = [...Array(group.healthy).fill('healthy'), ...Array(group.unhealthy).fill('unhealthy')];
        return elb(
          'DescribeTargetHealth',
          `<TargetHealthDescriptions>${members(states, (s) => `<Target>${el('Id', 'i-0123456789abcdef0')}${el('Port', 80)}</Target>${el('HealthCheckPort', '80')}<TargetHealth>${el('State', s)}</TargetHealth>`)}</TargetHealthDescriptions>`,
        );
      }
      case 'GetMetricData': {
        const q = JSON.parse(body || '{}') as {
          MetricDataQueries: Array<{
            Id: string;
            MetricStat: {
              Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Value: string }> };
            };
          }>;
          StartTime: number;
          EndTime: number;
          NextToken?: string;
        };
        const series = q.MetricDataQueries.map(({ Id, MetricStat: { Metric: m } }) => ({
          Id,
          Label: m.MetricName,
          points: (data.metrics?.[`${m.Namespace}|${m.MetricName}|${m.Dimensions?.[0]?.Value}`] ?? []).filter(
            (p) => p.at.getTime() / 1000 >= q.StartTime && p.at.getTime() / 1000 <= q.EndTime,
          ),
        }));
        // Like AWS, a page holds a bounded number of datapoints: a series may continue on the next page.
        const all = series.flatMap((metric, index) => metric.points.map((point) => ({ index, point })));
        const start = q.NextToken ? Number(Buffer.from(q.NextToken, 'base64').toString()) : 0;
        const slice = all.slice(start, start + pageSize);
        const next =
          start + pageSize < all.length
            ? Buffer.from(String(start + pageSize)).toString('base64')
            : undefined;
        return json(200, {
          MetricDataResults: series.flatMap((metric, index) => {
            const points = slice.filter((e) => e.index === index).map((e) => e.point);
            // Series without points are listed on the first page only.
            if (points.length === 0 && start > 0) return [];
            return [
              {
                Id: metric.Id,
                Label: metric.Label,
                Timestamps: points.map((p) => p.at.getTime() / 1000),
                Values: points.map((p) => p.sum),
                StatusCode:
                  next && all.slice(start + pageSize).some((e) => e.index === index)
                    ? 'PartialData'
                    : 'Complete',
              },
            ];
          }),
          Messages: [],
          ...(next ? { NextToken: next } : {}),
        });
      }
      default:
        return queryError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.writeHead(500);
      res.end(error.message);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
