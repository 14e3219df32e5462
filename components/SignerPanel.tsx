import { formatFingerprint } from '@/core/sign/fingerprint';
import type { Signer } from '@/hooks/use-report-link';
import { SafeText } from './SafeText';

const LOOK = {
  'this-browser': 'border-sky-700 bg-sky-50 text-sky-950',
  trusted: 'border-emerald-700 bg-emerald-50 text-emerald-950',
  site: 'border-emerald-700 bg-emerald-50 text-emerald-950',
  unknown: 'border-amber-600 bg-amber-50 text-amber-950',
} as const;

function Headline({ signer }: { signer: Signer }) {
  const { identity } = signer;
  switch (identity.kind) {
    case 'this-browser':
      return <>Made in this browser: signed with your own key.</>;
    case 'trusted':
      return (
        <>
          Signed by <SafeText text={identity.label} className="font-bold" />, a signer you trust.
        </>
      );
    case 'site':
      return (
        <>
          Signed by <SafeText text={identity.label} className="font-bold" />, trusted by this site.
        </>
      );
    case 'unknown':
      return <>Unknown signer: this verdict is only a claim.</>;
  }
}

function Explanation({ signer }: { signer: Signer }) {
  switch (signer.identity.kind) {
    case 'this-browser':
      return <>This browser made and signed this report; nobody else holds that key.</>;
    case 'trusted':
      return <>You added this key to your trusted signers under that name (Keys page).</>;
    case 'site':
      return <>Whoever runs this portal pinned this key as one of their organisation&apos;s signers.</>;
    case 'unknown':
      return (
        <>
          Anyone can make a link like this; it is only as trustworthy as its signer. Compare this fingerprint with one
          the signer gave you another way (in person, by phone, on their website) before you rely on it.
        </>
      );
  }
}

/**
 * Who signed a shared report: the first thing the viewer shows, before any verdict. Only a signer the reader
 * knows is green; an unknown signer is amber, whatever the report says.
 */
export function SignerPanel({ signer, onTrust }: { signer: Signer; onTrust?: () => void }) {
  const { identity } = signer;
  return (
    <section
      data-testid="signature-status"
      data-status="valid"
      data-signer={identity.kind}
      data-trusted={identity.kind !== 'unknown'}
      aria-labelledby="signer-headline"
      className={`rounded-xl border-2 p-4 ${LOOK[identity.kind]}`}
    >
      <h2 id="signer-headline" className="text-lg font-semibold" data-testid="signer-headline">
        <Headline signer={signer} />
      </h2>
      <p className="mt-1 text-sm">
        <Explanation signer={signer} />
      </p>
      <p className="mt-2 text-sm">
        Key fingerprint (SHA-256):{' '}
        <code data-testid="signer-fingerprint" className="break-anywhere font-mono text-sm">
          {formatFingerprint(signer.fingerprint)}
        </code>
      </p>
      <p className="mt-1 text-sm">
        The signature is valid (nothing in the report changed since it was signed), and its verdict and whole-model
        digest were recomputed from its own contents.
      </p>
      {identity.kind === 'unknown' && onTrust && (
        <button type="button" data-testid="trust-signer" className="btn-secondary mt-3" onClick={onTrust}>
          I know this signer: compare the fingerprint and trust…
        </button>
      )}
    </section>
  );
}
