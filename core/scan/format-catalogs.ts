import type { FormatCatalog } from './format-catalog.ts';
import { LEGACY_CODES } from './legacy-format-codes.ts';

/**
 * The catalogs of the model-format checkers. Every code here gets its verdict (finding-verdict.ts) and its
 * row in docs/finding-codes.md from this list, so a checker's catalog is registered here and nowhere else.
 */
export const FORMAT_CATALOGS: readonly FormatCatalog[] = [LEGACY_CODES];
