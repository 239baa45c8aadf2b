// The built dashboard (dashboard/dist, made by `npm run build`), read once at startup: each file with its
// media type, a gzipped copy and whether its name carries a content hash. Serving only files found here
// means no request path ever reaches the file system.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export interface DashboardFile {
  body: Buffer;
  /** Present when compressing saves something. */
  gzip?: Buffer;
  type: string;
  /** Vite puts a content hash in every name under assets/: such a file never changes. */
  immutable: boolean;
}

export interface DashboardFiles {
  index: DashboardFile;
  /**
   * index.html saying that the browser has no session cookie, for a request without one: the app then shows
   * the sign-in page without first asking GET /api/session for a 401 (which browsers log as an error).
   */
  signedOutIndex: DashboardFile;
  /** By path relative to dist, with forward slashes ("assets/index-Ab12.js"). */
  files: Map<string, DashboardFile>;
}

export const DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function readFile(path: string, immutable: boolean): DashboardFile {
  const body = readFileSync(path);
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  const gzip = COMPRESSIBLE.test(type) ? gzipSync(body, { level: 9 }) : undefined;
  return { body, type, immutable, ...(gzip && gzip.length < body.length ? { gzip } : {}) };
}

/** The built dashboard, or undefined when it has not been built. */
export function loadDashboardFiles(dist: string = DASHBOARD_DIST): DashboardFiles | undefined {
  if (!existsSync(join(dist, 'index.html'))) return undefined;
  const files = new Map<string, DashboardFile>();
  for (const path of listFiles(dist)) {
    const name = relative(dist, path).split(sep).join('/');
    files.set(name, readFile(path, name.startsWith('assets/')));
  }
  const index = files.get('index.html')!;
  const signedOut = Buffer.from(
    index.body.toString('utf8').replace('<head>', '<head>\n    <meta name="spoor-session" content="none" />'),
  );
  const gzip = gzipSync(signedOut, { level: 9 });
  return { index, signedOutIndex: { ...index, body: signedOut, gzip }, files };
}
