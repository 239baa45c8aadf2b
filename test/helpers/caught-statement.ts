// The statement a store really sends, caught as Kysely compiles it, so a test can run it again under
// EXPLAIN and check its plan (tests of plans that must not depend on statistics or a missing index).
import type { CompiledQuery, Kysely, KyselyPlugin, RootOperationNode } from 'kysely';

export function catchingStatements<DB>(db: Kysely<DB>): {
  /** `db` with every statement it compiles recorded. */
  db: Kysely<DB>;
  /** The statements caught so far, compiled as they were sent. */
  caught: () => CompiledQuery[];
} {
  const nodes: RootOperationNode[] = [];
  const catcher: KyselyPlugin = {
    transformQuery: ({ node }) => {
      nodes.push(node);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return {
    db: db.withPlugin(catcher),
    caught: () => nodes.map((node, i) => db.getExecutor().compileQuery(node, { queryId: `caught-${i}` })),
  };
}
