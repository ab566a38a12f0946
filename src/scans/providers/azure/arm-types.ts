/** Azure Resource Manager resources as the REST API returns them (JSON, properties not flattened). */
export interface ArmResource<P = Record<string, unknown>> {
  id: string;
  name: string;
  type?: string;
  location: string;
  kind?: string;
  managedBy?: string;
  sku?: { name?: string; tier?: string; capacity?: number };
  tags?: Record<string, string>;
  properties: P;
}

interface SubResource {
  id: string;
}

export type Disk = ArmResource<{
  diskSizeGB?: number;
  diskState?: string;
  timeCreated?: string;
}>;

export type Snapshot = ArmResource<{
  diskSizeGB?: number;
  timeCreated?: string;
  incremental?: boolean;
  creationData?: { createOption?: string; sourceResourceId?: string };
}>;

export interface InstanceViewStatus {
  code?: string;
  displayStatus?: string;
  time?: string;
}

/** Listed with `statusOnly=true`: the instance view (power state) comes with each VM. */
export type VirtualMachine = ArmResource<{
  vmId?: string;
  timeCreated?: string;
  hardwareProfile?: { vmSize?: string };
  instanceView?: { statuses?: InstanceViewStatus[] };
}>;

export type PublicIpAddress = ArmResource<{
  ipAddress?: string;
  publicIPAllocationMethod?: 'Static' | 'Dynamic';
  ipConfiguration?: SubResource;
  natGateway?: SubResource;
}>;

export type LoadBalancer = ArmResource<{
  backendAddressPools?: Array<{
    name?: string;
    properties?: { backendIPConfigurations?: SubResource[]; loadBalancerBackendAddresses?: unknown[] };
  }>;
  loadBalancingRules?: unknown[];
}>;

export type ApplicationGateway = ArmResource<{
  sku?: { name?: string; tier?: string; capacity?: number };
  operationalState?: string;
  backendAddressPools?: Array<{
    name?: string;
    properties?: { backendAddresses?: unknown[]; backendIPConfigurations?: SubResource[] };
  }>;
}>;

export type NatGateway = ArmResource<{ subnets?: SubResource[]; publicIpAddresses?: SubResource[] }>;

export type SqlServer = ArmResource<{ fullyQualifiedDomainName?: string }>;

export type SqlDatabase = ArmResource<{
  status?: string;
  creationDate?: string;
  currentServiceObjectiveName?: string;
  maxSizeBytes?: number;
}>;

export type StorageAccount = ArmResource<{ creationTime?: string; accessTier?: string }>;

export type AppServicePlan = ArmResource<{ numberOfSites?: number; status?: string }>;

/** `GET {resourceId}/providers/Microsoft.Insights/metrics`. */
export interface MetricsResponse {
  value?: Array<{
    name?: { value?: string };
    timeseries?: Array<{
      data?: Array<{ timeStamp: string; average?: number; total?: number; maximum?: number }>;
    }>;
  }>;
}

/** Azure Monitor `metrics:getBatch`: one entry per resource asked for, each like a single resource's answer. */
export interface MetricsBatchResponse {
  values?: Array<MetricsResponse & { resourceid?: string }>;
}

export interface ArmList<T> {
  value?: T[];
  nextLink?: string;
}
