import type { GraphBuilder } from './graph-builder.ts';

/** transformers' ACT2FN names → graph ops ("gelu" is the exact erf form, "gelu_new" the tanh approximation). */
export function activation(g: GraphBuilder, x: string, name: 'gelu' | 'gelu_new' | 'relu'): string {
  if (name === 'gelu') return g.geluErf(x);
  if (name === 'gelu_new') return g.geluTanh(x);
  return g.op('Relu', [x]);
}
