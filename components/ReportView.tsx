import type { Report } from '@/core/report/schema';
import { VerdictCard } from './VerdictCard';
import { SafeText } from './SafeText';
import { FindingList } from './FindingList';
import { FileTable } from './FileTable';
import { formatBytes } from './format';
import { LineageView } from './LineageView';
import { BehaviorView } from './BehaviorView';
import { ProvenanceView } from './ProvenanceView';
import { ReportDownloads } from './ReportDownloads';
import type { Card } from '@/core/provenance';

/**
 * A whole Report: verdict, findings, files, and the report as JSON and SARIF files. Used by the Verify page and the
 * link viewer alike. `bom` (the Verify page, which holds the full report and the parsed model card) offers the
 * CycloneDX ML-BOM download; `fromLink` (the viewer) labels the JSON as the report the link carries.
 */
export function ReportView({
  report,
  bom,
  claimed = false,
  fromLink = false,
}: {
  report: Report;
  bom?: { card?: Card };
  /** A report whose signer the reader does not know: its verdict is shown as a claim. */
  claimed?: boolean;
  /** The report as a shared link carries it (slimmed): its download is labelled so. */
  fromLink?: boolean;
}) {
  const total = report.subject.files.reduce((n, f) => n + f.size, 0);
  return (
    <div className="space-y-6">
      <VerdictCard report={report} claimed={claimed} />
      <section>
        <h2 className="mb-2 text-lg font-semibold">Findings</h2>
        <FindingList findings={report.findings} />
      </section>
      {report.lineage && (
        <section>
          <h2 className="mb-2 text-lg font-semibold">Lineage: weights compared with the declared base</h2>
          <LineageView lineage={report.lineage} />
        </section>
      )}
      {report.behavior && <BehaviorView behavior={report.behavior} />}
      {report.provenance && (
        <ProvenanceView provenance={report.provenance} bom={bom ? { report, ...bom } : undefined} />
      )}
      <section>
        <h2 className="mb-2 text-lg font-semibold">Files</h2>
        {report.subject.rootDigest && (
          <p className="mb-2 text-sm text-slate-700">
            Whole-model digest (SHA-256 of the sorted sha256sum listing):{' '}
            <code data-testid="root-digest" className="break-all text-xs">
              {report.subject.rootDigest}
            </code>
          </p>
        )}
        {report.subject.filesOmitted ? (
          <p className="mb-2 text-sm text-slate-700">
            {report.subject.filesOmitted} fingerprinted files are not listed in this shared link to keep it short; the
            whole-model digest covers them.
          </p>
        ) : (
          <p className="mb-2 text-sm text-slate-700">
            {report.subject.files.length} files, {formatBytes(total)}.
          </p>
        )}
        <FileTable files={report.subject.files} claimed={claimed} />
      </section>
      <ReportDownloads report={report} fromLink={fromLink} />
      <p className="text-xs text-slate-600">
        Report made {new Date(report.createdAt).toUTCString()} by{' '}
        <SafeText text={`${report.tool.name} ${report.tool.version}`} /> ({report.environment.runtime}).
      </p>
    </div>
  );
}
