// Runs the reverse-proxy configurations of docs/deploy/ (nginx, Caddy) on loopback in front of Spoor nodes,
// each upstream behind a counting TCP relay, so tests can see connection reuse and which node served.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from './server-process.ts';

export type ProxyName = 'nginx' | 'caddy';

const binaries: Record<ProxyName, string> = { nginx: '/usr/sbin/nginx', caddy: '/usr/bin/caddy' };

/** Whether this machine has the proxy; in CI a missing one is an error, elsewhere the suite is skipped. */
export function proxyInstalled(name: ProxyName): boolean {
  if (existsSync(binaries[name])) return true;
  const message = `${name} not found at ${binaries[name]} (install Debian's "${name}")`;
  if (process.env['CI']) throw new Error(`${message}: CI must test docs/deploy/ with it.`);
  console.warn(`[spoor tests] ${message}: its reverse-proxy suite is skipped on this machine.`);
  return false;
}

/** A TCP relay in front of one node: counts the connections the proxy opens and the bytes it sends. */
export interface Relay {
  port: number;
  connections: number;
  bytesIn: number;
  close(): Promise<void>;
}

export async function startRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const relay: Relay = { port: 0, connections: 0, bytesIn: 0, close: async () => {} };
  const server: Server = createServer((client) => {
    relay.connections++;
    const upstream = createConnection(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => (relay.bytesIn += chunk.length));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay.port = (server.address() as AddressInfo).port;
  relay.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return relay;
}

/** Replaces `from` in the documented file, which must hold it exactly once (so a changed document fails loudly). */
function substitute(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected exactly one "${from}" in the documented configuration`);
  return parts.join(to);
}

export interface RunningProxy {
  /** https://localhost:<port> */
  origin: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

interface ProxyOptions {
  dir: string;
  upstreams: [string, string];
  /** A first-party proxy's address, for the configuration's commented first-party lines. */
  firstPartyProxy: string;
  certFile: string;
  keyFile: string;
}

/** docs/deploy/nginx.conf, inside the smallest main configuration nginx needs to run as root in a temp dir. */
async function nginxCommand({ dir, upstreams, certFile, keyFile, firstPartyProxy }: ProxyOptions) {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  let site = readFileSync('docs/deploy/nginx.conf', 'utf8');
  site = substitute(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  site = substitute(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  site = substitute(site, 'server 10.0.0.11:8080;', `server ${upstreams[0]};`);
  site = substitute(site, 'server 10.0.0.12:8080;', `server ${upstreams[1]};`);
  site = substitute(site, '/etc/ssl/track.example.com.pem', certFile);
  site = substitute(site, '/etc/ssl/track.example.com.key', keyFile);
  site = substitute(site, '# set_real_ip_from 203.0.113.10;', `set_real_ip_from ${firstPartyProxy};`);
  site = substitute(site, '# real_ip_header', 'real_ip_header');
  site = substitute(site, '# real_ip_recursive', 'real_ip_recursive');
  writeFileSync(join(dir, 'spoor.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => {
    mkdirSync(join(dir, kind));
    return `${kind}_temp_path ${join(dir, kind)};`;
  });
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'user root;',
      // One worker: upstream keepalive connections and round-robin are per worker.
      'worker_processes 1;',
      'daemon off;',
      `pid ${join(dir, 'nginx.pid')};`,
      'error_log stderr warn;',
      'events {}',
      `http { access_log off; ${temp.join(' ')} include ${join(dir, 'spoor.conf')}; }`,
    ].join('\n'),
  );
  return {
    port: httpsPort,
    file: binaries.nginx,
    args: ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'],
  };
}

/** docs/deploy/Caddyfile with its site on a test port and certificate, and Caddy's own state in the temp dir. */
async function caddyCommand({ dir, upstreams, certFile, keyFile, firstPartyProxy }: ProxyOptions) {
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  let site = readFileSync('docs/deploy/Caddyfile', 'utf8');
  site = substitute(site, '10.0.0.11:8080 10.0.0.12:8080', upstreams.join(' '));
  site = substitute(site, '# trusted_proxies 203.0.113.10', `trusted_proxies ${firstPartyProxy}`);
  site = substitute(
    site,
    'track.example.com {',
    `https://localhost:${httpsPort} {\n\ttls ${certFile} ${keyFile}`,
  );
  const global = `{\n\tadmin off\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n\tauto_https disable_redirects\n\tstorage file_system ${join(dir, 'data')}\n}\n`;
  writeFileSync(join(dir, 'Caddyfile'), global + site);
  return {
    port: httpsPort,
    file: binaries.caddy,
    args: ['run', '--adapter', 'caddyfile', '--config', join(dir, 'Caddyfile')],
  };
}

export async function startProxy(name: ProxyName, options: ProxyOptions): Promise<RunningProxy> {
  const { port, file, args } = await (name === 'nginx' ? nginxCommand : caddyCommand)(options);
  const child: ChildProcess = spawn(file, args, {
    env: { ...process.env, HOME: options.dir, XDG_DATA_HOME: options.dir, XDG_CONFIG_HOME: options.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proxy: RunningProxy = {
    origin: `https://localhost:${port}`,
    port,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const ca = readFileSync(options.certFile, 'utf8');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${log}`);
    try {
      if ((await send(proxy, ca, 'GET', '/healthz')).status === 200) return proxy;
    } catch {}
    if (Date.now() > deadline) {
      await proxy.stop();
      throw new Error(`${name} did not answer within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request through the proxy, on a new connection, optionally from a given loopback address. */
export function send(
  proxy: RunningProxy,
  ca: string,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: string | Buffer;
    from?: string;
    /**
     * Declares a body this long and, as curl does for a large upload, asks whether to send it
     * (`Expect: 100-continue`); if told to go on, sends `body` again and again until the answer comes.
     * Used where the answer is a refusal; the connection is then dropped.
     */
    declaredLength?: number;
  } = {},
): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: proxy.port,
        servername: 'localhost',
        ca,
        method,
        path,
        agent: false,
        headers: {
          host: `localhost:${proxy.port}`,
          ...options.headers,
          ...(options.declaredLength
            ? { 'content-length': String(options.declaredLength), expect: '100-continue' }
            : {}),
        },
        ...(options.from ? { localAddress: options.from } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          });
          if (options.declaredLength) req.destroy();
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (!options.declaredLength) return req.end(options.body);
    const chunk = Buffer.from(options.body ?? '');
    let left = options.declaredLength - 1;
    const pump = () => {
      while (left >= chunk.length && !req.destroyed) {
        left -= chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    req.once('continue', pump);
  });
}
