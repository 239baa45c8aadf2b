// Reads a V8 .cpuprofile (node --cpu-prof) and lists where the time went: self time per function and
// per module, and inclusive time of Spoor's own functions. Usable alone: tsx bench/profile-summary.ts <file>.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_DIR } from './settings.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inRepo = relative(REPO_DIR, path);
  return inRepo.startsWith('..') ? path : inRepo;
}

function moduleOf(url: string): string {
  const path = where(url);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  if (path.startsWith('node:')) return path;
  if (path.startsWith('src/')) return path;
  return path === '(native)' ? '(native / V8)' : path;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

export function summarizeProfile(file: string, top = 25): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const nodeTime = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    nodeTime.set(id, (nodeTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }

  const label = (n: ProfileNode) =>
    SPECIAL.has(n.callFrame.functionName)
      ? n.callFrame.functionName
      : `${n.callFrame.functionName || '(anonymous)'}  ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

  let busy = 0;
  let idle = 0;
  const self = new Map<string, number>();
  const modules = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, micros] of nodeTime) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    self.set(label(node), (self.get(label(node)) ?? 0) + micros);
    const mod = SPECIAL.has(node.callFrame.functionName)
      ? node.callFrame.functionName
      : moduleOf(node.callFrame.url);
    modules.set(mod, (modules.get(mod) ?? 0) + micros);
    // Inclusive time of our own code: count each src/ function once per stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!;
      if (!where(frame.callFrame.url).startsWith('src/')) continue;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
    }
  }

  const pct = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort(([, a], [, b]) => b - a)
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v)}  ${k}`);
  return [
    `busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s (percentages are of busy time)`,
    'self time by module:',
    ...list(modules, 15),
    'self time by function:',
    ...list(self, top),
    'inclusive time of src/ functions:',
    ...list(inclusive, 15),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile>');
  console.log(summarizeProfile(file).join('\n'));
}
