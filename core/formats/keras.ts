import { isJsonObject, type JsonObject, type JsonValue } from './strict-json.ts';

/**
 * Keras model configuration (Keras 3 `.keras` config.json, Keras 2 HDF5 `model_config`). Every JSON
 * object anywhere in the tree is a potential serialized object: layers of nested Functional/Sequential
 * models, wrappers (TimeDistributed, Bidirectional), `inbound_nodes`, shared objects. Top-level-only walks
 * miss a Lambda in a sub-model (technique 34, modelscan `keras/scan.py`), so this collects them all.
 */

export interface KerasObjectRef {
  /** JSON path, e.g. "/config/layers/3/config/layer". */
  path: string;
  className: string;
  module?: string;
  registeredName?: string;
  config?: JsonValue;
  /** Keras 2 Lambda fields sit next to `function` in config. */
  raw: JsonObject;
}

/** Every object with a string `class_name`, depth-first, without recursion (bounded by the parser's node cap). */
export function collectKerasObjects(root: JsonValue): KerasObjectRef[] {
  const out: KerasObjectRef[] = [];
  const stack: { v: JsonValue; path: string }[] = [{ v: root, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i] ?? null, path: `${path}/${i}` });
      continue;
    }
    if (!isJsonObject(v)) continue;
    if (typeof v.class_name === 'string') out.push(objectRef(v, path));
    for (const [k, child] of Object.entries(v).reverse()) {
      if (child !== null && typeof child === 'object') stack.push({ v: child, path: `${path}/${k}` });
    }
  }
  return out;
}

function objectRef(v: JsonObject, path: string): KerasObjectRef {
  return {
    path,
    className: v.class_name as string,
    module: typeof v.module === 'string' ? v.module : undefined,
    registeredName: typeof v.registered_name === 'string' ? v.registered_name : undefined,
    config: v.config,
    raw: v,
  };
}

const KERAS_HINT = /"(class_name|module)"\s*:\s*"(Sequential|Functional|Model|keras[.\w]*)"|"keras_version"\s*:/;

/** Cheap sniff: a JSON object whose first 64 KiB mention a Keras model class, a keras module or keras_version. */
export function looksLikeKerasConfig(input: string | Uint8Array): boolean {
  const head = typeof input === 'string' ? input.slice(0, 65536) : new TextDecoder().decode(input.subarray(0, 65536));
  // A key spelled with JSON escapes ("class\u005fname") is the same key to json.loads: decode printable ASCII.
  const text = head.replace(/\\u00([2-7][0-9a-fA-F])/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return /^\s*\{/.test(text) && text.includes('"class_name"') && text.includes('"config"') && KERAS_HINT.test(text);
}
