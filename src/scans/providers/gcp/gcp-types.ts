/** Google Cloud resources as the REST APIs return them (JSON; int64 values as strings; references as URLs). */

type Int64 = string | number;

export interface Disk {
  id?: Int64;
  name?: string;
  sizeGb?: Int64;
  status?: string;
  zone?: string;
  type?: string;
  selfLink?: string;
  users?: string[];
  creationTimestamp?: string;
  lastDetachTimestamp?: string;
}

export interface Address {
  id?: Int64;
  name?: string;
  address?: string;
  status?: string;
  addressType?: string;
  selfLink?: string;
  creationTimestamp?: string;
}

export interface Snapshot {
  id?: Int64;
  name?: string;
  status?: string;
  storageBytes?: Int64;
  creationTimestamp?: string;
  storageLocations?: string[];
  sourceDisk?: string;
}

export interface Instance {
  id?: Int64;
  name?: string;
  status?: string;
  zone?: string;
  machineType?: string;
  creationTimestamp?: string;
  lastStartTimestamp?: string;
  lastStopTimestamp?: string;
  disks?: Array<{ source?: string }>;
}

/** A machine image or a custom image: global, stored in `storageLocations`. */
export interface StoredImage {
  id?: Int64;
  name?: string;
  status?: string;
  creationTimestamp?: string;
  storageLocations?: string[];
  /** Machine images. */
  totalStorageBytes?: Int64;
  sourceInstance?: string;
  /** Images. */
  archiveSizeBytes?: Int64;
  diskSizeGb?: Int64;
  family?: string;
  deprecated?: { state?: string };
}

export interface ForwardingRule {
  id?: Int64;
  name?: string;
  IPAddress?: string;
  target?: string;
  backendService?: string;
  loadBalancingScheme?: string;
  creationTimestamp?: string;
  selfLink?: string;
}

export interface TargetPool {
  selfLink?: string;
  instances?: string[];
}

export interface BackendService {
  selfLink?: string;
  backends?: Array<{ group?: string }>;
}

export interface Router {
  id?: Int64;
  name?: string;
  creationTimestamp?: string;
  nats?: Array<{ name: string; sourceSubnetworkIpRangesToNat?: string }>;
  selfLink?: string;
}

export interface VpnTunnel {
  id?: Int64;
  name?: string;
  status?: string;
  detailedStatus?: string;
  creationTimestamp?: string;
  peerIp?: string;
}

/** sqladmin v1 `DatabaseInstance`. */
export interface SqlInstance {
  name: string;
  region?: string;
  state?: string;
  databaseVersion?: string;
  createTime?: string;
  instanceType?: string;
  settings?: {
    tier?: string;
    activationPolicy?: 'ALWAYS' | 'NEVER' | 'ON_DEMAND';
    dataDiskSizeGb?: Int64;
    dataDiskType?: string;
    availabilityType?: string;
  };
}

/** container v1 `Cluster`. */
export interface GkeCluster {
  name: string;
  location?: string;
  status?: string;
  createTime?: string;
  currentNodeCount?: number;
  autopilot?: { enabled?: boolean };
  selfLink?: string;
  nodePools?: Array<{
    name?: string;
    initialNodeCount?: number;
    locations?: string[];
    config?: { machineType?: string };
  }>;
}

/** storage v1 bucket. */
export interface Bucket {
  id?: string;
  name: string;
  location?: string;
  locationType?: string;
  storageClass?: string;
  timeCreated?: string;
}

/** monitoring v3 `TimeSeries`, aligned to one point per day. */
export interface TimeSeries {
  metric?: { type?: string; labels?: Record<string, string> };
  resource?: { type?: string; labels?: Record<string, string> };
  points?: Array<{
    interval?: { startTime?: string; endTime?: string };
    value?: { doubleValue?: number; int64Value?: Int64 };
  }>;
}
