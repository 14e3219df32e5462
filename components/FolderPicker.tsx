'use client';
import { useRef, type ReactNode } from 'react';
import { filesFromInput } from '@/lib/collect-dropped-files';
import { SafeText } from './SafeText';

/** One labelled folder picker (the Compare page has two). */
export function FolderPicker({
  label,
  picked,
  testId,
  onFiles,
  children,
}: {
  children?: ReactNode;
  label: string;
  picked: { name: string; files: unknown[] } | null;
  testId: string;
  onFiles: (entries: { path: string; file: File }[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4">
      <p className="font-medium">{label}</p>
      <p className="mt-1 text-sm text-slate-700" data-testid={`${testId}-picked`}>
        {picked ? (
          <>
            <SafeText text={picked.name} /> ({picked.files.length} files)
          </>
        ) : (
          'No folder chosen yet.'
        )}
      </p>
      <button type="button" className="btn-secondary mt-2" onClick={() => input.current?.click()}>
        Choose a folder
      </button>
      {children}
      <input
        ref={input}
        data-testid={testId}
        type="file"
        hidden
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => e.target.files && e.target.files.length > 0 && onFiles(filesFromInput(e.target.files))}
      />
    </div>
  );
}
