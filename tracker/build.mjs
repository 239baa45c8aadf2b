// Bundles the browser scripts: the tracker (tracker/src/spoor.ts) into tracker/dist/spoor.js, the file the
// server serves at /spoor.js and, with a one-line settings prefix, at /s/{websiteId}.js; and the form loader
// (tracker/src/forms.ts) into tracker/dist/forms.js, served at /forms.js. Prints their sizes, because the
// tracker has a 2,048-byte gzip budget (enforced by tracker/spoor.test.ts) and the loader a 3,072-byte one
// (tracker/forms.test.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
// An explicit output path lets the size tests build a private copy instead of rewriting dist/ under
// other test files that may be reading it. The loader goes beside it, as forms.js.
const outfile = process.argv[2] ?? join(here, 'dist', 'spoor.js');
const scripts = [
  { entry: 'spoor.ts', outfile, budget: 2048 },
  { entry: 'forms.ts', outfile: join(dirname(outfile), 'forms.js'), budget: 3072 },
];

await Promise.all(
  scripts.map((script) =>
    build({
      entryPoints: [join(here, 'src', script.entry)],
      outfile: script.outfile,
      bundle: true,
      // A classic script, so nothing leaks into the page's globals but what it sets on purpose.
      format: 'iife',
      minify: true,
      // ES2019 reaches browsers from before 2020 too; lowering the source's few ?. costs ~20 gzipped bytes.
      target: 'es2019',
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);

for (const script of scripts) {
  const code = readFileSync(script.outfile);
  const gzip = gzipSync(code, { level: 9 }).length;
  console.log(
    `${relative(process.cwd(), script.outfile)}: ${code.length} bytes raw, ${gzip} bytes gzipped (budget ${script.budget})`,
  );
}
