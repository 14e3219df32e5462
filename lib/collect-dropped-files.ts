/** An entry the browser listed but could not hand over: reported as a finding, never dropped. */
export interface RefusedEntry {
  path: string;
  error: string;
}

/**
 * A folder that holds no file at all. Kept so that dropping an empty folder says so by name, instead of
 * looking as if nothing had been dropped.
 */
export interface EmptyFolderEntry {
  path: string;
  emptyFolder: true;
  error?: undefined;
}

export type DroppedEntry = { path: string; file: File } | RefusedEntry | EmptyFolderEntry;

const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error ?? 'unknown error');

/**
 * Turns a drop into files with relative paths, walking dropped folders recursively. Entries are read in
 * the batches the browser gives (readEntries returns ≤ 100 at a time), awaiting between batches, so a
 * folder of thousands of shards never blocks the page. An entry the browser cannot read (a file whose
 * `file()` fails, a folder whose listing fails, an item with neither entry nor file) comes back as a
 * RefusedEntry with the browser's error, so the report names it instead of leaving it out.
 */
export async function collectDroppedFiles(items: DataTransferItemList): Promise<DroppedEntry[]> {
  // Entries must be taken synchronously, before the first await: the DataTransfer is emptied after the event.
  const taken = [...items].filter((item) => item.kind === 'file').map(takeItem);
  const out: DroppedEntry[] = [];
  for (const [i, { entry, file, error }] of taken.entries()) {
    // Items without a file-system entry (e.g. files dragged from some apps) still carry the File itself.
    if (entry) await walk(entry, out);
    else if (file) out.push({ path: file.name, file });
    else out.push({ path: `dropped item ${i + 1}`, error: error ?? 'the browser gave neither a file nor a folder' });
  }
  return out;
}

function takeItem(item: DataTransferItem): { entry: FileSystemEntry | null; file: File | null; error?: string } {
  let entry: FileSystemEntry | null = null;
  let error: string | undefined;
  try {
    entry = item.webkitGetAsEntry();
  } catch (e) {
    error = describe(e);
  }
  const file = item.getAsFile();
  return { entry, file, ...(error ? { error } : {}) };
}

async function walk(entry: FileSystemEntry, out: DroppedEntry[]): Promise<void> {
  const path = entry.fullPath.replace(/^\//, '');
  if (entry.isFile) {
    try {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path, file });
    } catch (error) {
      out.push({ path, error: describe(error) });
    }
    return;
  }
  if (!entry.isDirectory) {
    out.push({ path, error: 'neither a file nor a folder' });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const before = out.length;
  for (;;) {
    let batch: FileSystemEntry[];
    try {
      batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    } catch (error) {
      out.push({ path, error: `the folder could not be listed: ${describe(error)}` });
      return;
    }
    if (batch.length === 0) {
      if (out.length === before) out.push({ path, emptyFolder: true });
      return;
    }
    for (const child of batch) await walk(child, out);
  }
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function filesFromInput(list: FileList): { path: string; file: File }[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}
