import type { AdapterConfig } from './adapter-config.ts';

/**
 * Whether peft would put a LoRA on a module of the base, as its `check_target_module_exists` decides: a regex
 * `target_modules` must match the whole name, a list names the module or its last segments
 * (`q_proj` matches `model.layers.0.self_attn.q_proj`); "all-linear" is every linear layer but the output head.
 * A saved LoRA pair on a module the config does not target is ignored by peft on load: it is reported, since
 * what the file holds and what runs would differ.
 */
export function isTargeted(config: AdapterConfig, module: string): boolean {
  const targets = config.target_modules;
  if (targets == null) return false;
  if (typeof targets === 'string') {
    if (targets === 'all-linear') return !/(^|\.)lm_head$/.test(module);
    try {
      return new RegExp(`^(?:${targets})$`).test(module);
    } catch {
      return false;
    }
  }
  if (!targets.some((t) => module === t || module.endsWith(`.${t}`))) return false;
  return inTransformedLayer(config, module);
}

/** `layers_to_transform`: only the listed layer indices (the number after a `layers`-like segment). */
function inTransformedLayer(config: AdapterConfig, module: string): boolean {
  const wanted = config.layers_to_transform;
  if (wanted == null) return true;
  const index = /\.(?:layers|h|layer|blocks)\.(\d+)\./.exec(`.${module}.`);
  if (!index) return false;
  const list = typeof wanted === 'number' ? [wanted] : wanted;
  return list.includes(Number(index[1]));
}
