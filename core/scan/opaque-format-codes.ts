import type { FormatCatalog } from './format-catalog.ts';

/**
 * Finding codes MG-SCAN-540 … 549: formats recognised by their leading bytes whose content ModelGate cannot
 * read (no published layout, or no decoder here). None of them is ever benign. Codes are stable.
 */
export const OPAQUE_FORMAT_CODES = {
  rknn: {
    code: 'MG-SCAN-540',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A Rockchip RKNN model: its content could not be verified',
    explanation:
      'RKNN models are compiled for Rockchip NPUs by rknn-toolkit, whose file layout is not published. ModelGate recognises the file but cannot read what the runtime will execute, so it is never called clean.',
    reference: 'https://github.com/airockchip/rknn-toolkit2',
  },
  cntk: {
    code: 'MG-SCAN-541',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A Microsoft CNTK model: its content could not be verified',
    explanation:
      'CNTK models (v1 BrainScript binaries, v2 protobuf dictionaries) can name user functions that CNTK loads from native libraries. ModelGate recognises the file but does not follow its graph, so it is never called clean.',
    reference: 'https://github.com/microsoft/CNTK/blob/master/Source/CNTKv2LibraryDll/proto/CNTK.proto',
  },
  rar: {
    code: 'MG-SCAN-542',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A RAR archive: its members were not unpacked or checked',
    explanation:
      'ModelGate has no RAR decoder, so the files inside were not checked. Unpack the archive and verify the folder instead.',
    reference: 'https://www.rarlab.com/technote.htm',
  },
  commandText: {
    code: 'MG-SCAN-543',
    severity: 'high',
    verdict: 'suspicious',
    title: 'A shell command or a download is written inside an opaque model file',
    explanation:
      'Model weights and graphs have no reason to carry shell commands, Python process calls or download commands. In a format ModelGate cannot follow, such text is a sign of a payload.',
  },
  nativeLibrary: {
    code: 'MG-SCAN-544',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The model names a native library or user function to load',
    explanation:
      'CNTK loads native user functions from shared libraries (register_native_user_function); a model that names one runs that library’s code when it is loaded.',
    reference: 'https://cntk.ai/pythondocs/extend.html',
  },
} as const satisfies FormatCatalog;
