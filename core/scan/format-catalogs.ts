import type { FormatCatalog } from './format-catalog.ts';
import { OPAQUE_FORMAT_CODES } from './opaque-format-codes.ts';
import { HF_CONFIG_CODES } from './hf-config-codes.ts';
import { TENSORFLOW_CODES } from './tensorflow-codes.ts';
import { KERAS_CODES } from './keras-codes.ts';
import { DEVICE_RUNTIME_CODES } from './device-runtime-codes.ts';
import { JAX_CODES } from './jax-codes.ts';
import { TREE_MODEL_CODES } from './tree-model-codes.ts';
import { XML_FRAMEWORK_CATALOG } from './xml-framework-codes.ts';
import { PACKAGE_CODES } from './package-codes.ts';
import { LEGACY_CODES } from './legacy-format-codes.ts';

/**
 * The catalogs of the model-format checkers. Every code here gets its verdict (finding-verdict.ts) and its
 * row in docs/finding-codes.md from this list, so a checker's catalog is registered here and nowhere else.
 */
export const FORMAT_CATALOGS: readonly FormatCatalog[] = [
  OPAQUE_FORMAT_CODES,
  HF_CONFIG_CODES,
  TENSORFLOW_CODES,
  KERAS_CODES,
  DEVICE_RUNTIME_CODES,
  JAX_CODES,
  TREE_MODEL_CODES,
  XML_FRAMEWORK_CATALOG,
  PACKAGE_CODES,
  LEGACY_CODES,
];
