/**
 * A PEFT adapter folder: `adapter_config.json` beside `adapter_model.safetensors` (or the pickle
 * `adapter_model.bin`), and no full checkpoint of its own. A folder with a model beside an adapter config is
 * compared as the model it holds.
 */

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';
export const ADAPTER_PICKLE = 'adapter_model.bin';

const FULL_MODEL = /^(model\.safetensors|model\.safetensors\.index\.json|pytorch_model\.bin|.*\.gguf|.*\.onnx)$/;

export function isAdapterFolder(paths: readonly string[]): boolean {
  const top = paths.filter((p) => !p.includes('/'));
  return top.includes(ADAPTER_CONFIG) && !top.some((p) => FULL_MODEL.test(p));
}
