// A throwaway database for one bench run: a SQLite file under bench/.tmp, or a PostgreSQL schema;
// dispose() removes it (also on Ctrl-C, through owed()).
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSchema, dropSchema, urlWithSearchPath } from '../lib/postgres.ts';
import { owed } from '../lib/processes.ts';
import { TMP_DIR } from '../lib/settings.ts';

export async function temporaryDatabase(
  engine: 'sqlite' | 'postgres',
  postgresUrl: string,
  /** What the file or schema name starts with. */
  prefix = 'email',
): Promise<{ url: string; dispose: () => Promise<void> }> {
  const tag = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (engine === 'sqlite') {
    const file = join(TMP_DIR, `${prefix}-${tag}.db`);
    return {
      url: `sqlite:${file}`,
      dispose: owed(async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      }),
    };
  }
  const schema = `spoor_bench_${prefix}_${tag}`;
  await createSchema(postgresUrl, schema);
  return {
    url: urlWithSearchPath(postgresUrl, schema),
    dispose: owed(() => dropSchema(postgresUrl, schema)),
  };
}
