import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * A Kysely plugin that times every query of the connection it is added to (`db.withPlugin(timer)`), for
 * benchmarks that want to know which statements their time goes to. Queries are grouped by their SQL
 * text's first words and tables, which is enough to name them in a report.
 */
export class QueryTimer implements KyselyPlugin {
  readonly #started = new WeakMap<object, { at: number; node: RootOperationNode }>();
  readonly totals = new Map<string, { calls: number; ms: number }>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.#started.set(args.queryId, { at: performance.now(), node: args.node });
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const started = this.#started.get(args.queryId);
    if (started) {
      const name = describe(started.node);
      const total = this.totals.get(name) ?? { calls: 0, ms: 0 };
      total.calls += 1;
      total.ms += performance.now() - started.at;
      this.totals.set(name, total);
    }
    return args.result;
  }

  /** The `top` statements by total time, then clears the totals. */
  report(top = 12): { query: string; calls: number; ms: number }[] {
    const rows = [...this.totals.entries()]
      .map(([query, total]) => ({ query, calls: total.calls, ms: Number(total.ms.toFixed(1)) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
    this.totals.clear();
    return rows;
  }
}

/** "select rollup_topic_daily", "raw", …: the operation and the tables it names. */
function describe(node: RootOperationNode): string {
  const tables = new Set<string>();
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (record.kind === 'TableNode') {
      const identifier = (record.table as { identifier?: { name?: string } })?.identifier?.name;
      if (identifier) tables.add(identifier);
    }
    for (const child of Object.values(record)) {
      if (Array.isArray(child)) child.forEach(visit);
      else visit(child);
    }
  };
  visit(node);
  return `${node.kind.replace('Node', '').toLowerCase()} ${[...tables].sort().join(',')}`;
}
