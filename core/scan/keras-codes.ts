import type { FormatCatalog } from './format-catalog.ts';

/**
 * Finding codes MG-SCAN-330 … 349: Keras 3 `.keras` archives and legacy `.h5` models, beyond the
 * validator codes MG-SCAN-260 … 270 (core/scan/validator-codes.ts): what a Lambda's bytecode does, lookup
 * layers that read files, and the members of a `.keras` archive that Keras itself reads.
 * Codes are stable: never renumber or reuse one.
 */

const LAMBDA_CVE = 'https://nvd.nist.gov/vuln/detail/CVE-2024-3660';
const VOCABULARY_CVE = 'https://nvd.nist.gov/vuln/detail/CVE-2025-12058';
const KERAS_FORMAT = 'https://keras.io/guides/serialization_and_saving/';
const HDF5_SPEC = 'https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html';

export const KERAS_CODES = {
  lambdaDangerous: {
    code: 'MG-SCAN-330',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would run Python code that imports modules, runs commands or touches files when loaded',
    explanation:
      "A Lambda's marshalled bytecode refers to names that execute, import, resolve or open things (os, " +
      'subprocess, eval, __import__, open, dunder attributes …). Keras rebuilds the function with ' +
      'marshal.loads and runs it when the layer is called: with safe_mode=False in Keras 3, and even with ' +
      'safe_mode=True for .h5 files in Keras 2, tf_keras and Keras 3.0–3.11.2 (CVE-2025-9905).',
    reference: LAMBDA_CVE,
  },
  lambdaCode: {
    code: 'MG-SCAN-331',
    severity: 'high',
    verdict: 'suspicious',
    title: 'A Lambda layer carries Python code that runs when the model is used',
    explanation:
      'The bytecode refers to no dangerous name, but it is still Python code shipped inside the model. ' +
      'Keras 3 refuses it under safe_mode=True, so a user must switch safe mode off to load the model at ' +
      'all; review the function before doing so.',
    reference: LAMBDA_CVE,
  },
  lambdaUnreadable: {
    code: 'MG-SCAN-332',
    severity: 'high',
    verdict: 'suspicious',
    title: 'A Lambda layer carries Python code that could not be read, so what it does could not be verified',
    explanation:
      'The bytecode is not a CPython 3.8–3.13 code object this check can read (another Python version, ' +
      'damaged or crafted data). Keras would still hand it to marshal.loads and run it with safe mode off.',
    reference: LAMBDA_CVE,
  },
  vocabularyFile: {
    code: 'MG-SCAN-333',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This model would read a file or URL outside the model when loaded',
    explanation:
      'A lookup layer (StringLookup, IntegerLookup, TextVectorization) whose `vocabulary` is a string is ' +
      'opened with tf.io.gfile at load time: any local file, or a remote URL (SSRF). Keras never saves a path ' +
      'there (it stores the vocabulary as an asset in the archive). Keras releases before the fix of ' +
      'CVE-2025-12058 (GHSA-qg93-c7p6-gg7f) do this even with safe_mode=True; later ones refuse it there.',
    reference: VOCABULARY_CVE,
  },
  weightsNotHdf5: {
    code: 'MG-SCAN-334',
    severity: 'high',
    verdict: 'invalid',
    title: 'The weights member of the .keras archive is not an HDF5 file',
    explanation:
      'Keras opens model.weights.h5 with h5py; a member with other content is a broken archive or a file ' +
      'smuggled under the name Keras reads.',
    reference: KERAS_FORMAT,
  },
  configNotKeras: {
    code: 'MG-SCAN-335',
    severity: 'high',
    verdict: 'invalid',
    title: 'The model configuration is not a Keras model configuration',
    explanation:
      "Keras deserializes a .keras archive's config.json (and an .h5 file's model_config) as the model; one " +
      'that is not a JSON object with a class_name and a config is not a model Keras can load, and cannot be ' +
      'checked as one.',
    reference: KERAS_FORMAT,
  },
  unknownClass: {
    code: 'MG-SCAN-336',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The model names a class or function that Keras does not ship',
    explanation:
      'A serialized object without a module, or in a keras module, whose class (or function) is not one of ' +
      "Keras' own modeling objects: the loader " +
      'looks it up among the custom objects the user registers (keras/src/saving/serialization_lib.py ' +
      '`_retrieve_class_or_fn`, legacy `class_and_config_for_serialized_keras_object`), so it runs code that is ' +
      'not in the file. safe_mode does not apply to registered custom objects.',
    reference: KERAS_FORMAT,
  },
  hdf5External: {
    code: 'MG-SCAN-337',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This HDF5 file would make its loader read other files',
    explanation:
      'An external link, external raw-data storage or a virtual dataset points h5py at another file: Keras reads ' +
      'its weights by path, so loading the model reads that file (any local file, into the weights). Keras ' +
      'never writes these; Keras releases before the fix of CVE-2026-1669, and tf_keras, follow them.',
    reference: 'https://nvd.nist.gov/vuln/detail/CVE-2026-1669',
  },
  hdf5Unwalked: {
    code: 'MG-SCAN-338',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Not every group of the HDF5 file could be followed',
    explanation:
      'The file uses a layout the check does not follow (dense link storage, user-defined links, more objects ' +
      'than the limit), so whether it makes its loader read other files could not be verified.',
    reference: HDF5_SPEC,
  },
} as const satisfies FormatCatalog;

export type KerasCodeKey = keyof typeof KERAS_CODES;
