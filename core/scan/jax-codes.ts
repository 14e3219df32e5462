import type { FormatCatalog } from './format-catalog.ts';

const FLAX_SERIALIZATION = 'https://github.com/google/flax/blob/main/flax/serialization.py';
const MSGPACK_SPEC = 'https://github.com/msgpack/msgpack/blob/master/spec.md';
const ORBAX_HANDLERS = 'https://orbax.readthedocs.io/en/latest/guides/checkpoint/custom_handlers.html';
const ORBAX_METADATA = 'https://github.com/google/orbax/blob/main/checkpoint/orbax/checkpoint/_src/metadata/tree.py';

/** Finding codes of the JAX family (MG-SCAN-380 … 399): Flax msgpack files and Orbax checkpoint metadata. */
export const JAX_CODES = {
  flaxMalformed: {
    code: 'MG-SCAN-380',
    severity: 'high',
    verdict: 'invalid',
    title: 'The Flax msgpack file is malformed',
    explanation:
      'The file is not one complete msgpack value (it is cut short, has bytes after the tree, or uses a byte msgpack reserves), so flax.serialization.msgpack_restore refuses it.',
    reference: MSGPACK_SPEC,
  },
  flaxBadArray: {
    code: 'MG-SCAN-381',
    severity: 'high',
    verdict: 'invalid',
    title: 'An array in the Flax file does not match its shape',
    explanation:
      'Flax stores each array as (shape, dtype, bytes) and numpy rebuilds it with frombuffer(...).reshape(shape); when the byte count is not shape × item size, or the payload is not such a triple, loading fails.',
    reference: FLAX_SERIALIZATION,
  },
  flaxUnknownDtype: {
    code: 'MG-SCAN-382',
    severity: 'medium',
    verdict: 'unverified',
    title: 'An array in the Flax file has a data type Flax does not write: could not verify',
    explanation:
      'Flax writes the numeric numpy dtypes and bfloat16. Any other name is passed to np.dtype, whose behavior on it is not checked here.',
    reference: FLAX_SERIALIZATION,
  },
  flaxUnknownExt: {
    code: 'MG-SCAN-383',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Flax file holds a msgpack extension type Flax does not define: could not verify',
    explanation:
      'Flax defines ext types 1 (array), 2 (complex) and 3 (numpy scalar). msgpack_restore hands any other one back as raw bytes to the code that loads the tree, which may interpret it in ways not checked here.',
    reference: FLAX_SERIALIZATION,
  },
  flaxPickledLeaf: {
    code: 'MG-SCAN-384',
    severity: 'info',
    verdict: 'benign',
    title: 'A value in the Flax tree is a pickle; it was checked as one',
    explanation:
      'msgpack_restore returns bytes values untouched, but a program that stored a pickle in its state unpickles it after loading, which runs whatever the pickle calls. The pickle was scanned: its own findings decide the verdict.',
    reference: 'https://docs.python.org/3/library/pickle.html',
  },
  flaxLimit: {
    code: 'MG-SCAN-385',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Flax tree is larger or deeper than the check follows: could not verify',
    explanation:
      'The tree went past the bounds of the check (nesting depth, number of values, length of a text value); what lies beyond was not checked.',
  },
  flaxBadChunked: {
    code: 'MG-SCAN-386',
    severity: 'high',
    verdict: 'invalid',
    title: 'A split (chunked) array in the Flax file cannot be put back together',
    explanation:
      'Flax splits arrays over 1 GiB into a map marked __msgpack_chunked_array__ with numbered shape and chunk entries; this one is missing entries or its chunks do not fill its shape, so loading fails.',
    reference: FLAX_SERIALIZATION,
  },
  flaxBadComplex: {
    code: 'MG-SCAN-387',
    severity: 'high',
    verdict: 'invalid',
    title: 'A complex number in the Flax file is malformed',
    explanation: 'Flax stores a complex number as a msgpack pair (real, imag); this one is not, so loading fails.',
    reference: FLAX_SERIALIZATION,
  },
  flaxOddLayout: {
    code: 'MG-SCAN-388',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Flax file is laid out in a way Flax never writes: could not verify',
    explanation:
      'The loader accepts it (a non-string map key, array bytes stored as text), but Flax itself never writes it, so the file was made or changed by something else.',
    reference: FLAX_SERIALIZATION,
  },
  orbaxCheckpointMalformed: {
    code: 'MG-SCAN-390',
    severity: 'high',
    verdict: 'invalid',
    title: 'The Orbax checkpoint metadata is malformed',
    explanation:
      'The _CHECKPOINT_METADATA JSON does not have the fields and types Orbax writes (item_handlers, metrics, timestamps, custom_metadata), so Orbax may refuse it or read it differently.',
    reference:
      'https://github.com/google/orbax/blob/main/checkpoint/orbax/checkpoint/_src/metadata/step_metadata_serialization.py',
  },
  orbaxCustomHandler: {
    code: 'MG-SCAN-391',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Orbax checkpoint is restored by a handler Orbax does not ship: could not verify',
    explanation:
      'item_handlers names the CheckpointHandler class that restores each item. A class outside Orbax’s own handlers is user code, registered by the program that loads the checkpoint; what it does with the files is unknown.',
    reference: ORBAX_HANDLERS,
  },
  orbaxTreeMalformed: {
    code: 'MG-SCAN-392',
    severity: 'high',
    verdict: 'invalid',
    title: 'The Orbax tree metadata is malformed',
    explanation:
      'The _METADATA JSON does not have the structure Orbax writes (tree_metadata entries with key_metadata and value_metadata), so Orbax may refuse it or restore a different tree.',
    reference: ORBAX_METADATA,
  },
  orbaxCustomType: {
    code: 'MG-SCAN-393',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A value in the Orbax checkpoint needs a type handler Orbax does not ship: could not verify',
    explanation:
      'Each leaf’s value_type selects the TypeHandler that deserializes it. Orbax ships handlers for jax.Array, np.ndarray, scalar and string values (and empty containers); any other type is restored by user code registered by the loading program.',
    reference: 'https://orbax.readthedocs.io/en/latest/guides/checkpoint/checkpointing_pytrees.html',
  },
  orbaxDuplicateKey: {
    code: 'MG-SCAN-394',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The Orbax metadata repeats a key',
    explanation:
      'Python’s json keeps the last of repeated keys while other readers keep the first, so two tools can read different metadata from the same file.',
    reference: 'https://www.rfc-editor.org/rfc/rfc8259#section-4',
  },
  orbaxUnknownField: {
    code: 'MG-SCAN-395',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Orbax metadata holds fields the check does not know: could not verify',
    explanation:
      'The file has fields outside those Orbax writes in the versions checked here, such as a rich value_metadata_tree (named tuples with module and class names); what a loader does with them is not checked.',
    reference: 'https://github.com/google/orbax/blob/main/checkpoint/orbax/checkpoint/_src/metadata/tree_rich_types.py',
  },
  ocdbtNotFollowed: {
    code: 'MG-SCAN-396',
    severity: 'medium',
    verdict: 'unverified',
    title: 'An OCDBT (tensorstore) file of an Orbax checkpoint: its contents are not followed',
    explanation:
      'Orbax stores array data in tensorstore’s OCDBT database: a manifest and zstd-compressed B+tree and data files. They are recognised by their magic number, but their compressed contents are not read here, so they are not called clean.',
    reference: 'https://google.github.io/tensorstore/kvstore/ocdbt/index.html',
  },
  orbaxTooLarge: {
    code: 'MG-SCAN-397',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Orbax metadata file is larger than the check reads: could not verify',
    explanation: 'Orbax metadata files are JSON of a few megabytes at most; this one is larger than the check reads.',
  },
  ocdbtDamaged: {
    code: 'MG-SCAN-398',
    severity: 'high',
    verdict: 'invalid',
    title: 'The OCDBT (tensorstore) file is damaged',
    explanation:
      'The file starts like an OCDBT file of an Orbax checkpoint, but its recorded length, version, compression or CRC-32C checksum does not match what tensorstore writes: it was cut short, padded or changed after it was written.',
    reference: 'https://google.github.io/tensorstore/kvstore/ocdbt/index.html',
  },
} as const satisfies FormatCatalog;

export type JaxCode = keyof typeof JAX_CODES;
