// Resident memory of the Chromium processes a benchmark started, sampled from /proc (Linux only).
//
// Playwright's chromium.launch gives no process id, but Chromium runs as a child of this Node process, so its
// processes are the descendants of process.pid whose command line names chromium (the `next start` server is
// a descendant too, and is left out that way). Each sample sums VmRSS over them (shared pages, e.g. the
// binary's, count once per process, so the sum overstates a little) and keeps the highest VmRSS per process
// type. Not VmHWM: Chromium resets it itself (/proc/self/clear_refs), seen here as a renderer's VmHWM falling
// from 2.2 GB to 0.2 GB, so a peak shorter than the interval can be missed. The onnxruntime-web worker runs
// inside the renderer process; WebGPU buffers (SwiftShader without a GPU) live in the GPU process.
import { readdirSync, readFileSync } from 'node:fs';

export interface ChromiumMemory {
  /** Highest sum of VmRSS over the Chromium processes at one sample, in bytes. */
  peakSumBytes: number;
  /** Highest VmRSS of one process of each type (`browser`, `renderer`, `gpu-process`, `utility`, …), in bytes. */
  peakByType: Record<string, number>;
  /** The sum at the latest sample, in bytes. */
  currentSumBytes: number;
  samples: number;
}

export interface ChromiumMemorySampler {
  /** The figures so far, sampling on. */
  now(): ChromiumMemory;
  stop(): ChromiumMemory;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function statusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** Starts sampling every `intervalMs`; stop() returns the peaks. On a system without /proc, all zeros. */
export function sampleChromiumMemory(intervalMs = 250): ChromiumMemorySampler {
  const result: ChromiumMemory = { peakSumBytes: 0, peakByType: {}, currentSumBytes: 0, samples: 0 };
  const sample = () => {
    let pids: number[];
    try {
      pids = descendants(process.pid);
    } catch {
      return;
    }
    let sum = 0;
    for (const pid of pids) {
      const cmdline = read(`/proc/${pid}/cmdline`);
      if (!cmdline || !cmdline.split('\0')[0]!.includes('chromium')) continue;
      const status = read(`/proc/${pid}/status`);
      if (!status) continue;
      const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? 'browser';
      const rss = statusKb(status, 'VmRSS') * 1024;
      sum += rss;
      result.peakByType[type] = Math.max(result.peakByType[type] ?? 0, rss);
    }
    result.currentSumBytes = sum;
    result.peakSumBytes = Math.max(result.peakSumBytes, sum);
    result.samples++;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    now: () => ({ ...result, peakByType: { ...result.peakByType } }),
    stop() {
      clearInterval(timer);
      sample();
      return result;
    },
  };
}
