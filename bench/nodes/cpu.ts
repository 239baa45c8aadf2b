// Where a pass's CPU went on this machine: the Spoor nodes' processes, the bench database's PostgreSQL
// backends (pg_stat_activity's pids, so also those behind PgBouncer), the load generator (this process)
// and the whole machine (other work included), each in cores over the run's wall time.
import pg from 'pg';
import { machineCpuMs, processCpuMs } from '../lib/proc.ts';

export interface CpuShares {
  nodes: number;
  postgres: number;
  generator: number;
  machine: number;
}

export const NO_CPU: CpuShares = { nodes: 0, postgres: 0, generator: 0, machine: 0 };

const BACKENDS = `select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'
  and pid <> pg_backend_pid()`;

async function backendPids(client: pg.Client, database: string): Promise<number[]> {
  return (await client.query<{ pid: number }>(BACKENDS, [database])).rows.map((r) => r.pid);
}

const cpuOf = (pids: number[]) => new Map(pids.map((pid) => [pid, processCpuMs(pid) ?? 0]));
const total = (m: Map<number, number>) => [...m.values()].reduce((s, v) => s + v, 0);

export interface CpuMeter {
  stop(): Promise<CpuShares>;
}

/** Starts measuring; `nodePids` are the pass's Spoor processes. */
export async function meterCpu(url: string, database: string, nodePids: number[]): Promise<CpuMeter> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const startedAt = performance.now();
  const nodes = cpuOf(nodePids);
  const backends = cpuOf(await backendPids(client, database));
  const generator = process.cpuUsage();
  const machine = machineCpuMs();
  return {
    stop: async () => {
      try {
        const ms = performance.now() - startedAt;
        const nodesAfter = cpuOf(nodePids);
        // A backend opened during the run counts from zero; one closed during it is lost (pools keep theirs).
        const backendsAfter = cpuOf(await backendPids(client, database));
        let postgres = 0;
        for (const [pid, after] of backendsAfter) postgres += after - (backends.get(pid) ?? 0);
        const used = process.cpuUsage(generator);
        const machineAfter = machineCpuMs();
        return {
          nodes: (total(nodesAfter) - total(nodes)) / ms,
          postgres: postgres / ms,
          generator: (used.user + used.system) / 1000 / ms,
          machine: machine && machineAfter ? (machineAfter.busyMs - machine.busyMs) / ms : Number.NaN,
        };
      } finally {
        await client.end();
      }
    },
  };
}

/** Shares of runs of equal length, averaged. */
export function meanCpu(runs: readonly CpuShares[]): CpuShares {
  if (runs.length === 0) return NO_CPU;
  const mean = (pick: (c: CpuShares) => number) => runs.reduce((s, c) => s + pick(c), 0) / runs.length;
  return {
    nodes: mean((c) => c.nodes),
    postgres: mean((c) => c.postgres),
    generator: mean((c) => c.generator),
    machine: mean((c) => c.machine),
  };
}
