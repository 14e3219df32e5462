import { parseArgs } from 'node:util';
import { hashCommand } from './hash-command.ts';
import { formatReportText } from './format-text.ts';
import type { Report } from '../core/report/schema.ts';

/** Exit codes, stable for CI pipelines. */
export const EXIT = { pass: 0, review: 10, fail: 20, usage: 2, internal: 3 } as const;

const USAGE = `usage: modelgate <command> [options]

commands:
  hash <path...>     fingerprint every file (SHA-256) and print a report

options:
  --json             print the Report as JSON (schema modelgate.report/v1)
  -h, --help         show this help

exit codes: 0 pass, 10 review, 20 fail, 2 usage error, 3 internal error`;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`modelgate: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || parsed.values.help ? EXIT.pass : EXIT.usage;
  }
  if (command !== 'hash') {
    process.stderr.write(`modelgate: unknown command '${command}'\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (rest.length === 0) {
    process.stderr.write('modelgate hash: give at least one file or folder\n');
    return EXIT.usage;
  }
  let report: Report;
  try {
    report = await hashCommand(rest);
  } catch (error) {
    process.stderr.write(`modelgate hash: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  process.stdout.write(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReportText(report));
  return EXIT[report.verdict];
}
