import type { FormatCatalog } from './format-catalog.ts';

const CUSTOM_MODELS = 'https://huggingface.co/docs/transformers/custom_models';

/**
 * Finding codes MG-SCAN-550 … 559: Hugging Face configs that make loading run Python code from the model's
 * repository (`auto_map`, `custom_pipelines`, loaded with `trust_remote_code=True`). Codes are stable.
 */
export const HF_CONFIG_CODES = {
  remoteCode: {
    code: 'MG-SCAN-550',
    severity: 'high',
    verdict: 'suspicious',
    title: 'Loading this model runs Python code shipped with it',
    explanation:
      'The config maps a transformers class to a Python file of the model (auto_map or custom_pipelines). With trust_remote_code=True, which such a model needs, transformers imports that file and runs it: review the named .py files as code, because they are.',
    reference: CUSTOM_MODELS,
  },
  otherRepository: {
    code: 'MG-SCAN-551',
    severity: 'high',
    verdict: 'suspicious',
    title: 'Loading this model runs Python code from another repository',
    explanation:
      'An auto_map entry of the form "owner/repo--module.Class" makes transformers download module.py from that other repository at load time and run it. That code is not in this folder, so nothing here vouches for it.',
    reference: CUSTOM_MODELS,
  },
  unreadable: {
    code: 'MG-SCAN-552',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A config that names code to load could not be read',
    explanation:
      'The file mentions auto_map or custom_pipelines but is not a JSON object ModelGate could read, so which code it loads is unknown.',
  },
} as const satisfies FormatCatalog;
