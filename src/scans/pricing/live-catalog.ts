/**
 * How each price key is found in the providers' own price lists. A key without a spec here is priced from the list
 * table (and an admin's override) only. Quantities follow the key's unit: `.month` keys of hourly products are the
 * hourly price × 730 h, as AWS, Azure and GCP bill a month.
 */
export const HOURS_PER_MONTH = 730;

/** AWS Price List Query API: `GetProducts` with TERM_MATCH filters (plus the region's `regionCode`). */
export interface AwsPriceSpec {
  provider: 'aws';
  serviceCode: string;
  filters: Record<string, string>;
  /** Among the matching products, the one whose `usagetype` matches (usage types carry a region prefix). */
  usagetype?: RegExp;
  /** The price list's unit is per hour; the key is per month. */
  hourly?: boolean;
}

/** Azure Retail Prices API: an OData `$filter` (the region's `armRegionName` and `priceType` are added). */
export interface AzurePriceSpec {
  provider: 'azure';
  filter: string;
  hourly?: boolean;
}

/** GCP Cloud Billing Catalog: a service's SKUs, matched on their description and region. */
export interface GcpPriceSpec {
  provider: 'gcp';
  serviceId: string;
  description: RegExp;
  hourly?: boolean;
}

export type LivePriceSpec = AwsPriceSpec | AzurePriceSpec | GcpPriceSpec;

const ec2 = (filters: Record<string, string>, extra: Partial<AwsPriceSpec> = {}): AwsPriceSpec => ({
  provider: 'aws',
  serviceCode: 'AmazonEC2',
  filters,
  ...extra,
});
const ebs = (volumeApiName: string) => ec2({ productFamily: 'Storage', volumeApiName });
const GCE = '6F81-5844-456A';

/** Static keys; per-instance-type keys (`aws.ec2.<type>.month`, ...) are derived in `livePriceSpec`. */
const SPECS: Record<string, LivePriceSpec> = {
  'aws.ebs.gp3.gb_month': ebs('gp3'),
  'aws.ebs.gp2.gb_month': ebs('gp2'),
  'aws.ebs.io1.gb_month': ebs('io1'),
  'aws.ebs.io2.gb_month': ebs('io2'),
  'aws.ebs.st1.gb_month': ebs('st1'),
  'aws.ebs.sc1.gb_month': ebs('sc1'),
  'aws.ebs.standard.gb_month': ebs('standard'),
  'aws.ebs.gp3.iops_month': ec2({ productFamily: 'System Operation', volumeApiName: 'gp3' }),
  'aws.ebs.io1.iops_month': ec2({ productFamily: 'System Operation', volumeApiName: 'io1' }),
  'aws.ebs.io2.iops_month': ec2({ productFamily: 'System Operation', volumeApiName: 'io2' }),
  'aws.ebs.gp3.throughput_month': ec2({ productFamily: 'Provisioned Throughput', volumeApiName: 'gp3' }),
  'aws.ebs.snapshot.gb_month': ec2(
    { productFamily: 'Storage Snapshot' },
    { usagetype: /EBS:SnapshotUsage$/ },
  ),
  'aws.eip.month': ec2(
    { productFamily: 'IP Address', group: 'VPCPublicIPv4Address' },
    { usagetype: /PublicIPv4:IdleAddress$/, hourly: true },
  ),
  'aws.nat_gateway.month': ec2(
    { productFamily: 'NAT Gateway' },
    { usagetype: /NatGateway-Hours$/, hourly: true },
  ),
  'aws.alb.month': {
    provider: 'aws',
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer-Application' },
    usagetype: /LoadBalancerUsage$/,
    hourly: true,
  },
  'aws.nlb.month': {
    provider: 'aws',
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer-Network' },
    usagetype: /LoadBalancerUsage$/,
    hourly: true,
  },
  'aws.clb.month': {
    provider: 'aws',
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer' },
    usagetype: /LoadBalancerUsage$/,
    hourly: true,
  },
  'aws.vpn.month': ec2(
    { productFamily: 'Cloud Connectivity' },
    { usagetype: /VPN-Usage-Hours/, hourly: true },
  ),
  'aws.vpc_endpoint.az_month': ec2(
    { productFamily: 'VpcEndpoint', endpointType: 'PrivateLink' },
    { usagetype: /VpcEndpoint-Hours$/, hourly: true },
  ),
  'aws.tgw.attachment_month': ec2(
    { productFamily: 'Transit Gateway' },
    { usagetype: /TransitGateway-Hours$/, hourly: true },
  ),
  'azure.public_ip.static.month': {
    provider: 'azure',
    filter: "serviceName eq 'Virtual Network' and meterName eq 'Standard IPv4 Static Public IP'",
    hourly: true,
  },
  'azure.disk.snapshot.gb_month': {
    provider: 'azure',
    filter: "serviceName eq 'Storage' and meterName eq 'LRS Snapshot'",
  },
  'gcp.disk.pd-standard.gb_month': { provider: 'gcp', serviceId: GCE, description: /^Storage PD Capacity/ },
  'gcp.disk.pd-balanced.gb_month': { provider: 'gcp', serviceId: GCE, description: /^Balanced PD Capacity/ },
  'gcp.disk.pd-ssd.gb_month': { provider: 'gcp', serviceId: GCE, description: /^SSD backed PD Capacity/ },
  'gcp.snapshot.gb_month': { provider: 'gcp', serviceId: GCE, description: /^Storage PD Snapshot/ },
  'gcp.address.month': { provider: 'gcp', serviceId: GCE, description: /^Static Ip Charge/, hourly: true },
};

/** `aws.ec2.m5.large.month` and the like: one key per instance or node type, hourly On-Demand price × 730. */
const PER_TYPE: Array<{ pattern: RegExp; spec: (type: string) => AwsPriceSpec }> = [
  {
    pattern: /^aws\.ec2\.(.+)\.month$/,
    spec: (instanceType) =>
      ec2(
        {
          instanceType,
          operatingSystem: 'Linux',
          tenancy: 'Shared',
          preInstalledSw: 'NA',
          capacitystatus: 'Used',
        },
        { hourly: true },
      ),
  },
  {
    pattern: /^aws\.rds\.(.+)\.month$/,
    spec: (instanceType) => ({
      provider: 'aws',
      serviceCode: 'AmazonRDS',
      filters: { instanceType, deploymentOption: 'Single-AZ', databaseEngine: 'PostgreSQL' },
      hourly: true,
    }),
  },
  {
    pattern: /^aws\.elasticache\.(.+)\.month$/,
    spec: (instanceType) => ({
      provider: 'aws',
      serviceCode: 'AmazonElastiCache',
      filters: { instanceType, cacheEngine: 'Redis' },
      hourly: true,
    }),
  },
  {
    pattern: /^aws\.redshift\.(.+)\.month$/,
    spec: (instanceType) => ({
      provider: 'aws',
      serviceCode: 'AmazonRedshift',
      filters: { instanceType, productFamily: 'Compute Instance' },
      hourly: true,
    }),
  },
];

/** The spec of a key, or undefined when only the list table prices it. */
export function livePriceSpec(key: string): LivePriceSpec | undefined {
  const spec = SPECS[key];
  if (spec) return spec;
  for (const { pattern, spec: make } of PER_TYPE) {
    const match = pattern.exec(key);
    if (match) return make(match[1]);
  }
  return undefined;
}

/** Every static key with a spec, for the refresh job. */
export const LIVE_PRICE_KEYS = Object.keys(SPECS);
