import { parseSiteSigners, type NamedKey } from '@/core/sign/signer-identity';

/** Where a deployer pins their organisation's report keys (documented in docs/signatures.md). */
export const SITE_SIGNERS_URL = '/trusted-signers.json';

export type SiteSigners = { signers: NamedKey[]; problem?: string };

/**
 * The keys this site's deployer pinned. A list that cannot be read or parsed pins nothing (fail closed)
 * and says why, so a broken deployment never silently trusts or hides a key.
 */
export async function loadSiteSigners(): Promise<SiteSigners> {
  try {
    const response = await fetch(SITE_SIGNERS_URL, { cache: 'no-store' });
    if (response.status === 404) return { signers: [] };
    if (!response.ok) throw new Error(`${SITE_SIGNERS_URL}: HTTP ${response.status}`);
    return { signers: await parseSiteSigners(JSON.parse(await response.text())) };
  } catch (error) {
    return {
      signers: [],
      problem: `This site's list of trusted signers could not be read (${(error as Error).message}).`,
    };
  }
}
