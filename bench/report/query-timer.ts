// A Kysely plugin that adds up the time of each kind of statement (from build to result), so the
// bench can say where a bulk load spends its time without touching the code under test.
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

function tableOf(node: unknown): string {
  const n = node as {
    into?: { table?: { identifier?: { name?: string } } };
    table?: { table?: { identifier?: { name?: string } } };
  };
  return n.into?.table?.identifier?.name ?? n.table?.table?.identifier?.name ?? '?';
}

function labelOf(node: RootOperationNode): string {
  switch (node.kind) {
    case 'InsertQueryNode':
      return `insert ${tableOf(node)}`;
    case 'UpdateQueryNode':
      return `update ${tableOf(node)}`;
    case 'SelectQueryNode':
      return 'select';
    case 'RawNode': {
      // Raw SQL: name it by its first words ("update visits").
      const first = (node as { sqlFragments?: readonly string[] }).sqlFragments?.[0] ?? '';
      return first.trim().split(/\s+/).slice(0, 2).join(' ').toLowerCase() || 'raw';
    }
    default:
      return node.kind.replace(/Node$/, '');
  }
}

export class QueryTimer implements KyselyPlugin {
  readonly totals = new Map<string, { ms: number; statements: number }>();
  private readonly started = new WeakMap<object, { label: string; at: number }>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.started.set(args.queryId, { label: labelOf(args.node), at: performance.now() });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const start = this.started.get(args.queryId);
    if (start) {
      const total = this.totals.get(start.label) ?? { ms: 0, statements: 0 };
      total.ms += performance.now() - start.at;
      total.statements += 1;
      this.totals.set(start.label, total);
    }
    return args.result;
  }

  /** "insert pageviews 41 % (12.3 s, 25 000 statements)", largest first. */
  summary(wallMs: number): string[] {
    return [...this.totals.entries()]
      .sort(([, a], [, b]) => b.ms - a.ms)
      .map(
        ([label, t]) =>
          `${label.padEnd(30)} ${((100 * t.ms) / wallMs).toFixed(1).padStart(5)} %  ${(t.ms / 1000).toFixed(1).padStart(7)} s  ${t.statements.toLocaleString('en-US').padStart(9)} statements`,
      );
  }
}
