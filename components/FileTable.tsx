'use client';
import { useState } from 'react';
import type { ReportFile } from '@/core/report/schema';
import { CopyButton } from './CopyButton';
import { formatBytes } from './format';

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
            <th className="py-2">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((f) => (
            <tr key={f.path} data-testid="file-row" data-path={f.path} className="border-b border-slate-100">
              <td className="py-1.5 pr-4 font-mono break-all">{f.path}</td>
              <td className="py-1.5 pr-4 text-right whitespace-nowrap">{formatBytes(f.size)}</td>
              <td className="py-1.5">
                {f.sha256 ? (
                  <span className="flex items-center gap-2">
                    <code data-testid="file-sha256" className="break-all text-xs">
                      {f.sha256}
                    </code>
                    <CopyButton text={f.sha256} label={`Copy SHA-256 of ${f.path}`} />
                  </span>
                ) : (
                  <span className="text-red-800">could not verify{f.scan?.reason ? `: ${f.scan.reason}` : ''}</span>
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
