// The import rules CI enforces (npm run check:cycles): src/ passes them, and each rule fails when broken.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImports } from '../scripts/check-imports.ts';

const project = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'spoor-import-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A throwaway src/ with the given files. */
function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('import rules', () => {
  it('src/ has no import cycle and no Fastify in domain code', async () => {
    const { ok, report } = await checkImports(project);
    expect(report).toContain('no dependency violations');
    expect(ok, report).toBe(true);
  });

  it.each([
    [
      'a module cycle, through a type-only import too',
      {
        'src/a/one.ts': "import { two } from './two.ts';\nexport const one = () => two;\n",
        'src/a/two.ts': "import type { Three } from './three.ts';\nexport const two: Three = 2;\n",
        'src/a/three.ts':
          "import type { one } from './one.ts';\nexport type Three = ReturnType<typeof one> | number;\n",
      },
      'no-circular',
    ],
    [
      'a cycle between folders that no single module closes',
      {
        'src/tracking/collect.ts':
          "import { site } from '../websites/website.ts';\nexport const collect = site;\n",
        'src/websites/website.ts':
          "export const site = 1;\nexport type { Mode } from '../tracking/rules.ts';\n",
        'src/tracking/rules.ts': "export type Mode = 'a' | 'b';\n",
      },
      'folder-cycle: tracking, websites',
    ],
    [
      'Fastify in domain code',
      {
        'src/tracking/collect.ts':
          "import type { FastifyReply } from 'fastify';\nexport type R = FastifyReply;\n",
        'src/tracking/routes.ts':
          "import type { FastifyInstance } from 'fastify';\nexport type A = FastifyInstance;\n",
      },
      'no-fastify-in-domains: src/tracking/collect.ts',
    ],
  ])('fails on %s', async (name, files, expected) => {
    const { ok, report } = await checkImports(tree(name.replace(/\W+/g, '-'), files));
    expect(ok).toBe(false);
    expect(report).toContain(expected);
    expect(report).not.toContain('src/tracking/routes.ts →');
  });
});
