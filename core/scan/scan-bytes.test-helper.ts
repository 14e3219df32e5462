import { memorySource } from '../io/byte-source.ts';
import { defaultBudget, type ScanContext, type ScanOutcome } from './types.ts';
import { scanPickle } from './scan-pickle.ts';

/** A context whose nested scans recurse into scanPickle (the router is someone else's file). */
export function testContext(depth = 0): ScanContext {
  const budget = defaultBudget();
  const ctx: ScanContext = {
    depth,
    budget,
    memberPath: '',
    scanNested: (src, name) => scanPickle(src, { ...ctx, depth: ctx.depth + 1, memberPath: name }),
    scanPickle: (src, name) => scanPickle(src, { ...ctx, depth: ctx.depth + 1, memberPath: name }),
  };
  return ctx;
}

export function scanBytes(bytes: Uint8Array, ctx = testContext()): Promise<ScanOutcome> {
  return scanPickle(memorySource('t.pkl', bytes), ctx);
}
