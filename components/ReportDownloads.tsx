'use client';
import type { Report } from '@/core/report/schema';
import { downloadReportJson, downloadSarif, reportFileNames } from '@/lib/download-report';
import { SafeText } from './SafeText';

/**
 * The report as files, the same two the CLI writes with `--json` and `--sarif`. `fromLink`: the report shown is
 * the one a shared link carries, which may list fewer files than the verification saw; the label says so.
 */
export function ReportDownloads({ report, fromLink }: { report: Report; fromLink: boolean }) {
  const names = reportFileNames(report.subject.name);
  return (
    <section aria-labelledby="downloads-heading" data-testid="report-downloads" className="print:hidden">
      <h2 id="downloads-heading" className="mb-2 text-lg font-semibold">
        Download the report
      </h2>
      <p className="mb-2 text-sm text-slate-700">
        {fromLink
          ? 'The report as this link carries it (files the link leaves out are covered only by the whole-model digest). '
          : ''}
        Saved as <SafeText text={names.json} className="font-mono text-xs" /> and{' '}
        <SafeText text={names.sarif} className="font-mono text-xs" />, made in this browser.
      </p>
      <div className="flex flex-wrap gap-3">
        <button
          type="button"
          data-testid="download-report-json"
          className="btn-secondary"
          onClick={() => downloadReportJson(report)}
        >
          {fromLink ? 'Download report (JSON, as the link carries it)' : 'Download report (JSON)'}
        </button>
        <button
          type="button"
          data-testid="download-sarif"
          className="btn-secondary"
          onClick={() => downloadSarif(report)}
        >
          Download SARIF
        </button>
      </div>
    </section>
  );
}
