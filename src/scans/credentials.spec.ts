import { credentialsHint, parseCredentials } from './credentials.js';
import { ScansError } from './scans.errors.js';

describe('credentials', () => {
  it('names every missing or malformed field', () => {
    try {
      parseCredentials('azure', { tenant_id: 'nope', client_id: '6f1c0d0e-3b4a-4c5d-9e8f-0a1b2c3d4e5f' });
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(ScansError);
      expect((error as ScansError).details).toEqual([
        { field: 'credentials.tenant_id', problems: ['must be the directory (tenant) id, a UUID'] },
        { field: 'credentials.client_secret', problems: ['missing: the client secret'] },
        { field: 'credentials.subscription_id', problems: ['missing: the subscription id, a UUID'] },
      ]);
    }
  });

  it('masks what it shows', () => {
    const gcp = parseCredentials('gcp', {
      project_id: 'acme-prod',
      service_account_json: JSON.stringify({
        type: 'service_account',
        client_email: 'scanner@acme-prod.iam.gserviceaccount.com',
        private_key: '-----BEGIN PRIVATE KEY-----',
      }),
    });
    expect(credentialsHint('gcp', gcp)).toBe('service account sca…@acme-prod.iam.gserviceaccount.com');
    const aws = parseCredentials('aws', {
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(credentialsHint('aws', aws)).toBe('access key AKIA…MPLE, secret ****EY');
  });
});
