import type { ByteSource } from '../io/byte-source.ts';
import { defaultBudget, type ScanBudget, type ScanContext, type ScanOutcome } from './types.ts';

/**
 * A ScanContext for container tests: it records what the container handed back to the router
 * (name, kind, bytes) so the readers are tested without the pickle emulator or the real router.
 */
export interface RecordedCall {
  kind: 'nested' | 'pickle';
  name: string;
  depth: number;
  bytes: Uint8Array;
}

export interface FakeContext extends ScanContext {
  calls: RecordedCall[];
}

export type Route = (
  source: ByteSource,
  ctx: ScanContext,
  kind: 'nested' | 'pickle',
) => Promise<ScanOutcome | undefined>;

export function fakeContext(options: { budget?: Partial<ScanBudget>; route?: Route } = {}): FakeContext {
  const budget = { ...defaultBudget(), ...options.budget };
  const calls: RecordedCall[] = [];
  const make = (depth: number, memberPath: string): FakeContext => {
    const record = async (kind: 'nested' | 'pickle', source: ByteSource, name: string): Promise<ScanOutcome> => {
      calls.push({ kind, name, depth: depth + 1, bytes: (await source.read(0, 1 << 20)).slice() });
      const child = make(depth + 1, `${memberPath || 'top'}!${name}`);
      const routed = await options.route?.(source, child, kind);
      return routed ?? { format: kind === 'pickle' ? 'pickle' : 'unknown', verdict: 'benign', findings: [] };
    };
    return {
      depth,
      budget,
      memberPath,
      calls,
      scanNested: (source, name) => record('nested', source, name),
      scanPickle: (source, name) => record('pickle', source, name),
    };
  };
  return make(0, '');
}

/** A ScanContext for scanners that must not hand anything back to the router: any nested scan fails. */
export function leafScanContext(): ScanContext {
  return {
    depth: 0,
    budget: defaultBudget(),
    memberPath: '',
    scanNested: () => Promise.reject(new Error('unused')),
    scanPickle: () => Promise.reject(new Error('unused')),
  };
}
