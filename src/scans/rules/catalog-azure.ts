import type { RuleDefinition } from './catalog.js';
import { lookbackDays, maxCount, maxCpuPercent, minAgeDays, minStoppedDays } from './catalog-params.js';

/** Azure rules beyond the first four (disks, public IPs, snapshots, deallocated VMs, in catalog.ts). */
export const AZURE_RULES: RuleDefinition[] = [
  {
    resourceType: 'azure_vm_stopped',
    provider: 'azure',
    title: 'Azure VM stopped but not deallocated',
    description:
      'VMs in the `PowerState/stopped` state: stopped from the guest or without deallocation, their compute is billed in full',
    parameters: [minStoppedDays(7, 'VMs (time of the last state change)')],
  },
  {
    resourceType: 'azure_idle_vm',
    provider: 'azure',
    title: 'Idle Azure VM',
    description:
      'Running VMs whose daily average `Percentage CPU` (Azure Monitor) stayed under the threshold on every day of the lookback',
    parameters: [lookbackDays(14, 'Azure Monitor CPU'), maxCpuPercent(5)],
  },
  {
    resourceType: 'azure_load_balancer',
    provider: 'azure',
    title: 'Azure load balancer without backends',
    description: 'Standard load balancers with no backend pool or only empty pools (Basic ones are free)',
    parameters: [minAgeDays(7, 'load balancers (empty since first seen)')],
  },
  {
    resourceType: 'azure_application_gateway',
    provider: 'azure',
    title: 'Azure application gateway without backends',
    description: 'Application gateways whose backend pools hold no address and no NIC',
    parameters: [minAgeDays(7, 'gateways (empty since first seen)')],
  },
  {
    resourceType: 'azure_nat_gateway',
    provider: 'azure',
    title: 'Unused Azure NAT gateway',
    description: 'NAT gateways associated with no subnet',
    parameters: [minAgeDays(7, 'NAT gateways (unused since first seen)')],
  },
  {
    resourceType: 'azure_sql_database',
    provider: 'azure',
    title: 'Idle Azure SQL database',
    description:
      'Databases with no successful connection (Azure Monitor `connection_successful`) over the lookback',
    parameters: [
      lookbackDays(30, 'Azure Monitor connections'),
      maxCount('max_connections', 'the number of successful connections', 0),
    ],
  },
  {
    resourceType: 'azure_storage_account',
    provider: 'azure',
    title: 'Empty or unused Azure storage account',
    description:
      'Storage accounts with almost no transaction (Azure Monitor `Transactions`), priced by their `UsedCapacity`',
    parameters: [
      lookbackDays(30, 'Azure Monitor transactions'),
      maxCount('max_transactions', 'the number of transactions', 100),
    ],
  },
  {
    resourceType: 'azure_app_service_plan',
    provider: 'azure',
    title: 'Azure App Service plan without apps',
    description:
      'Paid App Service plans (Basic and above) hosting no app (`numberOfSites` = 0), priced per instance',
    parameters: [minAgeDays(7, 'plans (empty since first seen)')],
  },
];
