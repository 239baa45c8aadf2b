// Before any suite runs: the compiled server in dist/ must match src/, because the process suites
// (crash, shutdown, multi-node, first start) run `node dist/main.js` as an operator does. `npm test`
// builds in its pretest; this covers `npx vitest run some.test.ts` after an edit, rebuilding only when
// a source file is newer than the build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMs(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export default function buildServerIfStale(): void {
  const built = 'dist/main.js';
  if (existsSync(built) && statSync(built).mtimeMs >= newestSourceMs('src')) return;
  execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
