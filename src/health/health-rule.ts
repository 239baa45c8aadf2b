// What /healthz answers: 200 only when the database answers and commits are succeeding.
import type { WriteFailures } from '../storage/write-health.ts';

export type DatabaseCheck = { answers: true } | { answers: false; reason: string };

export interface Health {
  status: 200 | 503;
  body: { ok: true } | { ok: false; error: 'unavailable'; message: string };
}

export function healthOf(database: DatabaseCheck, writes: WriteFailures): Health {
  if (!database.answers) {
    return {
      status: 503,
      body: {
        ok: false,
        error: 'unavailable',
        message: `The database is not answering: ${database.reason}.`,
      },
    };
  }
  if (writes.count > 0) {
    const failures = writes.count === 1 ? '1 failure' : `${writes.count} failures`;
    return {
      status: 503,
      body: {
        ok: false,
        error: 'unavailable',
        message: `Writes are failing: ${writes.reason ?? 'unknown reason'} (${failures} in the last ${Math.round(writes.windowMs / 1000)} s).`,
      },
    };
  }
  return { status: 200, body: { ok: true } };
}
