// What a process and the machine use, read from Linux's /proc: CPU time and resident memory. Null where
// /proc is not there (or the process is gone).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space.
const MS_PER_TICK = 10;

/** User + system CPU time in a /proc `stat` file (a process's or a thread's), in ms. */
function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // After the command name (which may hold spaces): state is field 3, utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

/** CPU time of a process so far (all threads, user + system), in ms. */
export function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    return statCpuMs(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
}

/** CPU milliseconds a process has used so far: its event loop's thread, and all its other threads. */
export interface ProcessCpu {
  mainMs: number;
  otherMs: number;
}

export function processCpu(pid: number): ProcessCpu {
  let mainMs = 0;
  let otherMs = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const ms = statCpuMs(`/proc/${pid}/task/${tid}/stat`);
    if (Number(tid) === pid) mainMs += ms;
    else otherMs += ms;
  }
  return { mainMs, otherMs };
}

/** Resident set size of a process (VmRSS), in bytes. */
export function residentBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** CPU time of the whole machine so far, in ms summed over all cores: busy and in total. */
export function machineCpuMs(): { busyMs: number; totalMs: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = ticks.reduce((sum, t) => sum + t, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busyMs: (total - idle) * MS_PER_TICK, totalMs: total * MS_PER_TICK };
  } catch {
    return null;
  }
}

/**
 * The PostgreSQL backends serving a process (its own, not other work on the server): the process's TCP
 * connections to port 5432 by local port, matched to the backends, whose title names the client's address
 * and port. Empty when it has none (SQLite) or /proc cannot be read.
 */
export function postgresBackendPids(pid: number): number[] {
  try {
    const inodes = new Set<string>();
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (link.startsWith('socket:[')) inodes.add(link.slice(8, -1));
      } catch {}
    }
    const ports = new Set<number>();
    // Remote address …:1538 is port 5432 in /proc/net/tcp's hexadecimal.
    for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!) || !f[2]!.endsWith(':1538')) continue;
      ports.add(Number.parseInt(f[1]!.split(':')[1]!, 16));
    }
    const backends: number[] = [];
    if (ports.size === 0) return backends;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        const port = /^postgres: .*\((\d+)\)/.exec(title)?.[1];
        if (port && ports.has(Number(port))) backends.push(Number(entry));
      } catch {}
    }
    return backends;
  } catch {
    return [];
  }
}
