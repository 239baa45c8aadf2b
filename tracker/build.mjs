// Bundles the browser tracker (tracker/src/spoor.ts) into tracker/dist/spoor.js, the file the server
// serves at /spoor.js and, with a one-line settings prefix, at /s/{websiteId}.js. Prints its size,
// because the script has a 2,048-byte gzip budget (enforced by tracker/spoor.test.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// An explicit output path lets the size test build a private copy instead of rewriting dist/ under
// other test files that may be reading it.
const outfile = process.argv[2] ?? join(here, 'dist', 'spoor.js');

await build({
  entryPoints: [join(here, 'src', 'spoor.ts')],
  outfile,
  bundle: true,
  // A classic script, so nothing leaks into the page's globals but what it sets on purpose.
  format: 'iife',
  minify: true,
  // ES2019 reaches browsers from before 2020 too; lowering the source's few ?. costs ~20 gzipped bytes.
  target: 'es2019',
  legalComments: 'none',
  logLevel: 'warning',
});

const code = readFileSync(outfile);
const gzip = gzipSync(code, { level: 9 }).length;
console.log(
  `${relative(process.cwd(), outfile)}: ${code.length} bytes raw, ${gzip} bytes gzipped (budget 2048)`,
);
