import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { isJsonObject, parseStrictJson, type JsonObject, type JsonValue } from '../formats/strict-json.ts';
import { judgeSkopsNode } from './skops-rules.ts';
import { treeFinding } from './tree-model-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

export { looksLikeSkopsSchema } from '../formats/skops.ts';

const MAX_SCHEMA_BYTES = 64 << 20;
const MAX_NODES = 1_000_000;
const MAX_DEPTH = 200;
/** skops/io/_protocol.py: protocols 0 and 1 are read by skops/io/old, 2 is current. */
const KNOWN_PROTOCOLS = new Set([0, 1, 2]);

/**
 * skops `schema.json`: every node's type is judged as skops.io.load would (trusted by default, must be
 * trusted by hand, or a callable that runs code). Array data lives in other members (`*.npy`), which the
 * ZIP scanner routes through the .npy scanner on its own.
 */
export async function scanSkopsSchema(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  if (source.size > MAX_SCHEMA_BYTES) {
    const f = treeFinding(
      'skopsNotFollowed',
      `schema is ${source.size} bytes, over the ${MAX_SCHEMA_BYTES}-byte limit`,
    );
    return validatorOutcome('skops-schema', [f], ctx);
  }
  let doc: JsonValue;
  const findings: ScanFinding[] = [];
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(await source.read(0, source.size));
    const parsed = parseStrictJson(text, { maxDepth: MAX_DEPTH * 4, maxNodes: MAX_NODES * 8 });
    doc = parsed.value;
    for (const d of parsed.duplicates.slice(0, 5)) {
      findings.push(treeFinding('skopsMalformed', `schema repeats key '${d.key}' at ${d.path || '/'}`));
    }
  } catch (e) {
    const why = e instanceof FormatError ? e.message : 'not UTF-8';
    if (/deeper than|more than/.test(why)) {
      return validatorOutcome(
        'skops-schema',
        [treeFinding('skopsNotFollowed', `schema over the check limits: ${why}`)],
        ctx,
      );
    }
    return validatorOutcome(
      'skops-schema',
      [treeFinding('skopsMalformed', `schema.json is not valid JSON: ${why}`)],
      ctx,
    );
  }
  findings.push(...skopsFindings(doc));
  return validatorOutcome('skops-schema', findings, ctx);
}

export function skopsFindings(doc: JsonValue): ScanFinding[] {
  if (!isJsonObject(doc)) return [treeFinding('skopsMalformed', 'schema.json is not an object')];
  const protocol = doc.protocol;
  if (typeof protocol !== 'number') return [treeFinding('skopsMalformed', 'schema.json has no protocol')];
  const walk = new SchemaWalk();
  if (!KNOWN_PROTOCOLS.has(protocol)) walk.notFollowed.push(`protocol ${protocol}`);
  walk.node(doc, 0);
  return walk.findings(doc);
}

class SchemaWalk {
  readonly dangerous: string[] = [];
  readonly untrusted = new Set<string>();
  readonly malformed: string[] = [];
  readonly notFollowed: string[] = [];
  nodes = 0;

  /** A node object: judged, then its children (any nested value) walked. */
  node(obj: JsonObject, depth: number): void {
    if (this.stop(depth)) return;
    const [cls, module, loader] = [obj.__class__, obj.__module__, obj.__loader__];
    if (typeof cls !== 'string' || typeof module !== 'string' || typeof loader !== 'string') {
      this.malformed.push('a node lacks __class__, __module__ or __loader__');
      return;
    }
    const method = this.methodName(obj, loader);
    const j = judgeSkopsNode(loader, module, cls, method);
    if (j.level === 'dangerous') this.dangerous.push(j.why);
    else if (j.level === 'untrusted') this.untrusted.add(j.why);
    else if (j.level === 'unknown-loader') this.notFollowed.push(j.why);
    if (loader === 'OperatorFuncNode' && module !== 'operator') this.malformed.push(`OperatorFuncNode from ${module}`);
    if (loader === 'JsonNode') return this.json(obj.content);
    if (loader === 'NdArrayNode' && obj.type !== 'numpy' && obj.type !== 'json') {
      this.malformed.push(`NdArrayNode of type ${String(obj.type)}`);
    }
    for (const [key, value] of Object.entries(obj)) {
      if (!['__class__', '__module__', '__loader__'].includes(key)) this.value(value, depth + 1);
    }
  }

  /** MethodNode: skops calls getattr(obj, func) on the object node it builds. */
  private methodName(obj: JsonObject, loader: string): string | undefined {
    if (loader !== 'MethodNode') return undefined;
    const content = obj.content;
    if (isJsonObject(content) && typeof content.func === 'string') return content.func;
    this.malformed.push('a MethodNode has no method name');
    return undefined;
  }

  private value(v: JsonValue, depth: number): void {
    if (this.stop(depth)) return;
    if (Array.isArray(v)) for (const item of v) this.value(item, depth + 1);
    else if (isJsonObject(v)) {
      if ('__loader__' in v) this.node(v, depth);
      else for (const item of Object.values(v)) this.value(item, depth + 1);
    }
  }

  /** JsonNode: skops json.loads its content; text that does not parse makes the load fail. */
  private json(content: JsonValue | undefined): void {
    if (typeof content !== 'string') return void this.malformed.push('a JsonNode has no JSON text');
    try {
      parseStrictJson(content, { maxDepth: 64, maxNodes: 100_000 });
    } catch {
      this.malformed.push('a JsonNode holds text that is not JSON');
    }
  }

  private stop(depth: number): boolean {
    if (++this.nodes <= MAX_NODES && depth <= MAX_DEPTH) return false;
    if (!this.notFollowed.includes('limits')) this.notFollowed.push('limits');
    return true;
  }

  findings(root: JsonObject): ScanFinding[] {
    const out: ScanFinding[] = [];
    for (const why of this.dangerous.slice(0, 10)) out.push(treeFinding('skopsDangerous', `schema names ${why}`));
    if (this.untrusted.size > 0) {
      const list = [...this.untrusted].slice(0, 20).join(', ');
      out.push(treeFinding('skopsUntrusted', `types outside skops' default trusted list: ${list}`));
    }
    for (const why of this.malformed.slice(0, 5)) out.push(treeFinding('skopsMalformed', why));
    if (this.notFollowed.length > 0) {
      const list = this.notFollowed.slice(0, 10).join(', ');
      out.push(
        treeFinding('skopsNotFollowed', `not followed: ${list === 'limits' ? 'schema over the check limits' : list}`),
      );
    }
    if (out.length === 0) {
      out.push(
        treeFinding('skopsChecked', `${this.nodes} nodes under ${String(root.__module__)}.${String(root.__class__)}`),
      );
    }
    return out;
  }
}
