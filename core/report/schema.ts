import { z } from 'zod';
import { LineageSchema } from '../weights/lineage-schema.ts';
import { ProvenanceSchema } from '../provenance/schema.ts';
import { BehaviorSchema } from '../probe/behavior-schema.ts';

/** The Report: one versioned JSON document, validated wherever it is read. */
export const REPORT_SCHEMA_ID = 'modelgate.report/v1';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters');

export const ScanVerdictSchema = z.enum(['benign', 'suspicious', 'malicious', 'invalid', 'unverified']);

export const ReportFileSchema = z.object({
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex.optional(),
  format: z.string().max(64).optional(),
  scan: z.object({ verdict: ScanVerdictSchema, reason: z.string().max(2000).optional() }).optional(),
});

export const CheckIdSchema = z.enum(['integrity', 'signature', 'scan', 'behavior', 'lineage', 'provenance']);
export const CheckStatusSchema = z.enum(['pass', 'review', 'fail', 'skipped', 'error']);

export const CheckSchema = z.object({
  id: CheckIdSchema,
  status: CheckStatusSchema,
  summary: z.string().max(2000),
});

export const SeveritySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);

export const FindingSchema = z.object({
  code: z.string().regex(/^MG-(INT|SIG|SCAN|BEH|LIN|PROV|RPT)-\d{3}$/),
  severity: SeveritySchema,
  file: z.string().max(4096).optional(),
  title: z.string().max(500),
  detail: z.string().max(10000),
  evidence: z.record(z.string(), z.unknown()).optional(),
  remedy: z.string().max(2000).optional(),
  /** The published source of a technique: CVE, GHSA, paper or issue URL. */
  reference: z.string().max(500).optional(),
});

export const VerdictSchema = z.enum(['pass', 'review', 'fail']);

export const ReportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  createdAt: z.iso.datetime(),
  tool: z.object({ name: z.string(), version: z.string() }),
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
  // Filled by later checks; kept open here and narrowed by the issues that add them.
  behavior: BehaviorSchema.optional(),
  lineage: LineageSchema.optional(),
  provenance: ProvenanceSchema.optional(),
});

export type Report = z.infer<typeof ReportSchema>;
export type ReportFile = z.infer<typeof ReportFileSchema>;
export type Check = z.infer<typeof CheckSchema>;
export type CheckId = z.infer<typeof CheckIdSchema>;
export type CheckStatus = z.infer<typeof CheckStatusSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Severity = z.infer<typeof SeveritySchema>;
export type Verdict = z.infer<typeof VerdictSchema>;
