/**
 * Turns a drop into files with relative paths, walking dropped folders recursively. Entries are read in
 * the batches the browser gives (readEntries returns ≤ 100 at a time), awaiting between batches, so a
 * folder of thousands of shards never blocks the page.
 */
export async function collectDroppedFiles(items: DataTransferItemList): Promise<{ path: string; file: File }[]> {
  // Entries must be taken synchronously, before the first await: the DataTransfer is emptied after the event.
  const taken = [...items]
    .filter((item) => item.kind === 'file')
    .map((item) => ({ entry: item.webkitGetAsEntry(), file: item.getAsFile() }));
  const out: { path: string; file: File }[] = [];
  for (const { entry, file } of taken) {
    // Items without a file-system entry (e.g. files dragged from some apps) still carry the File itself.
    if (entry) await walk(entry, out);
    else if (file) out.push({ path: file.name, file });
  }
  return out;
}

async function walk(entry: FileSystemEntry, out: { path: string; file: File }[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, out);
  }
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function filesFromInput(list: FileList): { path: string; file: File }[] {
  return [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}
