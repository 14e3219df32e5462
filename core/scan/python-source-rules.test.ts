import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonDangers } from './python-source-rules.ts';

const what = (src: string) => pythonDangers(src).map((d) => d.what);

test('each rule names code that is malicious on its face', () => {
  assert.deepEqual(what('os.system("id")'), ['runs a program with os']);
  assert.deepEqual(what('os.execvp("sh", ["sh"])'), ['runs a program with os']);
  assert.deepEqual(what('from subprocess import run'), ['imports a process, native-code or socket module']);
  assert.deepEqual(what('x = subprocess.check_output(cmd)'), ['runs a program with subprocess']);
  assert.deepEqual(what('exec(payload)'), ['evaluates or imports code from a string']);
  assert.deepEqual(what('m = __import__("os")'), ['evaluates or imports code from a string']);
  assert.deepEqual(what('f = getattr(os, "sys" + "tem")'), ['looks up a process or builtin function by name']);
  assert.deepEqual(what('urllib.request.urlopen(url)'), ['opens a network connection']);
  assert.deepEqual(what('requests.get("http://x")'), ['opens a network connection']);
});

test('ordinary handler code and comments are not flagged', () => {
  const handler = [
    'import os',
    'import torch',
    '# os.system("never")',
    'path = os.path.join(model_dir, "model.pt")',
    'self.model.eval()',
    'pattern = re.compile("x")',
  ].join('\n');
  assert.deepEqual(pythonDangers(handler), []);
});

test('the line of the match is reported', () => {
  assert.deepEqual(pythonDangers('import torch\n\nos.popen("id")\n')[0]?.line, 3);
});
