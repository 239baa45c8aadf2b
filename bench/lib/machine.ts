// What the numbers were measured on: CPU, memory, Node.js and database engine versions, and which Spoor.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import SqliteDatabase from 'better-sqlite3';
import { REPO_DIR } from './settings.ts';

/** The commit Spoor's code is at, and whether src/ differs from it (other people edit while the bench runs). */
export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'src') === ''
      ? commit
      : `${commit} with uncommitted changes in src/`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  postgres: string | null;
  postgresSettings: string | null;
  /** 1-minute load average when the bench started: other work on the machine skews every figure. */
  loadAverage: number;
}

export function describeMachine(postgres: { version: string; settings: string } | null): Machine {
  const cpus = os.cpus();
  const sqlite = new SqliteDatabase(':memory:');
  const version = (sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v;
  sqlite.close();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    sqlite: version,
    postgres: postgres?.version ?? null,
    postgresSettings: postgres?.settings ?? null,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}
