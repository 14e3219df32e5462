// Measures how much CPU other processes used while the benchmark ran (Linux /proc only), so a reader can
// tell a clean number from one taken on a busy machine: on 2 cores, one foreign busy process is a 30% swing.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: /proc times are in clock ticks of 1/100 s on every mainstream Linux build. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
  comm: string;
}

function readProcs(): Map<number, ProcStat> {
  const procs = new Map<number, ProcStat>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return procs;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const close = text.lastIndexOf(')');
      const comm = text.slice(text.indexOf('(') + 1, close);
      const fields = text.slice(close + 2).split(' ');
      const ppid = Number(fields[1]);
      const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
      procs.set(Number(entry), { pid: Number(entry), ppid, ticks, comm });
    } catch {
      // the process ended while we looked
    }
  }
  return procs;
}

export interface ForeignCpu {
  /** CPU seconds used by processes outside this benchmark's process tree (kernel threads excluded). */
  seconds: number;
  /** Wall seconds watched. */
  wall: number;
  /** The busiest foreign processes, by name. */
  top: { comm: string; seconds: number }[];
}

/**
 * Samples /proc every `intervalMs` until stop(). Processes descended from this one (the server, Chromium)
 * are ours; everything else that used CPU is foreign. Returns null where /proc is missing.
 */
export function watchForeignCpu(intervalMs = 500): { stop(): ForeignCpu | null } {
  const self = process.pid;
  const started = performance.now();
  if (readProcs().size === 0) return { stop: () => null };
  const last = new Map<number, number>();
  const byComm = new Map<string, number>();
  let foreignTicks = 0;
  let first = true;

  const sample = () => {
    const procs = readProcs();
    const ours = new Set<number>([self]);
    // Parents can have higher pids than children after wrap-around, so iterate to a fixed point.
    for (let changed = true; changed;) {
      changed = false;
      for (const p of procs.values()) {
        if (!ours.has(p.pid) && ours.has(p.ppid)) {
          ours.add(p.pid);
          changed = true;
        }
      }
    }
    for (const p of procs.values()) {
      if (ours.has(p.pid) || p.pid === 2 || p.ppid === 2) continue;
      const before = last.get(p.pid);
      // A process first seen after the first sample started during the watch: all its time counts.
      const delta = before === undefined ? (first ? 0 : p.ticks) : p.ticks - before;
      last.set(p.pid, p.ticks);
      if (delta > 0) {
        foreignTicks += delta;
        byComm.set(p.comm, (byComm.get(p.comm) ?? 0) + delta);
      }
    }
    first = false;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const top = [...byComm.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([comm, ticks]) => ({ comm, seconds: ticks / TICKS_PER_SECOND }));
      return { seconds: foreignTicks / TICKS_PER_SECOND, wall: (performance.now() - started) / 1000, top };
    },
  };
}
