'use client';
import { useState } from 'react';
import { isVouchedFor } from '@/core/sign/signer-identity';
import { useReportLink } from '@/hooks/use-report-link';
import { useTrustedSigners } from '@/hooks/use-trusted-signers';
import { SignatureBanner } from './SignatureBanner';
import { SignerPanel } from './SignerPanel';
import { TrustSignerDialog } from './TrustSignerDialog';
import { ReportView } from './ReportView';

/**
 * The link viewer: who signed first, then the report. A report from an unknown signer is shown as that
 * signer's claim; a link that is damaged, forged or inconsistent with itself shows no report at all.
 */
export function ReportViewer() {
  const { state, recheck } = useReportLink();
  const { add } = useTrustedSigners();
  // The fingerprint the trust dialog was opened for: a link that changes underneath (hashchange) never
  // inherits an open dialog, so "trust" always applies to the signer the reader looked at.
  const [trusting, setTrusting] = useState<string | null>(null);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Shared report</h1>
      {state.status === 'valid' ? (
        <>
          <SignerPanel signer={state.signer} onTrust={() => setTrusting(state.signer.fingerprint)} />
          {state.siteProblem && <p className="text-sm text-amber-900">{state.siteProblem}</p>}
          {trusting === state.signer.fingerprint && (
            <TrustSignerDialog
              fingerprint={state.signer.fingerprint}
              onClose={() => setTrusting(null)}
              onTrust={async (label) => {
                await add(state.signer.publicKeyPem, label);
                recheck();
              }}
            />
          )}
          <ReportView report={state.report} claimed={!isVouchedFor(state.signer.identity)} fromLink />
        </>
      ) : (
        <SignatureBanner state={state} />
      )}
    </div>
  );
}
