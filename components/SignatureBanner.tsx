import type { LinkState } from '@/hooks/use-report-link';

/** The viewer's verdict on a link that shows no report: loading, empty, damaged, forged or inconsistent. */
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
    case 'inconsistent':
      return (
        <div
          data-testid="signature-status"
          data-status="inconsistent"
          data-signer={state.signer.identity.kind}
          role="alert"
          className="rounded-xl border-2 border-red-600 bg-red-50 p-4"
        >
          <p className="font-semibold text-red-900">
            Refused: this report does not follow from its own contents, so no report is shown.
          </p>
          <p className="text-sm text-red-900">
            The signature is valid, but whoever signed it wrote something its own checks do not support. This is refused
            whoever the signer is:
          </p>
          <ul className="mt-1 list-disc pl-5 text-sm text-red-900" data-testid="inconsistencies">
            {state.problems.map((p) => (
              <li key={p} className="break-anywhere">
                {p}
              </li>
            ))}
          </ul>
        </div>
      );
    case 'valid':
      return null;
  }
}
