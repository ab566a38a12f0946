import type { RuleDefinition } from './catalog.js';
import {
  lookbackDays,
  maxCount,
  maxCpuPercent,
  maxTrafficMb,
  minAgeDays,
  minStoppedDays,
} from './catalog-params.js';

/** GCP rules beyond the first four (disks, addresses, snapshots, stopped instances, in catalog.ts). */
export const GCP_RULES: RuleDefinition[] = [
  {
    resourceType: 'gcp_idle_instance',
    provider: 'gcp',
    title: 'Idle GCP instance',
    description:
      'RUNNING instances whose daily mean `compute.googleapis.com/instance/cpu/utilization` stayed under the threshold on every day of the lookback',
    parameters: [lookbackDays(14, 'Cloud Monitoring CPU'), maxCpuPercent(5)],
  },
  {
    resourceType: 'gcp_machine_image',
    provider: 'gcp',
    title: 'Old GCP machine image',
    description: 'Machine images older than the threshold, priced by their total storage bytes',
    parameters: [minAgeDays(90, 'machine images')],
  },
  {
    resourceType: 'gcp_image',
    provider: 'gcp',
    title: 'Old GCP custom image',
    description: 'Custom disk images of the project older than the threshold, priced by their archive size',
    parameters: [minAgeDays(180, 'images')],
  },
  {
    resourceType: 'gcp_load_balancer',
    provider: 'gcp',
    title: 'GCP load balancer without backends',
    description:
      'Regional forwarding rules whose target pool has no instance or whose backend service has no backend',
    parameters: [minAgeDays(7, 'forwarding rules')],
  },
  {
    resourceType: 'gcp_cloud_nat',
    provider: 'gcp',
    title: 'Idle Cloud NAT',
    description: 'Cloud NAT gateways that sent almost nothing (`router.googleapis.com/nat/sent_bytes_count`)',
    parameters: [lookbackDays(30, 'Cloud Monitoring traffic'), maxTrafficMb(1)],
  },
  {
    resourceType: 'gcp_vpn_tunnel',
    provider: 'gcp',
    title: 'GCP VPN tunnel down',
    description: 'VPN tunnels not in the ESTABLISHED state, billed by the hour all the same',
    parameters: [minAgeDays(7, 'tunnels')],
  },
  {
    resourceType: 'gcp_cloudsql_stopped',
    provider: 'gcp',
    title: 'Stopped Cloud SQL instance',
    description: 'Cloud SQL instances with activation policy NEVER (stopped), still paying for their storage',
    parameters: [minStoppedDays(7, 'instances (since first seen stopped)')],
  },
  {
    resourceType: 'gcp_cloudsql_idle',
    provider: 'gcp',
    title: 'Idle Cloud SQL instance',
    description:
      'Running Cloud SQL instances with no open connection (`cloudsql.googleapis.com/database/network/connections`, daily max) over the lookback',
    parameters: [
      lookbackDays(14, 'Cloud Monitoring connections'),
      maxCount('max_connections', 'the daily maximum of open connections', 0),
    ],
  },
  {
    resourceType: 'gcp_gke_cluster',
    provider: 'gcp',
    title: 'GKE cluster without workloads',
    description:
      'RUNNING clusters where no container ran outside the system namespaces (`kubernetes.io/container/uptime`); management fee plus node pools',
    parameters: [minAgeDays(7, 'clusters'), lookbackDays(7, 'Cloud Monitoring container uptime')],
  },
  {
    resourceType: 'gcp_bucket',
    provider: 'gcp',
    title: 'Empty or unused Cloud Storage bucket',
    description:
      'Buckets with almost no request (`storage.googleapis.com/api/request_count`), priced by `storage/total_bytes`',
    parameters: [
      lookbackDays(30, 'Cloud Monitoring requests'),
      maxCount('max_requests', 'the number of requests', 0),
    ],
  },
];
