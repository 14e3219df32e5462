'use client';
import { useCallback, useState } from 'react';
import type { CompareResult } from '@/workers/weights.worker';
import { buildReport } from '@/core/report/build-report';
import type { Report } from '@/core/report/schema';
import { compareInWorker } from '@/lib/compare-models';
import { hashInPool } from '@/lib/hash-pool';
import { getOrCreateBrowserKey } from '@/lib/browser-key';
import { makeReportLink } from '@/lib/report-link';
import { toModelFiles, type ModelFile } from '@/lib/model-files';

export type CompareState =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number; tensor: string }
  | { phase: 'done'; result: CompareResult; baseName: string; report: Report; link: string | null }
  | { phase: 'error'; message: string };

type Picked = { name: string; files: ModelFile[] } | null;

/**
 * The Compare page's weight diff: two picked folders in; a lineage verdict, and a signed Report of the
 * fine-tune (its files fingerprinted in the hash pool meanwhile) carrying that lineage, out.
 */
export function useCompare() {
  const [base, setBase] = useState<Picked>(null);
  const [finetune, setFinetune] = useState<Picked>(null);
  const [state, setState] = useState<CompareState>({ phase: 'idle' });

  const pick = (set: (p: Picked) => void) => (entries: { path: string; file: File }[]) => set(toModelFiles(entries));

  const run = useCallback(async () => {
    if (!base || !finetune) return;
    setState({ phase: 'running', done: 0, total: 0, tensor: '' });
    try {
      const hashing = hashInPool(finetune.files, () => undefined);
      const result = await compareInWorker(base.files, finetune.files, (done, total, tensor) =>
        setState({ phase: 'running', done, total, tensor }),
      );
      const report = await buildReport({
        name: finetune.name,
        outcomes: await hashing.done,
        environment: { runtime: 'browser', userAgent: navigator.userAgent, executionProvider: result.engine },
        lineage: result.lineage,
      });
      const link = await makeReportLink(report, await getOrCreateBrowserKey(), location.origin).catch(() => null);
      setState({ phase: 'done', result, baseName: base.name, report, link });
    } catch (error) {
      setState({ phase: 'error', message: `The weights could not be compared: ${(error as Error).message}` });
    }
  }, [base, finetune]);

  return { base, finetune, pickBase: pick(setBase), pickFinetune: pick(setFinetune), state, run };
}
