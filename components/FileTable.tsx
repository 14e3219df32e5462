'use client';
import { useState } from 'react';
import type { ReportFile } from '@/core/report/schema';
import { CopyButton } from './CopyButton';
import { formatBytes } from './format';

const SCAN_STYLE = {
  benign: ['clean', 'bg-emerald-100 text-emerald-900'],
  suspicious: ['suspicious', 'bg-amber-200 text-amber-950'],
  malicious: ['malicious', 'bg-red-700 text-white'],
  invalid: ['invalid', 'bg-orange-200 text-orange-950'],
  unverified: ['could not verify', 'bg-slate-200 text-slate-900'],
} as const;

/** The scan verdict of one file, with its reason on hover and for screen readers. */
function ScanBadge({ file }: { file: ReportFile }) {
  if (!file.scan) return <span className="text-slate-600">—</span>;
  const [label, style] = SCAN_STYLE[file.scan.verdict];
  return (
    <span className="flex flex-col gap-0.5">
      <span
        data-testid="file-scan"
        data-verdict={file.scan.verdict}
        className={`w-fit rounded px-2 py-0.5 text-xs font-semibold ${style}`}
      >
        {label}
      </span>
      {file.format && <span className="text-xs text-slate-600">{file.format}</span>}
      {file.scan.reason && <span className="text-xs text-slate-700">{file.scan.reason}</span>}
    </span>
  );
}

/** Rows rendered at once; thousands of shards stay responsive behind "show all". */
const FIRST_ROWS = 200;

export function FileTable({ files }: { files: readonly ReportFile[] }) {
  const [all, setAll] = useState(false);
  const shown = all ? files : files.slice(0, FIRST_ROWS);
  return (
    <div className="overflow-x-auto">
      <table data-testid="file-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-300 text-slate-700">
          <tr>
            <th className="py-2 pr-4">Path</th>
            <th className="py-2 pr-4 text-right">Size</th>
            <th className="py-2 pr-4">Scan</th>
            <th className="py-2">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((f) => (
            <tr key={f.path} data-testid="file-row" data-path={f.path} className="border-b border-slate-100">
              <td className="py-1.5 pr-4 font-mono break-all">{f.path}</td>
              <td className="py-1.5 pr-4 text-right whitespace-nowrap">{formatBytes(f.size)}</td>
              <td className="py-1.5 pr-4">
                <ScanBadge file={f} />
              </td>
              <td className="py-1.5">
                {f.sha256 ? (
                  <span className="flex items-center gap-2">
                    <code data-testid="file-sha256" className="break-all text-xs">
                      {f.sha256}
                    </code>
                    <CopyButton text={f.sha256} label={`Copy SHA-256 of ${f.path}`} />
                  </span>
                ) : (
                  <span className="text-red-800">not fingerprinted: could not verify</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!all && files.length > FIRST_ROWS && (
        <button type="button" className="mt-2 text-sm text-indigo-800 underline" onClick={() => setAll(true)}>
          Show all {files.length} files
        </button>
      )}
    </div>
  );
}
