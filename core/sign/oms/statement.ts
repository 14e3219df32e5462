// The signed payload: an in-toto Statement v1 with the OMS predicate (OMS spec v1.0 §Statement,
// model_signing 1.x), or the legacy model_signing 0.2 "Digests/v0.1" shape (one subject per file).
import { z } from 'zod';
import { concatBytes, fromHex, sha256Hex, strictUtf8 } from '../../util/bytes.ts';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const PREDICATE_V1 = 'https://model_signing/signature/v1.0';
export const PREDICATE_LEGACY = 'https://model_signing/Digests/v0.1';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a 64-character lowercase hex SHA-256');

const subjectSchema = z.object({ name: z.string(), digest: z.object({ sha256: hex64 }) });

const serializationSchema = z.object({
  method: z.enum(['files', 'shards']),
  hash_type: z.string(),
  allow_symlinks: z.boolean().optional(),
  // protobuf Struct numbers are doubles: real payloads may hold 8.0 (oms-format.md §1 shards).
  shard_size: z.number().int().positive().optional(),
  ignore_paths: z.array(z.string()).optional(),
});

const v1Schema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(subjectSchema).length(1, 'expected exactly 1 subject'),
  predicateType: z.literal(PREDICATE_V1),
  predicate: z.object({
    serialization: serializationSchema,
    resources: z.array(z.object({ name: z.string().min(1), algorithm: z.string(), digest: z.string() })),
  }),
});

const legacySchema = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(subjectSchema).min(1),
  predicateType: z.literal(PREDICATE_LEGACY),
});

export type Serialization = z.infer<typeof serializationSchema>;

export interface Resource {
  /** `files`: path; `shards`: `path:start:end`. */
  name: string;
  algorithm: string;
  digest: string;
}

export interface OmsStatement {
  legacy: boolean;
  subjectName: string;
  /** subject[0].digest.sha256 (v1) — checked against the resources by checkRootDigest. */
  rootDigest?: string;
  serialization: Serialization;
  resources: Resource[];
}

export class StatementError extends Error {
  constructor(message: string) {
    super(`signed statement: ${message}`);
    this.name = 'StatementError';
  }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
}

/** Reads predicateType without trusting anything else: it decides which PAE the signature used. */
export function peekPredicateType(payload: Uint8Array): string | undefined {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(payload));
    const type = (value as { predicateType?: unknown } | null)?.predicateType;
    return typeof type === 'string' ? type : undefined;
  } catch {
    return undefined;
  }
}

function fromLegacy(data: z.infer<typeof legacySchema>): OmsStatement {
  // model_signing 0.2 listed each file as a subject with its plain SHA-256 and no root digest.
  return {
    legacy: true,
    subjectName: '',
    serialization: { method: 'files', hash_type: 'sha256' },
    resources: data.subject.map((s) => ({ name: s.name, algorithm: 'sha256', digest: s.digest.sha256 })),
  };
}

/** Parses the exact payload bytes as JSON and checks the Statement shape. */
export function parseStatement(payload: Uint8Array): OmsStatement {
  let json: unknown;
  try {
    json = JSON.parse(strictUtf8.decode(payload));
  } catch (error) {
    throw new StatementError(`payload is not UTF-8 JSON (${(error as Error).message})`);
  }
  const type = (json as { predicateType?: unknown } | null)?.predicateType;
  if (type === PREDICATE_LEGACY) {
    const legacy = legacySchema.safeParse(json);
    if (!legacy.success) throw new StatementError(describe(legacy.error));
    return fromLegacy(legacy.data);
  }
  const parsed = v1Schema.safeParse(json);
  if (!parsed.success) throw new StatementError(describe(parsed.error));
  const { subject, predicate } = parsed.data;
  return {
    legacy: false,
    subjectName: subject[0]!.name,
    rootDigest: subject[0]!.digest.sha256,
    serialization: predicate.serialization,
    resources: predicate.resources,
  };
}

/**
 * OMS spec §Subject: the subject digest is SHA-256 over the concatenated raw digest bytes of the
 * resources in listed order (always SHA-256, whatever hash_type is). model_signing rejects a mismatch.
 */
export async function computeRootDigest(resources: readonly Resource[]): Promise<string> {
  return sha256Hex(concatBytes(resources.map((r) => fromHex(r.digest))));
}
