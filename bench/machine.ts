// What the numbers were measured on: CPU, memory, Node.js and database engine versions.
import os from 'node:os';
import SqliteDatabase from 'better-sqlite3';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  postgres: string | null;
}

export function describeMachine(postgresVersion: string | null): Machine {
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
    postgres: postgresVersion,
  };
}
