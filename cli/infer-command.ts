import { z } from 'zod';
import { forwardOnce } from '../core/probe/forward-once.ts';
import { detectModelKind } from '../core/probe/model-kind.ts';
import { loadBehaviorSideFromDisk } from './compare-command.ts';
import { openFolderSession } from './onnx-session-node.ts';
import { RUNNABLE_FILES } from '../core/probe/model-folder.ts';

/**
 * `modelgate infer <folder> --text "…"`: one forward pass on the model exactly as the behavioral run makes it
 * (same tokenizer, same graph, same runtime), so a user can check the logits against what transformers prints
 * for their model.
 */

export const InferOutputSchema = z.object({
  schema: z.literal('modelgate.infer/v1'),
  folder: z.string(),
  /** config.json model_type, or "onnx" for a folder's own ONNX export. */
  family: z.string(),
  task: z.enum(['classifier', 'causal-lm']),
  source: z.enum(['onnx', 'safetensors']),
  /** Storage dtypes of the weights; the graph computes in float32. */
  dtypes: z.array(z.string()),
  provider: z.string(),
  inputIds: z.array(z.number().int()),
  /** Classifier: the class logits; causal LM: the next-token logits at the last position. */
  logits: z.array(z.number()),
  top: z.array(z.object({ index: z.number().int(), name: z.string(), logit: z.number() })),
});
export type InferOutput = z.infer<typeof InferOutputSchema>;

export async function inferCommand(dir: string, text: string, top = 10): Promise<InferOutput> {
  const side = await loadBehaviorSideFromDisk(dir);
  if (!side) throw Object.assign(new Error(`${dir}: needs tokenizer.json and ${RUNNABLE_FILES}`), { usage: true });
  try {
    const task = detectModelKind({ config: side.config, signature: side.signature }).kind;
    const session = await openFolderSession(dir, side.model);
    try {
      const { inputIds, last } = await forwardOnce(side, session, text);
      const row = Array.from(last);
      const name = (i: number) =>
        task === 'classifier' ? (side.labels?.[i] ?? `label ${i}`) : (side.tokenizer.idToToken(i) ?? `id ${i}`);
      // Named after ranking: one tokenizer call per shown token, not one per vocabulary entry (151,936 for Qwen2).
      const ranked = row
        .map((logit, index) => ({ index, logit }))
        .sort((a, b) => b.logit - a.logit)
        .slice(0, top)
        .map(({ index, logit }) => ({ index, name: name(index), logit }));
      const graph = side.model.format === 'checkpoint' ? side.model.graph : undefined;
      return {
        schema: 'modelgate.infer/v1',
        folder: dir,
        family: graph?.architecture.modelType ?? 'onnx',
        task,
        source: graph ? 'safetensors' : 'onnx',
        dtypes: graph?.dtypes ?? [],
        provider: `${session.provider} (onnxruntime-node)`,
        inputIds,
        logits: row,
        top: ranked,
      };
    } finally {
      await session.release();
    }
  } finally {
    side.tokenizer.close();
  }
}

/**
 * Token strings come from the model's files: control characters (terminal escapes, workflow commands need a
 * line start) and bidi overrides are shown as \u{…} so they cannot repaint or reorder the output.
 */
function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is made visible
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`,
  );
}

/** The text form: what ran, the tokens, and the top logits. Names from the model are escaped for the terminal. */
export function formatInferText(out: InferOutput): string {
  const what = out.task === 'classifier' ? 'class logits' : 'next-token logits at the last position';
  const source =
    out.source === 'safetensors'
      ? `a graph built from config.json over the safetensors weights (${out.dtypes.join(', ')}; computed in float32)`
      : 'the folder’s ONNX model';
  const lines = [
    `model: ${visible(out.folder)}`,
    `family: ${visible(out.family)} (${out.task}), run as ${source}`,
    `provider: ${out.provider}`,
    `input ids (${out.inputIds.length}): ${out.inputIds.join(' ')}`,
    `top ${out.top.length} ${what} (of ${out.logits.length}):`,
    ...out.top.map(
      (t) => `  ${String(t.index).padStart(7)}  ${t.logit.toFixed(6).padStart(12)}  ${`"${visible(t.name)}"`}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
