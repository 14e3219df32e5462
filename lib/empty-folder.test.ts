// node --import tsx --test lib/empty-folder.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectDroppedFiles } from './collect-dropped-files.ts';
import { listingEvents, nothingToVerifyMessage, toModelFiles } from './model-files.ts';

// A dropped folder with no file in it is named in the message, instead of looking as if nothing was dropped.

type Fake = Record<string, unknown>;

const fileEntry = (fullPath: string): Fake => ({
  isFile: true,
  isDirectory: false,
  fullPath,
  file: (resolve: (f: File) => void) => resolve(new File(['x'], fullPath.split('/').pop()!)),
});

const dirEntry = (fullPath: string, children: Fake[]): Fake => ({
  isFile: false,
  isDirectory: true,
  fullPath,
  createReader: () => {
    let given = false;
    return {
      readEntries: (resolve: (e: Fake[]) => void) => {
        resolve(given ? [] : children);
        given = true;
      },
    };
  },
});

const drop = (entry: Fake) =>
  collectDroppedFiles([
    { kind: 'file', webkitGetAsEntry: () => entry, getAsFile: () => null },
  ] as unknown as DataTransferItemList);

async function messageFor(entry: Fake): Promise<string> {
  const { name, files, refused, emptyFolders } = toModelFiles(await drop(entry));
  assert.equal(files.length, 0);
  return nothingToVerifyMessage(name, listingEvents(files, refused), emptyFolders);
}

test('an empty dropped folder is named: "The folder NAME is empty"', async () => {
  assert.equal(await messageFor(dirEntry('/my-model', [])), 'The folder my-model is empty: nothing to verify.');
});

test('a folder holding only empty folders is empty too', async () => {
  const nested = dirEntry('/my-model', [dirEntry('/my-model/onnx', []), dirEntry('/my-model/tokenizer', [])]);
  assert.equal(await messageFor(nested), 'The folder my-model is empty: nothing to verify.');
});

test('a folder with files is not reported empty, though an empty subfolder is listed apart', async () => {
  const entries = await drop(dirEntry('/m', [fileEntry('/m/config.json'), dirEntry('/m/empty', [])]));
  const { files, refused, emptyFolders } = toModelFiles(entries);
  assert.deepEqual(
    files.map((f) => f.path),
    ['config.json'],
  );
  assert.deepEqual(refused, []);
  assert.deepEqual(
    emptyFolders.map((e) => e.path),
    ['m/empty'],
  );
});

test('unreadable entries and an empty drop keep their own messages', () => {
  assert.equal(
    nothingToVerifyMessage('m', [{ kind: 'unreadable', path: 'a.bin', error: 'NotReadableError' }]),
    'Nothing could be read: a.bin (NotReadableError). Nothing was verified.',
  );
  assert.equal(nothingToVerifyMessage('0 files', []), 'No files were given. Drop a model folder or pick its files.');
});
