'use client';
import { useState } from 'react';
import type { ReportFile } from '@/core/report/schema';
import { CopyButton } from './CopyButton';
import { SafeText } from './SafeText';
import { formatBytes } from './format';

const SCAN_STYLE = {
  benign: ['clean', 'bg-emerald-100 text-emerald-900'],
  suspicious: ['suspicious', 'bg-amber-200 text-amber-950'],
  malicious: ['malicious', 'bg-red-700 text-white'],
  invalid: ['invalid', 'bg-orange-200 text-orange-950'],
  unverified: ['could not verify', 'bg-slate-200 text-slate-900'],
} as const;

/** The scan verdict of one file, with its reason on hover and for screen readers. */
function ScanBadge({ file, claimed }: { file: ReportFile; claimed: boolean }) {
  if (!file.scan) return <span className="text-slate-600">—</span>;
  const [label, verdictStyle] = SCAN_STYLE[file.scan.verdict];
  // "Clean" as an unknown signer claims it is not drawn green.
  const style = claimed && file.scan.verdict === 'benign' ? 'bg-slate-100 text-slate-900' : verdictStyle;
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
      {file.scan.reason && (
        <span className="text-xs text-slate-700">
          <SafeText text={file.scan.reason} />
        </span>
      )}
    </span>
  );
}

/** Rows rendered at once; thousands of shards stay responsive behind "show all". */
const FIRST_ROWS = 200;

/**
 * Every file with its size, scan verdict and SHA-256. A table on wide screens; on a phone (below `sm`) each
 * row becomes a stacked block, path, then size and scan, then the digest on its own full-width line, so a
 * 64-character hash takes two lines instead of a column seven lines tall. One DOM either way: tests and
 * screen readers see the same rows.
 */
export function FileTable({ files, claimed = false }: { files: readonly ReportFile[]; claimed?: boolean }) {
  const [all, setAll] = useState(false);
  const shown = all ? files : files.slice(0, FIRST_ROWS);
  return (
    <div>
      <table data-testid="file-table" className="w-full text-left text-sm max-sm:block">
        <thead className="border-b border-slate-300 text-slate-700 max-sm:sr-only">
          <tr>
            <th className="py-2 pr-4">Path</th>
            <th className="py-2 pr-4 text-right">Size</th>
            <th className="py-2 pr-4">Scan</th>
            <th className="py-2">SHA-256</th>
          </tr>
        </thead>
        <tbody className="max-sm:block">
          {shown.map((f) => (
            <tr
              key={f.path}
              data-testid="file-row"
              data-path={f.path}
              className="border-b border-slate-100 max-sm:grid max-sm:grid-cols-[auto_minmax(0,1fr)] max-sm:gap-x-3 max-sm:py-2"
            >
              <td data-testid="file-path" className="py-1.5 pr-4 font-mono max-sm:col-span-2 max-sm:pr-0">
                <SafeText text={f.path} />
              </td>
              <td className="py-1.5 pr-4 text-right whitespace-nowrap max-sm:text-left">{formatBytes(f.size)}</td>
              <td className="py-1.5 pr-4 max-sm:pr-0">
                <ScanBadge file={f} claimed={claimed} />
              </td>
              <td className="py-1.5 max-sm:col-span-2">
                {f.sha256 ? (
                  <span className="flex items-center gap-2">
                    {/* min-w-0: the digest wraps inside its cell rather than pushing the row wider. */}
                    <code data-testid="file-sha256" className="min-w-0 text-xs break-all">
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
