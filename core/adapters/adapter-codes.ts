import type { CatalogEntry } from '../check/types.ts';

/** Finding codes of a PEFT adapter compared with the base it names: MG-ADP-001 … */
export const ADAPTER_CODES = {
  'MG-ADP-001': {
    severity: 'high',
    title: 'The adapter does not fit the base it names',
    explanation:
      'Some of its LoRA updates or replaced modules name tensors the base does not have, or have shapes that do not match them (A’s in-features, B’s out-features). peft could not load it on this base as it was trained: the base it was made for is another model.',
  },
  'MG-ADP-002': {
    severity: 'medium',
    title: 'Adapter type not supported: could not verify',
    explanation:
      'The adapter is not a plain LoRA that ModelGate can read and merge (another peft type such as IA3, LoHa, LoKr or prompt tuning; DoRA; LoRA on embeddings or convolutions; an option that changes the forward pass). Its files were hashed and scanned, but its fit to the base and its behavior were not verified.',
    remedy: 'Merge the adapter into the base with peft (merge_and_unload) and compare the merged checkpoint instead.',
  },
  'MG-ADP-003': {
    severity: 'info',
    title: 'Adapter saved as a pickle: scanned, not loaded',
    explanation:
      '`adapter_model.bin` is a PyTorch pickle. It is scanned like any pickle, but ModelGate never loads pickles to read weights, so the adapter’s fit and behavior were not verified.',
    remedy: 'Save the adapter with safetensors (peft’s default, safe_serialization=True).',
  },
  'MG-ADP-004': {
    severity: 'medium',
    title: 'Adapter tensors that peft would ignore or leave half-loaded',
    explanation:
      'The file holds LoRA tensors for modules its adapter_config.json does not target, or one half of a LoRA pair without the other. peft ignores such tensors on load, so what the file holds and what runs differ.',
  },
  'MG-ADP-005': {
    severity: 'medium',
    title: 'The adapter ships a tokenizer other than the base’s',
    explanation:
      'Users who load the base’s tokenizer and users who load the adapter folder’s get different token ids for the same text, and the behavior check probes through one of them only: a trigger word renamed in one vocabulary can hide from the probes while it is live for the other.',
    remedy: 'Ship the adapter without tokenizer files, or with the base’s own.',
  },
} satisfies Record<string, CatalogEntry>;

export type AdapterCode = keyof typeof ADAPTER_CODES;
