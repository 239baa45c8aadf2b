// Inside the SQLite reader thread: its own connection to the database file, read-only, running each query
// it is sent in order and answering with the rows (reader-thread.ts is the event loop's side). A statement
// that would write, or that is not a query (BEGIN, a PRAGMA that sets), is refused before it runs.
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteConnection, withStatementCache } from './database.ts';
import {
  READS_ONLY,
  type ReaderData,
  type ReaderReply,
  type ReaderRequest,
  type Row,
} from './reader-thread.ts';

if (parentPort) {
  const port = parentPort;
  const { file, cacheKib } = workerData as ReaderData;
  const sqlite = openSqliteConnection(file);
  sqlite.pragma(`cache_size = -${cacheKib}`);
  // A second guard behind the check below: SQLite itself refuses any write on this connection.
  sqlite.pragma('query_only = ON');
  const statements = withStatementCache(sqlite);

  const answer = (request: { id: number; sql: string; parameters: readonly unknown[] }): ReaderReply => {
    try {
      const statement = statements.prepare(request.sql);
      if (!statement.reader || !statement.readonly) throw new Error(READS_ONLY);
      const rows = statement.all(request.parameters) as Row[];
      return { id: request.id, ok: true, rows, blobs: rows.some(hasBlob) };
    } catch (error) {
      const { message, code } = (error ?? {}) as { message?: string; code?: string };
      return { id: request.id, ok: false, message: message ?? String(error), code };
    }
  };

  port.on('message', (request: ReaderRequest) => {
    if ('close' in request) {
      sqlite.close();
      port.close();
      return;
    }
    port.postMessage(answer(request));
  });
}

function hasBlob(row: Row): boolean {
  for (const key in row) if (row[key] instanceof Uint8Array) return true;
  return false;
}
