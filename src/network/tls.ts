import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type net from 'node:net';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';

/** tls-protocols words as Node names them (Redis: "TLSv1.2 TLSv1.3"). */
const PROTOCOLS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
type Protocol = (typeof PROTOCOLS)[number];

function readPem(config: Config, name: string): Buffer {
  const path = config.str(name);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(`Failed to load ${name} '${path}': ${(err as Error).message}`);
  }
}

/**
 * The TLS context from the tls-* settings (Redis's tlsConfigure): certificate and key, the
 * CA that signs client certificates, and tls-auth-clients: yes (a valid client certificate
 * is required), optional (checked when given), no (not asked for).
 */
export function tlsServerOptions(config: Config): tls.TlsOptions {
  if (config.str('tls-cert-file') === '' || config.str('tls-key-file') === '') {
    throw new ConfigError('tls-port needs tls-cert-file and tls-key-file');
  }
  const auth = config.str('tls-auth-clients');
  const options: tls.TlsOptions = {
    cert: readPem(config, 'tls-cert-file'),
    key: readPem(config, 'tls-key-file'),
    requestCert: auth !== 'no',
    rejectUnauthorized: auth === 'yes',
  };
  const pass = config.str('tls-key-file-pass');
  if (pass !== '') options.passphrase = pass;
  if (config.str('tls-ca-cert-file') !== '') options.ca = readPem(config, 'tls-ca-cert-file');
  else if (auth === 'yes') throw new ConfigError('tls-auth-clients yes needs tls-ca-cert-file');
  const words = config.str('tls-protocols').split(/\s+/).filter(Boolean);
  if (words.length > 0) {
    const chosen = words.map((w) => {
      const p = PROTOCOLS.find((x) => x.toLowerCase() === w.toLowerCase());
      if (p === undefined) throw new ConfigError(`Invalid tls-protocols specified: ${w}`);
      return p;
    });
    const order = (p: Protocol) => PROTOCOLS.indexOf(p);
    chosen.sort((a, b) => order(a) - order(b));
    options.minVersion = chosen[0]!;
    options.maxVersion = chosen[chosen.length - 1]!;
  } else {
    // Redis's default: TLSv1.2 and TLSv1.3
    options.minVersion = 'TLSv1.2';
  }
  return options;
}

/**
 * A TLS listener whose connections go to the same accept path as plain TCP ones: after the
 * handshake a TLSSocket is just another Duplex for the Client. A failed handshake (no or a
 * bad client certificate, a plain-text client) is logged and the socket dropped.
 */
export function createTlsListener(
  config: Config,
  accept: (socket: net.Socket) => void,
  log: (level: string, message: string) => void,
): tls.Server {
  const server = tls.createServer(tlsServerOptions(config), (socket) => accept(socket));
  server.on('tlsClientError', (err, socket) => {
    log('verbose', `Error accepting a client connection: ${err.message} (addr=${socket.remoteAddress}:${socket.remotePort})`);
    socket.destroy();
  });
  return server;
}
