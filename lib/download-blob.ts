/** How long the object URL outlives the click: revoking it at once can cancel the download in some browsers. */
const REVOKE_AFTER_MS = 10_000;

/** Saves `blob` as a file named `fileName` through a temporary <a download>; nothing leaves the browser. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
