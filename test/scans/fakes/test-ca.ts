import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import selfsigned from 'selfsigned';

export interface TestTls {
  key: string;
  cert: string;
  /** The CA's certificate as a file, for NODE_EXTRA_CA_CERTS of the app under test. */
  caFile: string;
}

/** A throw-away certificate authority and a server certificate for 127.0.0.1 signed by it. */
export async function testTls(): Promise<TestTls> {
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'Terrawatch test CA' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await selfsigned.generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'terrawatch-ca-'));
  const caFile = join(dir, 'ca.pem');
  await writeFile(caFile, ca.cert);
  return { key: server.private, cert: server.cert, caFile };
}
