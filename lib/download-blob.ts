/** How long the object URL outlives the click: revoking it at once can cancel the download in some browsers. */
const REVOKE_AFTER_MS = 10_000;

/** Long enough to recognise a model, short enough for every file system's name limit once a suffix is added. */
const MAX_STEM_LENGTH = 100;

/** Names Windows refuses as a file name whatever the extension (`nul.json` is the null device). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

/**
 * The stem of a downloaded file's name made from an untrusted model name: ASCII letters, digits, `.`, `_` and `-`
 * only, so no path separator, control, bidi or look-alike character reaches the user's disk; no leading dot (a
 * hidden file) or trailing dot (dropped by Windows); never empty and never a Windows device name.
 */
export function safeFileStem(name: string, fallback = 'model'): string {
  const stem = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, MAX_STEM_LENGTH)
    .replace(/^[._]+/, '')
    .replace(/[._]+$/, '');
  if (stem === '') return fallback;
  return WINDOWS_DEVICE.test(stem.split('.')[0]!) ? `${fallback}-${stem}` : stem;
}

/** Saves `blob` as a file named `fileName` through a temporary <a download>; nothing leaves the browser. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
