import { proxy, wrap, type Remote } from 'comlink';
import type { HashWorkerApi } from '@/workers/hash.worker';
import type { HashOutcome } from '@/core/report/integrity-check';
import type { ModelFile } from './model-files';

interface Slot {
  worker: Worker;
  api: Remote<HashWorkerApi>;
}

function startWorker(): Slot {
  const worker = new Worker('/workers/hash.worker.js', { type: 'module', name: 'hash' });
  return { worker, api: wrap<HashWorkerApi>(worker) };
}

/** One worker per core (DESIGN.md §1), never more workers than files. */
export function poolSize(files: number, cores = navigator.hardwareConcurrency || 2): number {
  return Math.max(1, Math.min(files, cores));
}

/**
 * Hashes files in a pool of workers, largest first so the long files start early and the pool finishes
 * together. Cancel terminates the workers at once. A worker that dies is replaced and its file is reported
 * as unreadable, never as hashed.
 */
export function hashInPool(
  files: readonly ModelFile[],
  onProgress: (path: string, bytesDone: number) => void,
): { done: Promise<HashOutcome[]>; cancel: () => void } {
  const queue = [...files].sort((a, b) => b.file.size - a.file.size);
  const outcomes: HashOutcome[] = [];
  const live = new Set<Slot>();
  let cancelled = false;
  let wakeCancel: () => void = () => undefined;
  const cancelledSignal = new Promise<void>((resolve) => (wakeCancel = resolve));

  async function hashOne(slot: Slot, item: ModelFile): Promise<Slot> {
    const { path, file } = item;
    const crashed = new Promise<never>((_, reject) =>
      slot.worker.addEventListener('error', (e) => reject(new Error(e.message || 'hash worker crashed')), {
        once: true,
      }),
    );
    try {
      const call = slot.api.hashFile(
        file,
        path,
        proxy((p) => onProgress(path, p.bytesDone)),
      );
      const result = await Promise.race([call, crashed, cancelledSignal.then(() => null)]);
      if (result === null) {
        outcomes.push({ path, size: file.size, error: { kind: 'cancelled', message: 'cancelled by the user' } });
        return slot;
      }
      outcomes.push({ path, size: file.size, sha256: result.sha256 });
      return slot;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const kind = /changed while it was read/.test(message) ? 'changed' : 'unreadable';
      outcomes.push({ path, size: file.size, error: { kind, message: `${path}: ${message}` } });
      slot.worker.terminate();
      live.delete(slot);
      const replacement = startWorker();
      live.add(replacement);
      return replacement;
    }
  }

  async function run(slot: Slot): Promise<void> {
    let current = slot;
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (cancelled) {
        outcomes.push({
          path: item.path,
          size: item.file.size,
          error: { kind: 'cancelled', message: 'cancelled by the user' },
        });
        continue;
      }
      current = await hashOne(current, item);
    }
  }

  const initial = Array.from({ length: poolSize(files.length) }, startWorker);
  for (const s of initial) live.add(s);
  const done = Promise.all(initial.map(run)).then(() => {
    for (const s of live) s.worker.terminate();
    return outcomes;
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      for (const s of live) s.worker.terminate();
      wakeCancel();
    },
  };
}
