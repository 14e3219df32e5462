// Sigstore keyless (Fulcio certificate + Rekor entry): the Sigstore verification steps, offline
// against a trusted root the user gives. Every step must pass; what cannot be checked here is
// "not verifiable" (MG-SIG-010), never valid. The DSSE signature itself (step 5) is verified by
// verifyModel with the key this returns.
import type { OmsBundle } from './bundle.ts';
import { verifyChain, type VerifiedChain } from './certificate-chain.ts';
import { verifyCheckpoint } from './keyless-checkpoint.ts';
import { checkIdentity } from './keyless-identity.ts';
import { leafHash, verifyInclusion } from './keyless-inclusion-proof.ts';
import { checkRekorBody, UnsupportedEntryError } from './keyless-rekor-body.ts';
import { verifyEmbeddedSct } from './keyless-sct.ts';
import { verifySet } from './keyless-set.ts';
import { parseTlogEntry, type TlogEntry } from './keyless-tlog-entry.ts';
import { inRange, parseTrustedRoot, type TrustedRoot } from './keyless-trusted-root.ts';
import { bytesEqual } from '../../util/bytes.ts';
import type { OmsTrust } from './result.ts';
import { SignerError, type ResolvedSigner } from './signer-key.ts';
import { importEcKey, parseCertificate, type ParsedCertificate } from './x509-cert.ts';

type SigstoreTrust = Extract<OmsTrust, { method: 'sigstore' }>;

function keyless(message: string): SignerError {
  return new SignerError('keyless', message);
}

/** Rekor entry → the time the log vouches for (SET), after binding it to this signature and proof. */
async function checkEntry(entry: TlogEntry, bundle: OmsBundle, leaf: ParsedCertificate, root: TrustedRoot) {
  const log = root.tlogs.find((l) => bytesEqual(l.logId, entry.logId));
  if (!log) throw keyless('the transparency-log entry is from a log the trusted root does not list');
  try {
    await checkRekorBody(entry, bundle, leaf.der);
  } catch (error) {
    if (error instanceof UnsupportedEntryError) throw new SignerError('unsupported', error.message);
    throw keyless((error as Error).message);
  }
  // Without a SET the integrated time is unauthenticated; a timestamp authority (RFC 3161) would be
  // needed instead, which this tool does not check.
  if (!entry.signedEntryTimestamp) {
    throw new SignerError('unsupported', 'Rekor entry without a signed entry timestamp: its time cannot be checked');
  }
  const seconds = await verifySet(entry, log).catch((error: unknown) => {
    throw keyless((error as Error).message);
  });
  const time = new Date(Number(seconds) * 1000);
  if (!inRange(log.validFor, time)) throw keyless(`the Rekor log key was not valid at ${time.toISOString()}`);
  const proof = entry.inclusionProof;
  // Bundles v0.2 and later must carry an inclusion proof (sigstore bundle.proto); v0.1 may rely on the SET.
  if (!proof && !bundle.mediaType.includes('version=0.1')) throw keyless('Rekor entry without an inclusion proof');
  if (proof) {
    const included = await verifyInclusion(
      proof.logIndex,
      proof.treeSize,
      await leafHash(entry.body),
      proof.hashes,
      proof.rootHash,
    );
    if (!included) throw keyless('the Rekor inclusion proof does not lead to its root hash');
    const checkpoint = await verifyCheckpoint(proof.checkpoint, log).catch((error: unknown) => {
      throw keyless((error as Error).message);
    });
    if (checkpoint.treeSize !== proof.treeSize || !bytesEqual(checkpoint.rootHash, proof.rootHash)) {
      throw keyless('the Rekor checkpoint is for another tree than the inclusion proof');
    }
  }
  return time;
}

/** Fulcio leaf → one trusted-root CA valid at `time`, leaf and CA certificates valid at `time`. */
async function chainToFulcio(leaf: ParsedCertificate, root: TrustedRoot, time: Date): Promise<VerifiedChain> {
  const reasons: string[] = [];
  for (const ca of root.certificateAuthorities) {
    if (!inRange(ca.validFor, time)) continue;
    const anchor = ca.certificates.at(-1)!;
    try {
      return await verifyChain([leaf.der, ...ca.certificates.slice(0, -1)], [anchor], time);
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  throw keyless(
    `the signing certificate does not chain to a Fulcio CA of the trusted root: ${reasons.join('; ') || 'no CA valid then'}`,
  );
}

export async function verifyKeyless(bundle: OmsBundle, trust: OmsTrust): Promise<ResolvedSigner> {
  if (bundle.material.kind !== 'certificate' && bundle.material.kind !== 'x509Chain') {
    throw new SignerError('key', 'the signature was not made with Sigstore keyless signing');
  }
  // A keyless signature without a transparency-log entry has no trusted time and no public record:
  // Sigstore clients reject it (sigstore bundle spec, "tlogEntries" required for v0.3 keyless).
  if (!bundle.tlogEntries || bundle.tlogEntries.length === 0) {
    throw keyless('keyless signature without a transparency-log entry (tlogEntries)');
  }
  const policy = trust as SigstoreTrust;
  let root: TrustedRoot;
  try {
    root = await parseTrustedRoot(policy.trustedRootJson);
  } catch (error) {
    throw new SignerError('unsupported', (error as Error).message);
  }
  const leafDer =
    bundle.material.kind === 'certificate' ? bundle.material.certificate : bundle.material.certificates[0]!;
  let leaf: ParsedCertificate;
  let entries: TlogEntry[];
  try {
    leaf = parseCertificate(leafDer);
    entries = bundle.tlogEntries.map((raw) => parseTlogEntry(raw));
  } catch (error) {
    throw keyless((error as Error).message);
  }
  const times: Date[] = [];
  for (const entry of entries) times.push(await checkEntry(entry, bundle, leaf, root));
  for (const time of times) {
    // Fulcio leaves live ~10 minutes: the signature counts only if the log saw it inside that window.
    if (time < leaf.notBefore || time > leaf.notAfter) {
      throw keyless(
        `Rekor integrated the entry at ${time.toISOString()}, outside the certificate's validity (${leaf.notBefore.toISOString()} – ${leaf.notAfter.toISOString()})`,
      );
    }
  }
  const time = times[0]!;
  const { path } = await chainToFulcio(leaf, root, time);
  try {
    await verifyEmbeddedSct(leaf, path[1]!.spki, root.ctlogs);
    checkIdentity(leaf, policy.identity, policy.issuer);
  } catch (error) {
    throw keyless((error as Error).message);
  }
  const key = await importEcKey(leaf.spki).catch((error: unknown) => {
    throw keyless(`signing certificate: ${(error as Error).message}`);
  });
  const logIndex = entries[0]!.logIndex.toString();
  return {
    key,
    signer: `Sigstore ${policy.identity} (issuer ${policy.issuer}), Rekor entry ${logIndex} at ${time.toISOString()}`,
  };
}
