'use client';
import { useRef, useState, type DragEvent } from 'react';
import { collectDroppedFiles, filesFromInput, type DroppedEntry } from '@/lib/collect-dropped-files';
import { SafeText } from './SafeText';

type Entries = DroppedEntry[];

/** Drop files or folders, or pick them. Emits files with their relative paths; reads nothing itself. */
export function DropZone({ onFiles, disabled }: { onFiles: (entries: Entries) => void; disabled?: boolean }) {
  const [over, setOver] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const onDrop = async (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    try {
      const entries = await collectDroppedFiles(event.dataTransfer.items);
      if (entries.length === 0) setError('Nothing readable was dropped. Drop a model folder or its files.');
      else onFiles(entries);
    } catch (e) {
      setError(`The dropped items could not be read: ${(e as Error).message}`);
    }
  };
  const onPicked = (list: FileList | null) => {
    if (list && list.length > 0) onFiles(filesFromInput(list));
  };

  return (
    <div
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
      className={`rounded-xl border-2 border-dashed p-6 text-center sm:p-10 ${over ? 'border-indigo-600 bg-indigo-50' : 'border-slate-300 bg-white'}`}
    >
      <p className="text-lg font-medium text-slate-800">Drop a model folder or files here</p>
      <p className="mt-1 text-sm text-slate-600">Files are read in this browser only. Nothing is uploaded.</p>
      <div className="mt-4 flex flex-wrap justify-center gap-3">
        <button type="button" disabled={disabled} onClick={() => filesInput.current?.click()} className="btn-secondary">
          Choose files
        </button>
        <button
          type="button"
          disabled={disabled}
          onClick={() => folderInput.current?.click()}
          className="btn-secondary"
        >
          Choose a folder
        </button>
      </div>
      <input
        ref={filesInput}
        data-testid="file-input"
        type="file"
        multiple
        hidden
        onChange={(e) => onPicked(e.target.files)}
      />
      <input
        ref={folderInput}
        data-testid="folder-input"
        type="file"
        hidden
        // React has no typed prop for these; they make the picker choose a whole folder.
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => onPicked(e.target.files)}
      />
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {/* The browser's message can quote a dropped name. */}
          <SafeText text={error} />
        </p>
      )}
    </div>
  );
}
