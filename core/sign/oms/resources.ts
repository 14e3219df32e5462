// Turns the signed resource list into an expected manifest, rejecting what model_signing would never
// write: unsafe paths, duplicates, unknown digest algorithms, malformed shard names (OMS spec v1.0
// §Resources; model_signing writes "files" and "shards").
import { StatementError, type OmsStatement, type Resource } from './statement.ts';

export interface Shard {
  start: number;
  end: number;
  digest: string;
}

export type ExpectedManifest =
  | { method: 'files'; files: Map<string, string> }
  | { method: 'shards'; shardSize: number; files: Map<string, Shard[]> };

/** Hash types this verifier computes; blake2b/blake3 signatures are reported as not checkable. */
export const SUPPORTED_HASH_TYPES: ReadonlySet<string> = new Set(['sha256']);

/** POSIX path relative to the model root; "." names the model itself when it is one file. */
export function checkSafePath(name: string): void {
  if (name === '.') return;
  const parts = name.split('/');
  const bad = name.startsWith('/') || name.includes('\\') || name.includes('\0');
  if (bad || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new StatementError(`unsafe resource path "${name}" (absolute, empty component, "." or "..")`);
  }
}

function checkDigest(r: Resource): void {
  if (!/^[0-9a-f]{64}$/.test(r.digest)) throw new StatementError(`resource "${r.name}": digest is not SHA-256 hex`);
}

function filesManifest(resources: readonly Resource[], hashType: string): ExpectedManifest {
  const files = new Map<string, string>();
  for (const r of resources) {
    if (r.algorithm !== hashType) {
      throw new StatementError(`resource "${r.name}": algorithm "${r.algorithm}" is not the hash_type "${hashType}"`);
    }
    checkDigest(r);
    checkSafePath(r.name);
    if (files.has(r.name)) throw new StatementError(`resource "${r.name}" is listed twice`);
    files.set(r.name, r.digest);
  }
  if (files.has('.') && files.size > 1) throw new StatementError('resource "." (a single-file model) must be alone');
  return { method: 'files', files };
}

/** `<path>:<start>:<end>`, split on the LAST two colons: a path may contain colons itself. */
function parseShardName(name: string): { path: string; start: number; end: number } {
  const m = /^(.+):(0|[1-9]\d*):([1-9]\d*)$/.exec(name);
  if (!m) throw new StatementError(`shard resource "${name}" is not <path>:<start>:<end>`);
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!Number.isSafeInteger(end) || start >= end) throw new StatementError(`shard resource "${name}": bad range`);
  return { path: m[1]!, start, end };
}

function shardsManifest(resources: readonly Resource[], hashType: string, shardSize: number): ExpectedManifest {
  const files = new Map<string, Shard[]>();
  // model_signing writes "sha256-sharded-<N>", the spec/schema "sha256": accept both (oms-format.md §1).
  const allowed = new Set([hashType, `${hashType}-sharded-${shardSize}`]);
  const seen = new Set<string>();
  for (const r of resources) {
    if (!allowed.has(r.algorithm)) throw new StatementError(`resource "${r.name}": algorithm "${r.algorithm}"`);
    checkDigest(r);
    if (seen.has(r.name)) throw new StatementError(`resource "${r.name}" is listed twice`);
    seen.add(r.name);
    const { path, start, end } = parseShardName(r.name);
    checkSafePath(path);
    if (start % shardSize !== 0 || end - start > shardSize) {
      throw new StatementError(`shard "${r.name}" does not fit shard_size ${shardSize}`);
    }
    const list = files.get(path) ?? [];
    list.push({ start, end, digest: r.digest });
    files.set(path, list);
  }
  for (const list of files.values()) list.sort((a, b) => a.start - b.start);
  return { method: 'shards', shardSize, files };
}

export function expectedManifest(statement: OmsStatement): ExpectedManifest {
  const { method, hash_type: hashType, shard_size: shardSize } = statement.serialization;
  if (method === 'files') return filesManifest(statement.resources, hashType);
  return shardsManifest(statement.resources, hashType, shardSize ?? 1_000_000_000);
}
