import { fileSource } from '../core/io/byte-source-node.ts';
import type { WalkedFile } from '../core/io/folder-walk-node.ts';
import type { FileScan } from '../core/scan/scan-check.ts';
import { unreadableScan } from '../core/scan/folder-findings.ts';
import { scanFile } from '../core/scan/scan-file.ts';

/** Scans one listed file; a file that cannot be opened or read is "could not verify" with the OS error. */
export async function scanLocalFile(file: WalkedFile): Promise<FileScan> {
  try {
    const source = await fileSource(file.diskPath, file.modelPath);
    return { path: file.modelPath, outcome: await scanFile(source) };
  } catch (error) {
    return unreadableScan(file.modelPath, error);
  }
}
