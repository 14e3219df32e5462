import { z } from 'zod';
import { importVerifyKey } from './report-signature.ts';
import { fingerprintHex, pemToSpki } from './fingerprint.ts';

/**
 * Who signed a shared report, as the reader's browser knows them. A valid signature says only that the
 * report was not changed since someone signed it; anyone can make a key and sign "Pass". What makes a
 * report worth believing is whether the reader knows the signer:
 * - this-browser: the reader's own key (a report made here);
 * - trusted: a key the reader trusted, under the name they gave it;
 * - site: a key pinned by whoever deploys this portal (public/trusted-signers.json);
 * - unknown: anyone else. Its verdict is a claim.
 */
export type SignerIdentity =
  { kind: 'this-browser' } | { kind: 'trusted'; label: string } | { kind: 'site'; label: string } | { kind: 'unknown' };

export interface NamedKey {
  fingerprint: string;
  label: string;
}

export interface KnownSigners {
  /** This browser's own report key, when it has one. */
  browserKey?: string;
  /** Keys the reader trusted (Keys page or the viewer's trust dialog). */
  trusted: readonly NamedKey[];
  /** Keys the site's deployer pinned. */
  site: readonly NamedKey[];
}

/** The reader's own naming wins over the site's: a label the reader chose is the one they recognise. */
export function identifySigner(fingerprint: string, known: KnownSigners): SignerIdentity {
  if (known.browserKey === fingerprint) return { kind: 'this-browser' };
  const trusted = known.trusted.find((k) => k.fingerprint === fingerprint);
  if (trusted) return { kind: 'trusted', label: trusted.label };
  const site = known.site.find((k) => k.fingerprint === fingerprint);
  if (site) return { kind: 'site', label: site.label };
  return { kind: 'unknown' };
}

/** Whether the report's verdict may be shown as a verdict (otherwise it is shown as the signer's claim). */
export function isVouchedFor(identity: SignerIdentity): boolean {
  return identity.kind !== 'unknown';
}

export const SITE_SIGNERS_SCHEMA_ID = 'modelgate.site-signers/v1';

/** The file a deployer puts at public/trusted-signers.json to pin the keys their organisation signs with. */
export const SiteSignersSchema = z.strictObject({
  schema: z.literal(SITE_SIGNERS_SCHEMA_ID),
  $comment: z.string().max(2000).optional(),
  signers: z
    .array(z.strictObject({ label: z.string().trim().min(1).max(200), publicKeyPem: z.string().max(4000) }))
    .max(100),
});

/**
 * A report-signing public key from PEM, checked to be what a report link can be signed with (ECDSA P-256):
 * any other key could never verify one. Throws a plain message otherwise.
 */
export async function reportPublicKey(pem: string): Promise<{ spki: Uint8Array; fingerprint: string }> {
  const spki = pemToSpki(pem);
  try {
    await importVerifyKey(spki);
  } catch {
    throw new Error('This is not an ECDSA P-256 public key (ModelGate report keys are P-256).');
  }
  return { spki, fingerprint: await fingerprintHex(spki) };
}

/** The pinned keys with their fingerprints; throws naming the entry that is not a public key. */
export async function parseSiteSigners(json: unknown): Promise<NamedKey[]> {
  const parsed = SiteSignersSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`trusted-signers.json: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return Promise.all(
    parsed.data.signers.map(async (s, i) => {
      try {
        return { label: s.label, fingerprint: (await reportPublicKey(s.publicKeyPem)).fingerprint };
      } catch (error) {
        throw new Error(`trusted-signers.json: signers.${i} (${s.label}): ${(error as Error).message}`);
      }
    }),
  );
}
