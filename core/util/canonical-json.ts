/**
 * JSON with object keys sorted at every level, so key order and formatting never make two documents differ.
 * Used wherever content is compared or fingerprinted: tokenizers, base configs, registry entries.
 *
 * It walks with its own stack, not by recursion: the values come from untrusted files, and one nested
 * 100 000 levels deep must not end the process with a stack overflow.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const todo: unknown[] = [value];
  // Objects and arrays being written, to refuse a cycle as JSON.stringify does (instead of looping forever).
  const open = new Set<object>();
  while (todo.length > 0) {
    const item = todo.pop();
    if (item instanceof Text) {
      out.push(item.text);
      continue;
    }
    if (item instanceof Leave) {
      open.delete(item.value);
      continue;
    }
    if (Array.isArray(item)) {
      enter(open, item);
      todo.push(new Leave(item), CLOSE_ARRAY);
      for (let i = item.length - 1; i >= 0; i--) {
        // A hole is written as nothing, as `[…].map(…).join(',')` did.
        todo.push(i in item ? item[i] : EMPTY);
        if (i > 0) todo.push(COMMA);
      }
      todo.push(OPEN_ARRAY);
    } else if (item && typeof item === 'object') {
      enter(open, item);
      const entries = Object.entries(item as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      todo.push(new Leave(item), CLOSE_OBJECT);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        todo.push(v, new Text(`${JSON.stringify(k)}:`));
        if (i > 0) todo.push(COMMA);
      }
      todo.push(OPEN_OBJECT);
    } else {
      out.push(JSON.stringify(item) ?? 'null');
    }
  }
  return out.join('');
}

class Text {
  constructor(readonly text: string) {}
}

class Leave {
  constructor(readonly value: object) {}
}

const COMMA = new Text(',');
const EMPTY = new Text('');
const OPEN_ARRAY = new Text('[');
const CLOSE_ARRAY = new Text(']');
const OPEN_OBJECT = new Text('{');
const CLOSE_OBJECT = new Text('}');

function enter(open: Set<object>, value: object): void {
  if (open.has(value)) throw new TypeError('canonicalJson: the value contains itself (a cycle)');
  open.add(value);
}
