import { z } from 'zod';
import { LineageSchema } from '../weights/lineage-schema.ts';
import { ProvenanceSchema } from '../provenance/schema.ts';
import { BehaviorSchema } from '../probe/behavior-schema.ts';
import * as checkTypes from '../check/types.ts';
import { CHECK_IDS, CHECK_STATUSES, SCAN_VERDICTS, SEVERITIES, VERDICTS } from '../check/types.ts';

/** The Report: one versioned JSON document, validated wherever it is read. */
export const REPORT_SCHEMA_ID = 'modelgate.report/v1';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

export const ScanVerdictSchema = z.enum(SCAN_VERDICTS);

export const ReportFileSchema = z.object({
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex.optional(),
  format: z.string().max(64).optional(),
  scan: z.object({ verdict: ScanVerdictSchema, reason: z.string().max(2000).optional() }).optional(),
});

export const CheckIdSchema = z.enum(CHECK_IDS);
export const CheckStatusSchema = z.enum(CHECK_STATUSES);

export const CheckSchema = z.object({
  id: CheckIdSchema,
  status: CheckStatusSchema,
  summary: z.string().max(2000),
});

export const SeveritySchema = z.enum(SEVERITIES);

const FindingCodeSchema = z.string().regex(/^MG-(INT|SIG|SCAN|BEH|LIN|ADP|PROV|RPT)-\d{3}$/);

export const FindingSchema = z.object({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  file: z.string().max(4096).optional(),
  title: z.string().max(500),
  detail: z.string().max(10000),
  evidence: z.record(z.string(), z.unknown()).optional(),
  remedy: z.string().max(2000).optional(),
  /** The published source of a technique: CVE, GHSA, paper or issue URL. */
  reference: z.string().max(500).optional(),
});

export const VerdictSchema = z.enum(VERDICTS);

export const ReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  createdAt: z.iso.datetime(),
  tool: z.object({ name: z.string().max(200), version: z.string().max(200) }),
  environment: z.object({
    runtime: z.enum(['browser', 'node']),
    userAgent: z.string().max(1000).optional(),
    executionProvider: z.enum(['webgpu', 'wasm', 'cpu']).optional(),
  }),
  subject: z.object({
    name: z.string().max(1000),
    files: z.array(ReportFileSchema).max(100_000),
    rootDigest: sha256Hex.optional(),
    /** Files left out of a shared link to keep it short; rootDigest still covers them. */
    filesOmitted: z.number().int().positive().optional(),
  }),
  verdict: VerdictSchema,
  checks: z.array(CheckSchema),
  findings: z.array(FindingSchema),
  /**
   * What a policy (CLI --policy) changed before the verdict was decided: the codes whose findings it removed,
   * and the severities it set. Shown beside the verdict, so a Pass reached by ignoring findings says so.
   */
  policy: z
    .object({
      ignored: z.array(FindingCodeSchema).max(1000),
      overridden: z.record(FindingCodeSchema, SeveritySchema),
    })
    .optional(),
  // The records of the checks that compare with a base model or read the model card, when they ran.
  behavior: BehaviorSchema.optional(),
  lineage: LineageSchema.optional(),
  provenance: ProvenanceSchema.optional(),
});

export type Report = z.infer<typeof ReportSchema>;
export type { Check, CheckId, CheckStatus, Finding, ReportFile, Severity, Verdict } from '../check/types.ts';

// The leaf types of core/check and these schemas describe the same shapes: a change to one alone fails
// the type check here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: [
  Same<z.infer<typeof CheckSchema>, checkTypes.Check>,
  Same<z.infer<typeof FindingSchema>, checkTypes.Finding>,
  Same<z.infer<typeof VerdictSchema>, checkTypes.Verdict>,
  Same<z.infer<typeof ReportFileSchema>, checkTypes.ReportFile>,
] = [true, true, true, true];
void inStep;
