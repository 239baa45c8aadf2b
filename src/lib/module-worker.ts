// Starts a worker_thread from one of Spoor's own modules, the same way under both ways Spoor runs: compiled
// (dist/, what `npm start` runs) from the module's JavaScript; under a TypeScript runner (tests, benches)
// from its TypeScript, with tsx's loader registered in the thread first (a loader given to this process
// with --import does not reach worker threads on Node 20).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A worker running the module `name` beside the caller's (callerUrl: the caller's import.meta.url). */
export function moduleWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  // The caller and the entry are of one kind: both compiled or both TypeScript.
  const compiled = callerUrl.endsWith('.js');
  const entry = new URL(`./${name}${compiled ? '.js' : '.ts'}`, callerUrl);
  if (compiled) return new Worker(entry, { workerData });
  return new Worker(tsxBootstrap(entry.href), { eval: true, workerData });
}

function tsxBootstrap(entry: string): string {
  const require = createRequire(import.meta.url);
  const manifest = require('tsx/package.json') as {
    exports: { './esm/api': { import: { default: string } } };
  };
  const api = new URL(
    manifest.exports['./esm/api'].import.default,
    pathToFileURL(require.resolve('tsx/package.json')),
  );
  return `import(${JSON.stringify(api.href)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
}
