'use client';
import { useState } from 'react';
import { useReportLink } from '@/hooks/use-report-link';
import { useTrustedSigners } from '@/hooks/use-trusted-signers';
import { SignatureBanner } from './SignatureBanner';
import { ReportView } from './ReportView';

/** The link viewer: the signature verdict first; the report only when the signature is valid. */
export function ReportViewer() {
  const { state, markTrusted } = useReportLink();
  const { add } = useTrustedSigners();
  const [label, setLabel] = useState('');
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Shared report</h1>
      <SignatureBanner state={state} />
      {state.status === 'valid' && !state.trusted && (
        <form
          className="flex flex-wrap items-center gap-2 text-sm"
          onSubmit={async (e) => {
            e.preventDefault();
            await add(state.publicKeyPem, label || `signer ${state.fingerprint.slice(0, 8)}`);
            markTrusted();
          }}
        >
          <label htmlFor="trust-label">Know this signer? Name them and trust their key:</label>
          <input
            id="trust-label"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            className="rounded border border-slate-300 p-1"
          />
          <button type="submit" data-testid="trust-signer" className="btn-secondary">
            Trust this signer
          </button>
        </form>
      )}
      {state.status === 'valid' && <ReportView report={state.report} />}
    </div>
  );
}
