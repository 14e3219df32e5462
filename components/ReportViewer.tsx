'use client';
import { useReportLink } from '@/hooks/use-report-link';
import { SignatureBanner } from './SignatureBanner';
import { ReportView } from './ReportView';

/** The link viewer: the signature verdict first; the report only when the signature is valid. */
export function ReportViewer() {
  const state = useReportLink();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Shared report</h1>
      <SignatureBanner state={state} />
      {state.status === 'valid' && <ReportView report={state.report} />}
    </div>
  );
}
