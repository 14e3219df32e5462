/** A file the user gave us, with its path inside the model folder (`/`-separated, root folder removed). */
export interface ModelFile {
  path: string;
  file: File;
}

/** The model's name and files, with the common top folder (the dropped folder itself) taken off paths. */
export function toModelFiles(entries: { path: string; file: File }[]): { name: string; files: ModelFile[] } {
  const tops = new Set(entries.map((e) => (e.path.includes('/') ? e.path.split('/')[0] : '')));
  const [top] = [...tops];
  if (tops.size === 1 && top) {
    return { name: top, files: entries.map((e) => ({ path: e.path.slice(top.length + 1), file: e.file })) };
  }
  const name = entries.length === 1 && entries[0] ? entries[0].path : `${entries.length} files`;
  return { name, files: entries };
}
