import { z } from 'zod';

const DemoIndexSchema = z.object({
  models: z.array(z.object({ name: z.string().regex(/^[\w.-]+$/), files: z.array(z.string()) })).min(1),
});

/** The bundled demo model (public/demo, made by scripts/gen_demo_models.py) as Files, as if the user dropped them. */
export async function loadDemoModel(name = 'tiny-sentiment'): Promise<{ path: string; file: File }[]> {
  const index = DemoIndexSchema.parse(await (await fetch('/demo/index.json')).json());
  const model = index.models.find((m) => m.name === name);
  if (!model) throw new Error(`demo model ${name} is not in /demo/index.json`);
  return Promise.all(
    model.files.map(async (path) => {
      const response = await fetch(`/demo/${model.name}/${path}`);
      if (!response.ok) throw new Error(`demo file ${path}: HTTP ${response.status}`);
      const blob = await response.blob();
      return { path: `${model.name}/${path}`, file: new File([blob], path.split('/').pop() ?? path) };
    }),
  );
}

export const DEMO_MODEL_URL = '/demo/tiny-sentiment/onnx/model.onnx';
/** "[CLS] a good movie" in the demo tokenizer's vocabulary: a fixed input for the engine self-test. */
export const DEMO_INPUT_IDS = [2, 3, 17, 25];
