// Which local files a signature does not cover, as model_signing decides it on verify
// (model_signing's ignore rules): the git files at the model root only, the recorded
// serialization.ignore_paths, verify-time ignore paths, and the signature file itself.

/** model_signing's default ignores; matched only as top-level entries (`sub/.git/x` is NOT ignored). */
export const DEFAULT_IGNORES: readonly string[] = ['.git', '.gitattributes', '.github', '.gitignore'];

export type IgnoreReason = 'default' | 'signed ignore_paths' | 'verify-time ignore path' | 'signature file';

export interface IgnoreRule {
  path: string;
  reason: IgnoreReason;
}

/** "./a/b/" → "a/b": recorded paths are relative to the model root; a trailing slash means the same dir. */
export function normalizeIgnorePath(path: string): string {
  return path.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
}

export function ignoreRules(input: {
  recorded?: readonly string[];
  extra?: readonly string[];
  signaturePath?: string;
}): IgnoreRule[] {
  const rules: IgnoreRule[] = DEFAULT_IGNORES.map((path) => ({ path, reason: 'default' as const }));
  for (const p of input.recorded ?? []) rules.push({ path: normalizeIgnorePath(p), reason: 'signed ignore_paths' });
  for (const p of input.extra ?? []) rules.push({ path: normalizeIgnorePath(p), reason: 'verify-time ignore path' });
  if (input.signaturePath) rules.push({ path: normalizeIgnorePath(input.signaturePath), reason: 'signature file' });
  return rules.filter((r) => r.path !== '' && r.path !== '.');
}

/** Component-prefix match from the root: an ignored directory ignores its whole subtree. */
export function matchIgnore(path: string, rules: readonly IgnoreRule[]): IgnoreRule | undefined {
  return rules.find((r) => path === r.path || path.startsWith(`${r.path}/`));
}
