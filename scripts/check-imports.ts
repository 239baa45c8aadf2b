// The import rules of .dependency-cruiser.cjs over src/ — no import cycles between modules (type-only
// imports count), no Fastify in domain code — and no cycles between the folders that own things either
// (a domain, an email part, a platform module: tracking → websites → tracking is a cycle even when no
// single module reaches itself). Exits non-zero on a violation (CI: npm run check:cycles).
//
// dependency-cruiser reads TypeScript through the `typescript` package's compiler API, which TypeScript 7
// (the native compiler installed here) no longer ships; so each module is first turned into JavaScript by
// esbuild with its type-only imports kept as imports, and the rules run over that copy.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import { transformSync } from 'esbuild';

const project = join(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Type-only imports and re-exports become plain ones, and `.ts` specifiers name the copied `.js` files. */
function keepTypeImports(source: string): string {
  return source
    .replace(/\bimport\s+type\s+(?=[{*]|\w+\s+from\b)/g, 'import ')
    .replace(/\bexport\s+type\s+(?=[{*])/g, 'export ')
    .replace(/(from\s+['"][^'"]+)\.ts(['"])/g, '$1.js$2')
    .replace(/(import\(\s*['"][^'"]+)\.ts(['"])/g, '$1.js$2');
}

/** Copies src/ as JavaScript into a temporary folder; returns it. */
function transpile(root: string): string {
  const out = mkdtempSync(join(tmpdir(), 'spoor-imports-'));
  for (const file of sourceFiles(join(root, 'src'))) {
    const { code } = transformSync(keepTypeImports(readFileSync(file, 'utf8')), {
      loader: 'ts',
      format: 'esm',
      // Keeps every import as written (also those only types use), as the rules must see them.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    });
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  return out;
}

/** The owning folder of a module: src/<domain>, src/email/<part>, src/platform/<module>; null for src/*.ts. */
export function ownerOf(path: string): string | null {
  return /^src\/((?:email|platform)\/[^/]+|[^/]+)\//.exec(path)?.[1] ?? null;
}

/** The cycles between owning folders, each with one import that makes each of its steps. */
export function folderCycles(modules: { source: string; dependencies: { resolved: string }[] }[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const m of modules) {
    const from = ownerOf(m.source);
    if (!from) continue;
    for (const d of m.dependencies) {
      const to = ownerOf(d.resolved);
      if (!to || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      edges.get(from)?.set(to, `${m.source} → ${d.resolved}`);
    }
  }
  // Tarjan's strongly connected components: every component of more than one folder holds a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) as number);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) component.push(w);
    if (component.length > 1) components.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return components.map((component) => {
    const steps = component.flatMap((from) =>
      [...(edges.get(from) ?? [])].filter(([to]) => component.includes(to)).map(([, why]) => `      ${why}`),
    );
    return `  error folder-cycle: ${component.join(', ')} import each other:\n${steps.join('\n')}`;
  });
}

/** Checks the TypeScript under `<root>/src` against the project's rules; the report names the .ts files. */
export async function checkImports(root: string): Promise<{ ok: boolean; report: string }> {
  const require = createRequire(import.meta.url);
  const config = require(join(project, '.dependency-cruiser.cjs')) as {
    forbidden: unknown[];
    options: Record<string, unknown>;
  };
  const copy = transpile(root);
  try {
    // Packages resolve from the copy as from the project (the Fastify rule names them by where they are).
    symlinkSync(join(project, 'node_modules'), join(copy, 'node_modules'));
    const options = {
      ...config.options,
      ruleSet: { forbidden: config.forbidden },
      baseDir: copy,
      validate: true,
    };
    const rules: IReporterOutput = await cruise(['src'], { ...options, outputType: 'err-long' } as never);
    const graph: IReporterOutput = await cruise(['src'], { ...options, outputType: 'json' } as never);
    const folders = folderCycles(JSON.parse(String(graph.output)).modules);
    const report = `${rules.output}${folders.length > 0 ? `\n${folders.join('\n\n')}\n\n${folders.length} folder cycle(s).\n` : ''}`;
    return {
      ok: rules.exitCode === 0 && folders.length === 0,
      // Paths in the report name the copies; point them back at the TypeScript files.
      report: report.replace(/src\/([\w./-]+)\.js/g, 'src/$1.ts'),
    };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ok, report } = await checkImports(project);
  process.stdout.write(report);
  process.exitCode = ok ? 0 : 1;
}
