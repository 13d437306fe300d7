import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { freePort, hasBinary, startHoldfast, type Holdfast } from '../helpers/servers.js';
import { RawClient } from '../helpers/rawClient.js';

const execFileAsync = promisify(execFile);

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with the openssl CLI. */
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey' | 'otherCert' | 'otherKey', string> {
  const f = (n: string) => path.join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Holdfast Test CA', '-keyout', f('ca.key'), '-out', f('ca.crt'));
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [['server', 'server.ext'], ['client', 'client.ext']] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
    ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(ext), '-out', f(`${name}.crt`));
  }
  // A client certificate no trusted CA signed
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=stranger', '-keyout', f('other.key'), '-out', f('other.crt'));
  return {
    ca: f('ca.crt'), serverCert: f('server.crt'), serverKey: f('server.key'),
    clientCert: f('client.crt'), clientKey: f('client.key'), otherCert: f('other.crt'), otherKey: f('other.key'),
  };
}

/** Whether a TLS handshake with these client credentials succeeds and the server answers PING. */
function tlsPing(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ...options }, () => s.write('PING\r\n'));
    let out = '';
    s.on('data', (d) => {
      out += d.toString('latin1');
      if (out.endsWith('\r\n')) {
        s.end();
        resolve(out);
      }
    });
    s.on('error', (e) => resolve(`error: ${e.message}`));
    s.on('close', () => resolve(out === '' ? 'closed' : out));
  });
}

describe.skipIf(!hasBinary('openssl'))('TLS listener', () => {
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  let h: Holdfast;
  let tlsPort: number;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'holdfast-tls-'));
    certs = makeCertificates(dir);
    tlsPort = await freePort();
    h = await startHoldfast({
      'tls-port': String(tlsPort),
      'tls-cert-file': certs.serverCert,
      'tls-key-file': certs.serverKey,
      'tls-ca-cert-file': certs.ca,
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ca = () => readFileSync(certs.ca);
  const client = () => ({ ca: ca(), cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });

  it('serves ioredis over TLS with a client certificate, next to the plain port', async () => {
    expect(h.server.tlsPort).toBe(tlsPort);
    const io = new Redis({ port: tlsPort, host: '127.0.0.1', tls: { ...client(), servername: 'localhost' }, lazyConnect: true });
    await io.connect();
    expect(await io.set('tls:k', 'over tls')).toBe('OK');
    expect(await io.get('tls:k')).toBe('over tls');
    const big = 'x'.repeat(300_000);
    await io.set('tls:big', big);
    expect(await io.get('tls:big')).toBe(big);
    io.disconnect();
    const plain = await RawClient.connect(h.port);
    expect(await plain.call('GET', 'tls:k')).toBe('$8\r\nover tls\r\n');
    plain.close();
  });

  it('serves node-redis over TLS in RESP3', async () => {
    const c = createClient({ socket: { port: tlsPort, host: '127.0.0.1', tls: true, servername: 'localhost', ...client() }, RESP: 3 });
    await c.connect();
    expect(await c.get('tls:k')).toBe('over tls');
    await c.close();
  });

  it.skipIf(!hasBinary('redis-cli'))('serves redis-cli --tls', async () => {
    // Asynchronously: the server runs in this process and must keep answering
    const { stdout } = await execFileAsync('redis-cli', ['--tls', '--cacert', certs.ca, '--cert', certs.clientCert, '--key', certs.clientKey, '-h', '127.0.0.1', '-p', String(tlsPort), 'GET', 'tls:k'], { timeout: 10_000 });
    expect(stdout.trim()).toBe('over tls');
  });

  it('tls-auth-clients yes: no certificate, or one from an unknown CA, is refused', async () => {
    expect(await tlsPing(tlsPort, { ca: ca() })).not.toBe('+PONG\r\n');
    expect(await tlsPing(tlsPort, { ca: ca(), cert: readFileSync(certs.otherCert), key: readFileSync(certs.otherKey) })).not.toBe('+PONG\r\n');
    expect(await tlsPing(tlsPort, client())).toBe('+PONG\r\n');
    // The server keeps serving after failed handshakes
    const plain = await RawClient.connect(h.port);
    expect(await plain.call('PING')).toBe('+PONG\r\n');
    plain.close();
  });

  it('tls-auth-clients optional and no accept clients without certificates', async () => {
    for (const mode of ['optional', 'no']) {
      const port = await freePort();
      const o = await startHoldfast({
        'tls-port': String(port),
        'tls-cert-file': certs.serverCert,
        'tls-key-file': certs.serverKey,
        'tls-ca-cert-file': certs.ca,
        'tls-auth-clients': mode,
      });
      expect(await tlsPing(port, { ca: ca() })).toBe('+PONG\r\n');
      await o.close();
    }
  });

  it('refuses to start without a certificate', async () => {
    await expect(startHoldfast({ 'tls-port': String(await freePort()) })).rejects.toThrow(/tls-cert-file/);
  });
});
