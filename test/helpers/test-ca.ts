// A throwaway certificate authority made with Debian's openssl, for tests that need real TLS and real
// X.509: a CA, a server certificate for localhost signed by it, and an RSA signing certificate (as
// Amazon SNS publishes one) with its private key.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  ca: string;
  server: { key: string; cert: string };
  signing: { key: string; cert: string };
}

export function makeTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'spoor-ca-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=Spoor test CA',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
    );
    const leaf = (name: string, subject: string, extensions: string) => {
      writeFileSync(file(`${name}.ext`), extensions);
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        subject,
        '-keyout',
        file(`${name}.key`),
        '-out',
        file(`${name}.csr`),
      );
      openssl(
        'x509',
        '-req',
        '-in',
        file(`${name}.csr`),
        '-CA',
        file('ca.pem'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        file(`${name}.ext`),
        '-out',
        file(`${name}.pem`),
      );
      return {
        key: readFileSync(file(`${name}.key`), 'utf8'),
        cert: readFileSync(file(`${name}.pem`), 'utf8'),
      };
    };
    return {
      ca: readFileSync(file('ca.pem'), 'utf8'),
      server: leaf('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n'),
      signing: leaf('signing', '/CN=sns.amazonaws.com', 'keyUsage=digitalSignature\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
