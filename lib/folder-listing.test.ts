import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectDroppedFiles } from './collect-dropped-files.ts';
import { listingEvents, nothingToVerifyMessage, toModelFiles } from './model-files.ts';

// The portal's folder listing, with fake FileSystemEntry objects: an entry the browser cannot hand over is kept
// as a refused entry with its error, never dropped; a folder with no file in it is named in the message.

type Fake = Partial<FileSystemEntry> & Record<string, unknown>;

const fileEntry = (fullPath: string, body: string | Error): Fake => ({
  isFile: true,
  isDirectory: false,
  fullPath,
  file: (resolve: (f: File) => void, reject: (e: Error) => void) =>
    body instanceof Error ? reject(body) : resolve(new File([body], fullPath.split('/').pop()!)),
});

const dirEntry = (fullPath: string, children: Fake[] | Error): Fake => ({
  isFile: false,
  isDirectory: true,
  fullPath,
  createReader: () => {
    let given = false;
    return {
      readEntries: (resolve: (e: Fake[]) => void, reject: (e: Error) => void) => {
        if (children instanceof Error) return reject(children);
        resolve(given ? [] : children);
        given = true;
      },
    };
  },
});

const item = (entry: Fake | null, file: File | null = null, throws?: Error) => ({
  kind: 'file',
  webkitGetAsEntry: () => {
    if (throws) throw throws;
    return entry;
  },
  getAsFile: () => file,
});

const domError = (name: string, message: string) => Object.assign(new Error(message), { name });

test('a drop keeps every entry: unreadable files, unlistable folders and empty items become refused entries', async () => {
  const items = [
    item(
      dirEntry('/model', [
        fileEntry('/model/config.json', '{}'),
        fileEntry('/model/secret.bin', domError('NotReadableError', 'The file could not be read')),
        dirEntry('/model/locked', domError('NotReadableError', 'listing failed')),
        fileEntry('/model/empty.txt', ''),
      ]),
    ),
    item(null, null),
  ];
  const entries = await collectDroppedFiles(items as unknown as DataTransferItemList);
  assert.deepEqual(
    entries.map((e) => ('file' in e ? `${e.path} file` : `${e.path} refused: ${e.error}`)),
    [
      'model/config.json file',
      'model/secret.bin refused: NotReadableError: The file could not be read',
      'model/locked refused: the folder could not be listed: NotReadableError: listing failed',
      'model/empty.txt file',
      'dropped item 2 refused: the browser gave neither a file nor a folder',
    ],
  );
});

test('webkitGetAsEntry throwing still yields the item (its File), or a refused entry naming the error', async () => {
  const file = new File(['x'], 'w.bin');
  const entries = await collectDroppedFiles([
    item(null, file, domError('InvalidStateError', 'gone')),
    item(null, null, domError('InvalidStateError', 'gone')),
  ] as unknown as DataTransferItemList);
  assert.deepEqual(
    entries.map((e) => ('file' in e ? `${e.path} file` : `${e.path} refused: ${e.error}`)),
    ['w.bin file', 'dropped item 2 refused: InvalidStateError: gone'],
  );
});

test('the listing becomes folder events: refused entries are unreadable, 0-byte files are said', () => {
  const { name, files, refused } = toModelFiles([
    { path: 'model/config.json', file: new File(['{}'], 'config.json') },
    { path: 'model/empty.txt', file: new File([], 'empty.txt') },
    { path: 'model/secret.bin', error: 'NotReadableError: no' },
  ]);
  assert.equal(name, 'model');
  assert.deepEqual(
    files.map((f) => f.path),
    ['config.json', 'empty.txt'],
  );
  assert.deepEqual(listingEvents(files, refused), [
    { kind: 'unreadable', path: 'secret.bin', error: 'NotReadableError: no' },
    { kind: 'empty', path: 'empty.txt' },
  ]);
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
  const entries = await drop(dirEntry('/m', [fileEntry('/m/config.json', '{}'), dirEntry('/m/empty', [])]));
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
