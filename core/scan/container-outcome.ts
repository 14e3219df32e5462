import type { ByteSource } from '../io/byte-source.ts';
import { containerFinding, memberPath, type ContainerCode } from './container-codes.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { VERDICT_ORDER, type ScanContext, type ScanFinding, type ScanOutcome, type ScanVerdict } from './types.ts';

/**
 * Collects a container's own findings and its members' outcomes into one ScanOutcome. The verdict is
 * the worst of all of them: a malicious member makes the archive malicious, and anything that could not
 * be read makes it at best "unverified", never "benign" (technique 40: a crash is never a verdict).
 */
export class OutcomeBuilder {
  readonly findings: ScanFinding[] = [];
  private verdict: ScanVerdict = 'benign';
  private reason: string | undefined;

  constructor(
    readonly format: string,
    private readonly ctx: ScanContext,
    private readonly source: ByteSource,
  ) {}

  /** Adds a catalog finding about `name` (a member) or the container itself. */
  add(key: ContainerCode, detail: string, name?: string, extra: Pick<ScanFinding, 'offset' | 'evidence'> = {}): void {
    const finding = containerFinding(key, detail, { member: memberPath(this.ctx, this.source, name), ...extra });
    this.findings.push(finding);
    this.raise(verdictOfFinding(finding), detail);
  }

  /** Merges a member's outcome (its findings already carry their member paths). */
  merge(outcome: ScanOutcome, name: string): void {
    this.findings.push(...outcome.findings);
    this.raise(outcome.verdict, `${name}: ${outcome.reason ?? outcome.verdict}`);
  }

  /** Runs a nested scan; an exception marks the member "could not verify", never clean. */
  async nested(run: () => Promise<ScanOutcome>, name: string): Promise<ScanOutcome | undefined> {
    try {
      const outcome = await run();
      this.merge(outcome, name);
      return outcome;
    } catch (error) {
      this.add('nestedFailed', `scanning ${name} failed: ${errorMessage(error)}`, name);
      return undefined;
    }
  }

  raise(verdict: ScanVerdict, reason: string): void {
    if (VERDICT_ORDER.indexOf(verdict) < VERDICT_ORDER.indexOf(this.verdict)) {
      this.verdict = verdict;
      this.reason = reason;
    }
  }

  build(): ScanOutcome {
    const outcome: ScanOutcome = { format: this.format, verdict: this.verdict, findings: this.findings };
    if (this.verdict !== 'benign' && this.reason) outcome.reason = this.reason;
    return outcome;
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Depth guard every container scanner runs first (technique 13: nested archives, bounded). */
export function tooDeep(format: string, ctx: ScanContext, source: ByteSource): ScanOutcome | undefined {
  if (ctx.depth <= ctx.budget.maxDepth) return undefined;
  const builder = new OutcomeBuilder(format, ctx, source);
  builder.add('tooDeep', `nesting depth ${ctx.depth} exceeds the limit of ${ctx.budget.maxDepth}`);
  return builder.build();
}
