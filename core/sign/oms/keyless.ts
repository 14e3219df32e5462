// Sigstore keyless (Fulcio certificate + Rekor entry): research/oms-format.md §2 steps 2–9.
import type { OmsBundle } from './bundle.ts';
import type { OmsTrust } from './result.ts';
import { SignerError, type ResolvedSigner } from './signer-key.ts';

/**
 * Not implemented yet: Fulcio chain, SCT, identity policy, Rekor SET / inclusion proof and checkpoint
 * are all needed before a keyless signature may count as valid, so until then it is "not verifiable
 * here" (issue #4 §1) — never valid. Structural failures (no tlog entry) are still refused outright.
 */
export async function verifyKeyless(bundle: OmsBundle, trust: OmsTrust): Promise<ResolvedSigner> {
  void trust;
  if (bundle.material.kind !== 'certificate' && bundle.material.kind !== 'x509Chain') {
    throw new SignerError('key', 'the signature was not made with Sigstore keyless signing');
  }
  // A keyless signature without a transparency-log entry has no trusted time and no public record:
  // Sigstore clients reject it (sigstore bundle spec, "tlogEntries" required for v0.3 keyless).
  if (!bundle.tlogEntries || bundle.tlogEntries.length === 0) {
    throw new SignerError('keyless', 'keyless signature without a transparency-log entry (tlogEntries)');
  }
  throw new SignerError('unsupported', 'keyless signature: not verifiable here');
}
