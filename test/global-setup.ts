// Before any suite runs: the compiled server in dist/ must match src/, because the process suites
// (crash, shutdown, multi-node, first start) run `node dist/main.js` as an operator does. `npm test`
// builds in its pretest; this covers `npx vitest run some.test.ts` after an edit, rebuilding only when
// a source file is newer than the build. The same for the dashboard (dashboard/dist, which the browser
// suites sign in to).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSourceMs(dir: string, extensions = /\.ts$/): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path, extensions));
    else if (extensions.test(entry.name) && !/\.test\.ts$/.test(entry.name))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function isStale(built: string, sourceMs: () => number): boolean {
  return !existsSync(built) || statSync(built).mtimeMs < sourceMs();
}

export default function buildIfStale(): void {
  if (isStale('dist/main.js', () => newestSourceMs('src')))
    execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const dashboardSources = () =>
    Math.max(newestSourceMs('dashboard/src', /\.(tsx?|css)$/), statSync('dashboard/index.html').mtimeMs);
  if (isStale('dashboard/dist/index.html', dashboardSources))
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    execFileSync('node_modules/.bin/vite', ['build', 'dashboard', '--logLevel', 'warn'], {
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
}
