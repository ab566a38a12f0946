import { ProviderCallError } from '../provider.js';
import { RestError } from './json-client.js';

/**
 * A failed identity check as the accounts service reports it: a 400 from a token endpoint (`invalid_client`,
 * `invalid_grant`), 401 or 403 blame the credentials; anything else is the provider not answering.
 */
export function providerCallError(cloud: string, error: unknown): ProviderCallError {
  const e = error as { name?: string; statusCode?: number; message?: string };
  if (error instanceof RestError && [400, 401, 403].includes(error.statusCode))
    return new ProviderCallError(
      `${cloud} rejected the credentials: ${e.message}`,
      'rejected_credentials',
      e.name,
    );
  return new ProviderCallError(
    `${cloud} did not answer: ${e.message ?? String(error)}`,
    'unreachable',
    e.name,
  );
}
