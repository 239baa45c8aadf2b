// The SQL condition a source's contact query uses to continue after a cursor: (at, id) strictly after the
// bound in newest-first order. Shared by every domain store that serves a feed source.
import { type RawBuilder, sql } from 'kysely';
import type { SourceBound } from './interaction.ts';

export function afterBound(atColumn: string, idColumn: string, bound: SourceBound): RawBuilder<boolean> {
  const at = sql.ref(atColumn);
  if ('sameAtIdBelow' in bound) {
    const id = sql.ref(idColumn);
    return sql<boolean>`(${at} < ${bound.at} or (${at} = ${bound.at} and ${id} < ${bound.sameAtIdBelow}))`;
  }
  return bound.orEqual ? sql<boolean>`${at} <= ${bound.at}` : sql<boolean>`${at} < ${bound.at}`;
}
