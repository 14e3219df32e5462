import type { PValue } from './values.ts';

/**
 * Renders symbolic values as readable pseudo-Python ("would run: os.system('echo pwned')"). Bounded on
 * every axis a hostile pickle controls: nesting depth, items shown per container, string length, nodes
 * visited and total output, so a self-referencing list or a memo bomb renders in constant time.
 */

export interface RenderLimits {
  maxDepth: number;
  maxItems: number;
  maxStringChars: number;
  maxNodes: number;
  maxChars: number;
}

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxDepth: 8,
  maxItems: 8,
  maxStringChars: 80,
  maxNodes: 400,
  maxChars: 600,
};

const BUILTIN_MODULES = new Set(['builtins', '__builtin__']);

/** Python's repr of a str, single-quoted, truncated with an ellipsis. */
export function pyRepr(s: string, max = DEFAULT_RENDER_LIMITS.maxStringChars): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  let body = '';
  for (const c of cut) body += escapeChar(c);
  return `'${body}${s.length > max ? '…' : ''}'`;
}

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\\') return '\\\\';
  if (c === "'") return "\\'";
  if (c === '\n') return '\\n';
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
}

function pyBytes(b: Uint8Array, max: number): string {
  let body = '';
  for (const c of b.subarray(0, max)) {
    body +=
      c === 0x5c
        ? '\\\\'
        : c === 0x27
          ? "\\'"
          : c >= 0x20 && c < 0x7f
            ? String.fromCharCode(c)
            : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `b'${body}${b.length > max ? '…' : ''}'`;
}

function pyFloat(v: number): string {
  if (Number.isNaN(v)) return "float('nan')";
  if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** `module.name`, or the bare name for builtins (how a reader would write it). */
export function globalName(module: string, name: string): string {
  return BUILTIN_MODULES.has(module) ? name : `${module}.${name}`;
}

class Renderer {
  nodes = 0;
  constructor(readonly limits: RenderLimits) {}

  items(values: readonly PValue[], depth: number): string {
    const shown = values.slice(0, this.limits.maxItems).map((v) => this.value(v, depth + 1));
    if (values.length > this.limits.maxItems) shown.push('…');
    return shown.join(', ');
  }

  entries(entries: readonly [PValue, PValue][], depth: number): string {
    const shown = entries
      .slice(0, this.limits.maxItems)
      .map(([k, v]) => `${this.value(k, depth + 1)}: ${this.value(v, depth + 1)}`);
    if (entries.length > this.limits.maxItems) shown.push('…');
    return shown.join(', ');
  }

  value(v: PValue, depth: number): string {
    if (++this.nodes > this.limits.maxNodes || depth > this.limits.maxDepth) return '…';
    switch (v.k) {
      case 'none':
        return 'None';
      case 'bool':
        return v.v ? 'True' : 'False';
      case 'int':
        return v.v.toString().length > 40 ? `${v.v.toString().slice(0, 40)}…` : v.v.toString();
      case 'float':
        return pyFloat(v.v);
      case 'str':
        return pyRepr(v.v, this.limits.maxStringChars);
      case 'bytes': {
        const b = pyBytes(v.v, this.limits.maxStringChars);
        return v.bytearray ? `bytearray(${b})` : b;
      }
      case 'tuple':
        return v.items.length === 1 ? `(${this.items(v.items, depth)},)` : `(${this.items(v.items, depth)})`;
      case 'list':
        return `[${this.items(v.items, depth)}]`;
      case 'set':
        return v.frozen ? `frozenset({${this.items(v.items, depth)}})` : `{${this.items(v.items, depth)}}`;
      case 'dict':
        return `{${this.entries(v.entries, depth)}}`;
      default:
        return this.symbolic(v, depth);
    }
  }

  symbolic(v: PValue, depth: number): string {
    switch (v.k) {
      case 'global':
        return globalName(v.module, v.name);
      case 'call': {
        const args = this.items(v.args, depth);
        const kw = v.kwargs && v.kwargs.k === 'dict' && v.kwargs.entries.length > 0;
        const all = kw ? `${args}${args ? ', ' : ''}**${this.value(v.kwargs as PValue, depth + 1)}` : args;
        const callee = this.value(v.callee, depth + 1);
        const target = v.method && v.kind !== 'BUILD-setstate' ? `${callee}.${v.method}` : callee;
        return `${target}(${all})`;
      }
      case 'persid':
        return `persistent_load(${this.value(v.pid, depth + 1)})`;
      case 'ext':
        return `copyreg._extension_registry[${v.code}]`;
      case 'buffer':
        return '<out-of-band buffer>';
      default:
        return '…';
    }
  }
}

/** Renders `v` as pseudo-Python within `limits`; the result is at most `maxChars` characters. */
export function render(v: PValue, limits: RenderLimits = DEFAULT_RENDER_LIMITS): string {
  const s = new Renderer(limits).value(v, 0);
  return s.length > limits.maxChars ? `${s.slice(0, limits.maxChars - 1)}…` : s;
}
