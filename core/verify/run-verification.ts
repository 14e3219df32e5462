import type { Finding } from '../check/types.ts';
import type { HashOutcome } from '../hash/hash-outcome.ts';
import { checkManifest, GIT_SHA1_MAX_BYTES } from '../integrity/check-manifest.ts';
import { integrityCheck } from '../integrity/integrity-check.ts';
import { analyzeBehavior } from '../probe/analyze.ts';
import type { Behavior } from '../probe/behavior-schema.ts';
import { checkFolderProvenance } from '../provenance/inputs.ts';
import type { Card } from '../provenance/card.ts';
import { behaviorDrift, sameProbes } from '../registry/behavior-drift.ts';
import { compareWithEntry, type EntryComparison } from '../registry/compare-entry.ts';
import type { RegistryEntry } from '../registry/schema.ts';
import type { Report } from '../report/schema.ts';
import { folderReportFinding, withFolderEvents } from '../scan/folder-findings.ts';
import { vouchForDescribedData } from '../scan/described-data.ts';
import { signatureCheck } from '../sign/oms/signature-check.ts';
import type { BehaviorOutcome, LineageOutcome, VerifyCapabilities } from './capabilities.ts';
import { driftFinding } from './capabilities.ts';
import { attempt, type Attempt } from './check-error.ts';
import { assembleReport } from './assemble-report.ts';
import type { ReportCheckResult } from '../report/build-report.ts';

/** Everything one verification produced: the Report, and what the pages show beside it. */
export interface Verification {
  report: Report;
  /** The parsed model card, for the CycloneDX ML-BOM's considerations. */
  card?: Card;
  lineage?: LineageOutcome;
  behavior?: BehaviorOutcome & { behavior: Behavior };
  /** Why no behavioral comparison ran, in plain words (the runtime found no ONNX model or tokenizer). */
  behaviorSkipped?: string;
  /** The comparison with the latest saved version of this name in the registry. */
  registry?: EntryComparison;
  drift?: { version: string; behavior: Behavior };
  /** Why a saved behavioral baseline could not be compared (another probe set). */
  driftSkipped?: string;
  link?: string;
  linkError?: string;
}

/** Paths whose git blob SHA-1 a Hub comparison needs: the small files the Hub keeps in git, not LFS. */
function gitSha1Paths(caps: VerifyCapabilities): Set<string> {
  if (!caps.hub) return new Set();
  return new Set(caps.subject.files.filter((f) => f.size <= GIT_SHA1_MAX_BYTES).map((f) => f.path));
}

function stopIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw Object.assign(new Error('The verification was cancelled.'), { name: 'AbortError' });
}

const failedOr = <T>(a: Attempt<T>, results: ReportCheckResult[]): T | undefined => {
  if (a.ok) return a.value;
  results.push(a.failed);
  return undefined;
};

/**
 * One verification, the same for the portal and the CLI: hash and scan every file side by side, compare
 * the weights and the behavior with a base when the host can, then the published manifest, the signature,
 * the model card, the registry, and finally the Report and its signed link. Each check runs isolated:
 * one that throws becomes an `error` check naming the file and the cause, and the rest still run.
 */
export async function runVerification(caps: VerifyCapabilities): Promise<Verification> {
  const { subject, signal } = caps;
  const results: ReportCheckResult[] = [];
  caps.onStep?.('hashing');
  const hashing = caps.hash(gitSha1Paths(caps));
  const scanning = caps.scan ? attempt('scan', () => caps.scan!(), signal) : undefined;
  // Unhandled until awaited below; a rejection must not surface as an unhandled one meanwhile.
  hashing.catch(() => undefined);

  const lineage = caps.lineage
    ? failedOr(await attempt('lineage', () => (caps.onStep?.('lineage'), caps.lineage!()), signal), results)
    : undefined;
  const behaviorRun = caps.behavior
    ? failedOr(await attempt('behavior', () => runBehavior(caps, lineage), signal), results)
    : undefined;
  const behaviorSkipped = behaviorRun && 'skipped' in behaviorRun ? behaviorRun.skipped : undefined;
  const behavior = behaviorRun && !('skipped' in behaviorRun) ? behaviorRun : undefined;
  stopIfCancelled(signal);

  const hashed = await hashing;
  const scanned = scanning ? failedOr(await scanning, results) : undefined;
  const events = [...subject.events, ...(caps.eventsAfterHashing?.(hashed) ?? [])];
  const vouched = scanned ? vouchForDescribedData(scanned, subject.files) : undefined;
  const folder = withFolderEvents(hashed, vouched, events);
  stopIfCancelled(signal);

  caps.onStep?.('manifest');
  const manifest = caps.skip?.includes('manifest')
    ? undefined
    : failedOr(await attempt('integrity', () => manifestResult(caps, folder.outcomes), signal), results);
  caps.onStep?.('signature');
  const signature = caps.verifySignature
    ? failedOr(await attempt('signature', () => signatureResult(caps, folder.outcomes), signal), results)
    : undefined;
  caps.onStep?.('provenance');
  const provenance = caps.skip?.includes('provenance')
    ? undefined
    : failedOr(await attempt('provenance', () => provenanceResult(caps), signal), results);
  stopIfCancelled(signal);

  caps.onStep?.('registry');
  const saved = caps.savedVersion ? await caps.savedVersion(subject.name).catch(() => undefined) : undefined;
  // The saved version is matched by path and digest, which the integrity check's file list carries.
  const registry = saved ? compareWithEntry(saved, integrityCheck(folder.outcomes).files) : undefined;
  const drift = saved && behavior ? driftAgainst(saved, behavior) : undefined;

  const executionProvider =
    behavior?.behavior.executionProvider ?? lineage?.executionProvider ?? caps.environment.executionProvider;
  const report = await assembleReport({
    name: subject.name,
    environment: { ...caps.environment, ...(executionProvider ? { executionProvider } : {}) },
    outcomes: folder.outcomes,
    ...(manifest ? { manifest } : {}),
    folderFindings: [...folder.findings, ...(registry?.findings ?? [])],
    ...(folder.scans ? { scans: folder.scans } : {}),
    ...(lineage ? { lineage: lineage.lineage } : {}),
    ...(behavior ? { behavior: behavior.behavior, behaviorFindings: drift?.findings ?? [] } : {}),
    results: [...(signature ? [signature] : []), ...(provenance ? [provenance.result] : []), ...results],
  });
  const link = caps.signLink ? await signedLink(caps.signLink, report) : {};
  return {
    report,
    ...(provenance?.card ? { card: provenance.card } : {}),
    ...(lineage ? { lineage } : {}),
    ...(behavior ? { behavior } : {}),
    ...(behaviorSkipped ? { behaviorSkipped } : {}),
    ...(registry ? { registry } : {}),
    ...(saved && drift?.behavior ? { drift: { version: saved.version, behavior: drift.behavior } } : {}),
    ...(drift?.skipped ? { driftSkipped: drift.skipped } : {}),
    ...link,
  };
}

async function runBehavior(
  caps: VerifyCapabilities,
  lineage: LineageOutcome | undefined,
): Promise<(BehaviorOutcome & { behavior: Behavior }) | { skipped: string }> {
  caps.onStep?.('behavior');
  const outcome = await caps.behavior!(lineage?.candidates);
  if ('skipped' in outcome) return outcome;
  return { ...outcome, behavior: outcome.behavior ?? analyzeBehavior(outcome.run) };
}

/** The run's outputs against the saved version's behavioral baseline, when it has one on the same probes. */
function driftAgainst(
  saved: RegistryEntry,
  current: BehaviorOutcome,
): { findings: Finding[]; behavior?: Behavior; skipped?: string } | undefined {
  const baseline = saved.behaviorBaseline;
  if (!baseline) return undefined;
  if (!sameProbes(baseline, current.run)) {
    return {
      findings: [],
      skipped: `saved version ${saved.version} has a baseline on probe set “${baseline.probeset.probeset}” (${baseline.items.length} items), not on this run's “${current.run.probeset.probeset}” (${current.run.items.length} items)`,
    };
  }
  const drift = behaviorDrift(baseline, current.run.finetune);
  return { findings: drift.findings.map(driftFinding), behavior: drift.behavior };
}

async function manifestResult(
  caps: VerifyCapabilities,
  outcomes: readonly HashOutcome[],
): Promise<ReportCheckResult | undefined> {
  const compared = await checkManifest(outcomes, {
    ...(caps.hub ? { hub: caps.hub } : {}),
    files: caps.subject.files,
    readText: caps.readText,
  });
  return compared ? { check: compared.check, findings: compared.findings } : undefined;
}

async function signatureResult(
  caps: VerifyCapabilities,
  outcomes: readonly HashOutcome[],
): Promise<ReportCheckResult | undefined> {
  const outcome = await caps.verifySignature!(outcomes);
  if (!outcome) return undefined;
  if (outcome.kind === 'no-trust') {
    return { check: { id: 'signature', status: 'review', summary: outcome.summary }, findings: [] };
  }
  const checked = signatureCheck(outcome.result);
  return { check: checked.check, findings: [...checked.findings, ...(outcome.events ?? []).map(folderReportFinding)] };
}

async function provenanceResult(
  caps: VerifyCapabilities,
): Promise<{ result: ReportCheckResult; card?: Card } | undefined> {
  const checked = await checkFolderProvenance({ files: caps.subject.files, readText: caps.readText }, caps.base);
  if (!checked) return undefined;
  return {
    result: { check: checked.check, findings: checked.findings, record: { provenance: checked.provenance } },
    ...(checked.card ? { card: checked.card } : {}),
  };
}

async function signedLink(sign: (report: Report) => Promise<string>, report: Report) {
  try {
    return { link: await sign(report) };
  } catch (error) {
    return { linkError: `The report could not be signed: ${(error as Error).message}` };
  }
}
