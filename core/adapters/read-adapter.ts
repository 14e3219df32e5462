import { parseStrictJson } from '../formats/strict-json.ts';
import type { ByteSource } from '../io/byte-source.ts';
import { listTensors } from '../weights/tensors.ts';
import { ADAPTER_CONFIG, ADAPTER_PICKLE, ADAPTER_WEIGHTS } from './adapter-folder.ts';
import { AdapterConfigSchema, unknownEffects, type AdapterConfig } from './adapter-config.ts';
import { classifyAdapterTensors, type AdapterTensors } from './adapter-tensors.ts';
import { isTargeted } from './target-match.ts';
import { loraScale } from './lora-scale.ts';

/**
 * An adapter folder read as far as it can be: its config, its tensors by role, and every reason it is not a
 * plain LoRA ModelGate can merge (`unsupported`: the merged forward and the fit are "could not verify").
 * Only `adapter_model.safetensors` is read; a pickle `adapter_model.bin` is scanned elsewhere, never loaded.
 */
export interface AdapterReading {
  config: AdapterConfig;
  tensors: AdapterTensors;
  unsupported: string[];
  /** LoRA tensors peft would not apply: modules the config does not target, a pair missing a half. */
  ignored: { name: string; reason: string }[];
  /** Only a pickle holds the weights. */
  pickleOnly: boolean;
}

const MAX_CONFIG_BYTES = 1 << 20;

export async function readAdapter(files: readonly ByteSource[]): Promise<AdapterReading> {
  const byName = new Map(files.map((f) => [f.name, f]));
  const configFile = byName.get(ADAPTER_CONFIG);
  if (!configFile) throw new Error(`no ${ADAPTER_CONFIG}: not a PEFT adapter folder`);
  if (configFile.size > MAX_CONFIG_BYTES) throw new Error(`${ADAPTER_CONFIG}: ${configFile.size} bytes is too large`);
  const text = new TextDecoder().decode(await configFile.read(0, configFile.size));
  const parsed = AdapterConfigSchema.safeParse(parseStrictJson(text, { maxDepth: 16 }).value);
  if (!parsed.success)
    throw new Error(
      `${ADAPTER_CONFIG}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const config = parsed.data;
  const weights = byName.get(ADAPTER_WEIGHTS);
  const listing = weights ? await listTensors([weights]) : undefined;
  const tensors = listing ? classifyAdapterTensors(listing.tensors) : { pairs: [], replacements: [], unrecognised: [] };
  // A tensor stored in a dtype that is not read (quantized, integer) is not silently left out of the merge.
  for (const n of listing?.notCompared ?? []) tensors.unrecognised.push({ name: n.name, reason: n.reason });
  const pickleOnly = !weights && byName.has(ADAPTER_PICKLE);
  const shadowed = wrappedModuleTensors(config, tensors);
  return {
    config,
    tensors,
    unsupported: unsupportedReasons(config, tensors, Boolean(weights), pickleOnly),
    ignored: [...ignoredTensors(config, tensors), ...shadowed],
    pickleOnly,
  };
}

/**
 * peft wraps every module it puts a LoRA on and holds the module's own tensors as `<module>.base_layer.<param>`:
 * that is the name it saves them under (a bias with bias = all / lora_only) and the only one it loads them from.
 * A saved `<module>.<param>` of a wrapped module is an unexpected key, ignored on load: it must not replace the
 * merged tensor here either. Rewrites `base_layer` names to the base tensor's name, moves the shadowing ones out
 * of `tensors.replacements` (in place) and returns them as ignored.
 */
function wrappedModuleTensors(config: AdapterConfig, tensors: AdapterTensors): { name: string; reason: string }[] {
  const wrapped = (module: string) =>
    tensors.pairs.some((p) => p.module === module && isTargeted(config, module)) ||
    (config.target_modules !== 'all-linear' && isTargeted(config, module));
  const kept: AdapterTensors['replacements'] = [];
  const ignored: { name: string; reason: string }[] = [];
  for (const r of tensors.replacements) {
    const layered = /^(.+)\.base_layer\.([^.]+)$/.exec(r.baseName);
    if (layered && wrapped(layered[1]!)) {
      kept.push({ ...r, baseName: `${layered[1]}.${layered[2]}` });
      continue;
    }
    const at = r.baseName.lastIndexOf('.');
    if (at > 0 && wrapped(r.baseName.slice(0, at))) {
      ignored.push({
        name: r.tensor.name,
        reason: 'a tensor of a module peft wraps with a LoRA, not under base_layer: peft ignores it',
      });
      continue;
    }
    kept.push(r);
  }
  tensors.replacements.splice(0, tensors.replacements.length, ...kept);
  return ignored;
}

/**
 * Whether a regex from the config means the same to Python's `re` (peft) and to JavaScript's RegExp: plain
 * characters, `.`, classes, groups `( )` / `(?: )`, alternation, quantifiers, anchors, and escapes of `.` `d` or a
 * punctuation character. Python-only syntax (`\Z`, `\A`, `(?i)`, `(?P<…>)`, …) may match in peft and not here.
 */
export function portableRegex(source: string): boolean {
  if (/\\[^.d\W]|\\$/.test(source.replace(/\\\\/g, ''))) return false;
  if (/\(\?(?!:)/.test(source)) return false;
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

function unsupportedReasons(
  config: AdapterConfig,
  tensors: AdapterTensors,
  hasWeights: boolean,
  pickleOnly: boolean,
): string[] {
  const reasons: string[] = [];
  if (config.peft_type !== 'LORA') reasons.push(`peft_type ${config.peft_type} (only LORA is read)`);
  if (config.use_dora) reasons.push('use_dora: DoRA rescales each column by a learned magnitude, not W + s·B·A');
  reasons.push(...unknownEffects(config).map((e) => `${e} changes the forward pass and is not followed`));
  const regexes: [string, string][] = [
    ...Object.keys(config.rank_pattern).map((k): [string, string] => [`rank_pattern key ${JSON.stringify(k)}`, k]),
    ...Object.keys(config.alpha_pattern).map((k): [string, string] => [`alpha_pattern key ${JSON.stringify(k)}`, k]),
  ];
  if (typeof config.target_modules === 'string' && config.target_modules !== 'all-linear')
    regexes.push(['target_modules', config.target_modules]);
  for (const [what, source] of regexes)
    if (!portableRegex(source)) reasons.push(`${what}: a regex Python's re may read differently from JavaScript's`);
  if (pickleOnly) reasons.push(`${ADAPTER_PICKLE} is a pickle: scanned, never loaded`);
  else if (!hasWeights) reasons.push(`no ${ADAPTER_WEIGHTS}`);
  for (const u of tensors.unrecognised)
    if (u.reason !== 'the other half is missing') reasons.push(`${u.name}: ${u.reason}`);
  for (const p of tensors.pairs) {
    // Convolution LoRA saves 4-D halves; a plain matrix product does not merge them.
    if (p.a.shape.length !== 2 || p.b.shape.length !== 2)
      reasons.push(
        `${p.module}: LoRA halves of shapes [${p.a.shape.join(', ')}] and [${p.b.shape.join(', ')}] (convolution) are not merged`,
      );
    else if (p.a.shape[0] !== p.b.shape[1])
      reasons.push(`${p.module}: lora_A has rank ${p.a.shape[0]}, lora_B ${p.b.shape[1]}`);
    else if (isTargeted(config, p.module) && loraScale(config, p.module).rank !== p.a.shape[0])
      // peft builds the layer with the config's rank and refuses the saved halves (size mismatch); the scale
      // alpha / r would be the config's, not the one the halves were trained with.
      reasons.push(
        `${p.module}: the config gives rank ${loraScale(config, p.module).rank}, the saved halves have ${p.a.shape[0]} (peft refuses to load it)`,
      );
  }
  return reasons;
}

function ignoredTensors(config: AdapterConfig, tensors: AdapterTensors): { name: string; reason: string }[] {
  return [
    ...tensors.unrecognised.filter((u) => u.reason === 'the other half is missing'),
    ...tensors.pairs
      .filter((p) => !isTargeted(config, p.module))
      .map((p) => ({ name: p.a.name, reason: 'module not in target_modules / layers_to_transform: peft ignores it' })),
  ];
}
