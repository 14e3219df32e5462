/**
 * A deliberately simple heuristic over Python source shipped inside a model package: calls that obviously run
 * programs, evaluate code, load native code or download. It never makes code benign (any Python file is
 * already suspicious); it only names code that is malicious on its face. Source:
 * https://docs.python.org/3/library/subprocess.html, os.html#process-management, functions.html#eval.
 */
const RULES: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\bos\.(system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?|fork|forkpty)\s*\(/, what: 'runs a program with os' },
  { pattern: /\b(import\s+(subprocess|pty|ctypes|socket)\b|from\s+(subprocess|pty|ctypes|socket)\s+import\b)/, what: 'imports a process, native-code or socket module' },
  { pattern: /\bsubprocess\.\w+\s*\(/, what: 'runs a program with subprocess' },
  { pattern: /(^|[^.\w])(eval|exec|__import__)\s*\(/, what: 'evaluates or imports code from a string' },
  { pattern: /\bgetattr\s*\(\s*(os|subprocess|builtins|__builtins__)\b/, what: 'looks up a process or builtin function by name' },
  { pattern: /\b(urlopen|urlretrieve)\s*\(|\brequests\.(get|post|put)\s*\(|\bsocket\.socket\s*\(/, what: 'opens a network connection' },
]; // prettier-ignore

export interface PythonDanger {
  line: number;
  what: string;
  text: string;
}

/** Matches of the rules, one per rule (the first line it matches), ignoring comment lines. */
export function pythonDangers(source: string): PythonDanger[] {
  const found: PythonDanger[] = [];
  const lines = source.split(/\r?\n/);
  for (const rule of RULES) {
    const index = lines.findIndex((l) => !/^\s*#/.test(l) && rule.pattern.test(l));
    if (index >= 0) found.push({ line: index + 1, what: rule.what, text: lines[index]!.trim().slice(0, 160) });
  }
  return found;
}
