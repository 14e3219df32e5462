import type { AdapterConfig } from './adapter-config.ts';

/**
 * A LoRA module's rank, alpha and scale, as peft computes them: rank_pattern / alpha_pattern keys are regexes
 * matched against the module's name as `(.*\.)?(key)$` (the first key in the file's order that matches wins),
 * and scale = alpha / r, or alpha / √r with use_rslora (rank-stabilised LoRA).
 */

export interface LoraScale {
  rank: number;
  alpha: number;
  scale: number;
}

function patternValue(pattern: Readonly<Record<string, number>>, module: string): number | undefined {
  for (const [key, value] of Object.entries(pattern)) {
    let re: RegExp;
    try {
      re = new RegExp(`^(.*\\.)?(${key})$`);
    } catch {
      continue; // peft's re.match would raise on it: such a key never matches a module
    }
    if (re.test(module)) return value;
  }
  return undefined;
}

/** @param module the module's name in the base model, e.g. `model.layers.0.self_attn.q_proj` */
export function loraScale(config: AdapterConfig, module: string): LoraScale {
  const rank = patternValue(config.rank_pattern, module) ?? config.r ?? 8;
  const alpha = patternValue(config.alpha_pattern, module) ?? config.lora_alpha ?? 8;
  const scale = config.use_rslora ? alpha / Math.sqrt(rank) : alpha / rank;
  return { rank, alpha, scale };
}
