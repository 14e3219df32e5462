import type { ScanFinding } from './types.ts';
import type { CatalogEntry } from '../check/types.ts';

/**
 * Finding codes of the non-pickle validators (safetensors, GGUF, ONNX, Keras/HDF5): MG-SCAN-200 … 299
 * (core/scan/README.md). Codes are stable: never renumber or reuse one. Techniques 34–38 of
 * published scanner bypasses (docs/scanner.md).
 */
export const VALIDATOR_CODES = {
  // safetensors (technique 38)
  'MG-SCAN-200': {
    severity: 'high',
    title: 'The safetensors header is malformed',
    explanation:
      'The JSON header could not be read as the format requires, so loaders may disagree about what the file holds.',
  },
  'MG-SCAN-201': {
    severity: 'high',
    title: 'The safetensors header is too large',
    explanation:
      'The reference library refuses headers over 100 MB (safetensors #668); a huge header is a denial-of-service vector.',
  },
  'MG-SCAN-202': {
    severity: 'high',
    title: 'The header repeats a key',
    explanation:
      'JSON parsers keep different copies of a repeated key, so two loaders can read different tensors (safetensors #401).',
  },
  'MG-SCAN-203': {
    severity: 'high',
    title: 'A tensor has an unknown data type',
    explanation: 'The data type is not in the safetensors specification, so its size cannot be checked.',
  },
  'MG-SCAN-204': {
    severity: 'high',
    title: "A tensor's size disagrees with its byte range",
    explanation:
      'Shape × data type must equal the byte span; a mismatch causes out-of-bounds reads in non-reference loaders (mlx #3363, fastllm #713).',
  },
  'MG-SCAN-205': {
    severity: 'high',
    title: 'Tensor byte ranges overlap, leave gaps or leave the file',
    explanation:
      'Offsets must be sorted, contiguous and inside the file; anything else is an out-of-bounds read or room for hidden content.',
  },
  'MG-SCAN-206': {
    severity: 'high',
    title: 'Extra bytes after the last tensor',
    explanation:
      'Bytes no tensor accounts for can carry a second file format (a polyglot) that other tools route differently.',
  },
  'MG-SCAN-207': {
    severity: 'medium',
    title: 'The metadata block is not text-to-text',
    explanation: 'safetensors `__metadata__` must map strings to strings; the reference loader refuses anything else.',
  },
  // GGUF (technique 37)
  'MG-SCAN-220': {
    severity: 'high',
    title: 'The GGUF file is malformed',
    explanation: 'The header or metadata could not be read as the GGUF specification requires.',
  },
  'MG-SCAN-221': {
    severity: 'high',
    title: 'A count or length in the GGUF header is larger than the file',
    explanation:
      'Lying lengths make C loaders allocate or read out of bounds (CVE-2024-21802, CVE-2025-53630, llama.cpp #19856).',
  },
  'MG-SCAN-222': {
    severity: 'high',
    title: 'Unknown GGUF metadata value type',
    explanation: 'Only value types 0–12 exist; an unknown type index has been used to corrupt memory in loaders.',
  },
  'MG-SCAN-223': {
    severity: 'high',
    title: 'Unknown or unsupported tensor type',
    explanation: 'The tensor type is not a ggml type, so its size cannot be computed and bounds cannot be checked.',
  },
  'MG-SCAN-224': {
    severity: 'high',
    title: 'A tensor has more than 4 dimensions',
    explanation: 'ggml tensors have at most 4 dimensions; more overflow fixed-size arrays in loaders.',
  },
  'MG-SCAN-225': {
    severity: 'high',
    title: 'The tensor alignment is not a power of two',
    explanation: '`general.alignment` must be a non-zero power of two held as a u32.',
  },
  'MG-SCAN-226': {
    severity: 'high',
    title: 'A tensor lies outside the data section, is misaligned or overlaps another',
    explanation: 'Lying tensor info makes loaders read other memory ("Bleeding Llama", CVE-2026-7482).',
  },
  'MG-SCAN-227': {
    severity: 'high',
    title: 'A metadata key or tensor name is repeated',
    explanation: 'Loaders disagree about which copy wins, so a scanner may check a value that is not the one used.',
  },
  'MG-SCAN-228': {
    severity: 'high',
    title: 'Metadata arrays are nested too deeply',
    explanation: 'Deeply nested arrays exhaust the stack of recursive readers (gguf-py).',
  },
  'MG-SCAN-229': {
    severity: 'critical',
    title: 'The chat template tries to reach Python internals',
    explanation: 'Rendering this Jinja template would escape the sandbox and run code (CVE-2024-34359, CVE-2026-5760).',
  },
  'MG-SCAN-230': {
    severity: 'medium',
    title: 'The chat template uses unusual Jinja constructs',
    explanation: 'Constructs that ordinary chat templates never need and that template-injection payloads rely on.',
  },
  'MG-SCAN-231': {
    severity: 'medium',
    title: 'Part of the GGUF file could not be verified',
    explanation: 'The validator does not know how to size or check this part, so the file is not called clean.',
  },
  'MG-SCAN-232': {
    severity: 'medium',
    title: 'The chat template could not be verified',
    explanation:
      'The template is too large, or uses syntax or escapes this checker does not read, so it is not called clean; a runtime that renders it with Jinja could still run code.',
  },
  // ONNX (technique 36)
  'MG-SCAN-240': {
    severity: 'high',
    title: 'The ONNX file is malformed',
    explanation: 'The protobuf structure could not be decoded as an ONNX ModelProto.',
  },
  'MG-SCAN-241': {
    severity: 'critical',
    title: 'External tensor data points outside the model folder',
    explanation:
      'An absolute or `..` path makes the runtime read any file on the machine into the model (CVE-2022-25882, CVE-2024-27318, CVE-2026-27489).',
  },
  'MG-SCAN-242': {
    severity: 'high',
    title: 'External tensor data is described incorrectly',
    explanation: 'The external-data entry lacks a location or has malformed offset/length fields.',
  },
  'MG-SCAN-243': {
    severity: 'medium',
    title: 'The model uses operators from a custom domain',
    explanation: 'Custom-domain operators need extra code installed on the host (e.g. PyOp runs Python).',
  },
  'MG-SCAN-244': {
    severity: 'info',
    title: 'ONNX model inventory',
    explanation: 'Opsets, inputs, outputs, initializers and external files the model references.',
  },
  'MG-SCAN-245': {
    severity: 'medium',
    title: 'The ONNX graph nests too deeply to verify',
    explanation: 'Subgraphs beyond the depth budget were not checked, so the file is not called clean.',
  },
  // Keras / HDF5 (techniques 34–35)
  'MG-SCAN-260': {
    severity: 'high',
    title: 'The Keras model configuration is malformed',
    explanation: 'The configuration JSON could not be read, so what the model would load cannot be checked.',
  },
  'MG-SCAN-261': {
    severity: 'critical',
    title: 'A Lambda layer carries compiled Python code',
    explanation: 'Loading the model unmarshals and runs this bytecode (CVE-2024-3660).',
  },
  'MG-SCAN-262': {
    severity: 'high',
    title: 'A Lambda layer calls a named Python function',
    explanation: 'Lambda layers run arbitrary Python on load; the function comes from code outside the file.',
  },
  'MG-SCAN-263': {
    severity: 'critical',
    title: 'The configuration imports a dangerous Python module',
    explanation:
      'A `module`/`registered_name` outside Keras makes the loader import and call it, even in safe mode (CVE-2025-1550, GHSA-pwq7-2gvj-vg9v).',
  },
  'MG-SCAN-264': {
    severity: 'medium',
    title: 'The configuration refers to code outside Keras',
    explanation:
      'A custom object is loaded from a module that is not part of Keras; it needs code that is not in the file.',
  },
  'MG-SCAN-265': {
    severity: 'high',
    title: 'The model loads an external TensorFlow SavedModel',
    explanation: 'TFSMLayer loads a SavedModel from a path, with its own graph and ops (CVE-2026-1462).',
  },
  'MG-SCAN-266': {
    severity: 'medium',
    title: 'The HDF5 model configuration could not be read',
    explanation: 'The validator does not support this HDF5 layout, so the model is not called clean.',
  },
  'MG-SCAN-267': {
    severity: 'high',
    title: 'The HDF5 file is malformed',
    explanation: 'The HDF5 structures that hold the model configuration are broken.',
  },
  'MG-SCAN-268': {
    severity: 'info',
    title: 'The HDF5 file has no model configuration',
    explanation: 'A weights-only Keras file: it holds no layer configuration that could run code.',
  },
  'MG-SCAN-269': {
    severity: 'critical',
    title: 'The model loads a SavedModel from outside its folder',
    explanation: 'TFSMLayer with an absolute, `..` or remote path loads whatever graph lies there (CVE-2026-1462).',
  },
  'MG-SCAN-270': {
    severity: 'medium',
    title: 'The Keras configuration is too large to check',
    explanation: 'The configuration exceeds the scan budget, so the model is not called clean.',
  },
} satisfies Record<string, CatalogEntry>;

export type ValidatorCode = keyof typeof VALIDATOR_CODES;

/** Builds a finding from the catalog entry of `code`. */
export function validatorFinding(
  code: ValidatorCode,
  detail: string,
  extra: Partial<Omit<ScanFinding, 'code' | 'severity' | 'title' | 'detail'>> = {},
): ScanFinding {
  const info: CatalogEntry = VALIDATOR_CODES[code];
  return { code, severity: info.severity, title: info.title, detail, ...extra };
}

/** References of the techniques, one place so findings cite them consistently. */
export const REFS = {
  safetensorsHeaderCap: 'https://github.com/huggingface/safetensors/issues/668',
  safetensorsDuplicates: 'https://github.com/huggingface/safetensors/issues/401',
  safetensorsSpec: 'https://github.com/huggingface/safetensors#format',
  mlxOob: 'https://github.com/ml-explore/mlx/issues/3363',
  ggufMemory: 'https://nvd.nist.gov/vuln/detail/CVE-2024-21802',
  ggufOob: 'https://nvd.nist.gov/vuln/detail/CVE-2026-7482',
  ggufSpec: 'https://github.com/ggml-org/ggml/blob/master/docs/gguf.md',
  chatTemplate: 'https://nvd.nist.gov/vuln/detail/CVE-2024-34359',
  onnxTraversal: 'https://nvd.nist.gov/vuln/detail/CVE-2024-27318',
  onnxCustomOps: 'https://onnxruntime.ai/docs/reference/operators/add-custom-op.html',
  kerasLambda: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3660',
  kerasModule: 'https://nvd.nist.gov/vuln/detail/CVE-2025-1550',
  kerasTfsm: 'https://nvd.nist.gov/vuln/detail/CVE-2026-1462',
} as const;
