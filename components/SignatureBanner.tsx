import { formatFingerprint } from '@/core/sign/fingerprint';
import type { LinkState } from '@/hooks/use-report-link';

/** The viewer's verdict on the link itself, shown before (and instead of) any report content. */
export function SignatureBanner({ state }: { state: LinkState }) {
  switch (state.status) {
    case 'checking':
      return (
        <p data-testid="signature-status" data-status="checking">
          Checking the signature…
        </p>
      );
    case 'empty':
      return (
        <p data-testid="signature-status" data-status="empty">
          This page shows reports shared as links. The link you opened has no report in it.
        </p>
      );
    case 'malformed':
      return (
        <div
          data-testid="signature-status"
          data-status="malformed"
          role="alert"
          className="rounded-xl border-2 border-red-600 bg-red-50 p-4"
        >
          <p className="font-semibold text-red-900">Malformed link: no report is shown.</p>
          <p className="text-sm text-red-900">The link is damaged or was changed ({state.reason}).</p>
        </div>
      );
    case 'invalid':
      return (
        <div
          data-testid="signature-status"
          data-status="invalid"
          role="alert"
          className="rounded-xl border-2 border-red-600 bg-red-50 p-4"
        >
          <p className="font-semibold text-red-900">Signature invalid: no report is shown.</p>
          <p className="text-sm text-red-900">
            The report was changed after it was signed, or the signature is not genuine ({state.reason}).
          </p>
        </div>
      );
    case 'valid':
      return (
        <div
          data-testid="signature-status"
          data-status="valid"
          data-trusted={state.trusted}
          className="rounded-xl border-2 border-emerald-600 bg-emerald-50 p-4"
        >
          <p className="font-semibold text-emerald-900">
            Signature valid, signed by{' '}
            <code data-testid="signer-fingerprint">{formatFingerprint(state.fingerprint)}</code>
          </p>
          <p className="text-sm text-emerald-900">
            {state.trusted
              ? 'This signer is on your trusted list.'
              : 'Unknown signer: the report is intact, but this browser does not know who holds that key. Compare the fingerprint with the sender, or add it on the Keys page.'}
          </p>
        </div>
      );
  }
}
