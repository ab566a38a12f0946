import { Injectable } from '@nestjs/common';
import type { CloudProvider } from '../entities/cloud-account.entity.js';
import { AwsProvider } from './aws/aws.provider.js';
import { AzureProvider } from './azure/azure.provider.js';
import { GcpProvider } from './gcp/gcp.provider.js';
import { M365Provider } from './m365/m365.provider.js';
import type { CloudProviderAdapter } from './provider.js';

/** The adapter of each cloud provider. */
@Injectable()
export class ProviderRegistry {
  private readonly adapters: { [P in CloudProvider]: CloudProviderAdapter<P> };

  constructor(aws: AwsProvider, azure: AzureProvider, gcp: GcpProvider, m365: M365Provider) {
    this.adapters = { aws, azure, gcp, m365 };
  }

  get<P extends CloudProvider>(provider: P): CloudProviderAdapter<P> {
    return this.adapters[provider] as CloudProviderAdapter<P>;
  }
}
