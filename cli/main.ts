import { parseArgs } from 'node:util';
import { hashCommand } from './hash-command.ts';
import { scanCommand } from './scan-command.ts';
import { verifyCommand, type VerifyFlags } from './verify-command.ts';
import { formatReportText } from './format-text.ts';
import { compareCommand, LINEAGE_EXIT } from './compare-command.ts';
import type { Report } from '../core/report/schema.ts';
import type { ScanVerdict } from '../core/scan/types.ts';

/**
 * Exit codes, stable for CI pipelines: 0 nothing found, 1 needs review, 2 failed; usage and internal
 * errors use sysexits.h numbers so they never read as a verdict.
 */
export const EXIT = { pass: 0, review: 1, fail: 2, usage: 64, internal: 70 } as const;

/** Issue #3: 0 benign, 1 suspicious or unverified, 2 malicious or invalid. */
const SCAN_EXIT: Record<ScanVerdict, number> = { benign: 0, suspicious: 1, unverified: 1, malicious: 2, invalid: 2 };

const USAGE = `usage: modelgate <command> [options]

commands:
  hash <path...>     fingerprint every file (SHA-256) and print a report
  scan <path...>     fingerprint and scan every file for code that would run when it is loaded
  verify <model-path> [--signature <file>] [--key <pub.pem> | --ca <ca.pem>... |
                      --trusted-root <file> --identity <san> --issuer <url>]
                      [--ignore-paths <p>...] [--ignore-unsigned]
                     check an OpenSSF Model Signing signature (default <model-path>/model.sig)
  compare <finetune-dir> --base <base-dir>
                     compare weights tensor by tensor: is the fine-tune derived from that base?

options:
  --json             print the Report as JSON (schema modelgate.report/v1)
  -h, --help         show this help

exit codes:
  hash, verify: 0 pass, 1 review, 2 fail
  scan: 0 every file benign, 1 a file suspicious or could not be verified, 2 a file malicious or invalid
  compare: 0 identical or derived, 1 partially derived (some layers replaced), 2 unrelated
  64 usage error, 70 internal error`;

type Command = (
  paths: readonly string[],
  flags: VerifyFlags & { base?: string },
) => Promise<{ report: Report; code: number }>;

const COMMANDS: Record<string, Command> = {
  hash: async (paths) => {
    const report = await hashCommand(paths);
    return { report, code: EXIT[report.verdict] };
  },
  scan: async (paths) => {
    const { report, worst } = await scanCommand(paths);
    return { report, code: SCAN_EXIT[worst] };
  },
  verify: async (paths, flags) => {
    if (paths.length !== 1) throw Object.assign(new Error('give exactly one model path'), { usage: true });
    const report = await verifyCommand(paths[0]!, flags);
    return { report, code: EXIT[report.verdict] };
  },
  compare: async (paths, flags) => {
    if (paths.length !== 1 || !flags.base) {
      throw Object.assign(new Error('give one fine-tune folder and --base <base-dir>'), { usage: true });
    }
    const { report, verdict } = await compareCommand(paths[0]!, flags.base);
    return { report, code: LINEAGE_EXIT[verdict] };
  },
};

/** Flags of `verify`; `multiple` where a flag may repeat (--ca a.pem --ca b.pem). */
const VERIFY_OPTIONS = {
  signature: { type: 'string' },
  key: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'trusted-root': { type: 'string' },
  identity: { type: 'string' },
  issuer: { type: 'string' },
  'ignore-paths': { type: 'string', multiple: true },
  'ignore-unsigned': { type: 'boolean' },
  /** `compare`: the base model folder. */
  base: { type: 'string' },
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...VERIFY_OPTIONS },
    });
  } catch (error) {
    process.stderr.write(`modelgate: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const [name, ...paths] = parsed.positionals;
  if (parsed.values.help || !name) {
    process.stdout.write(`${USAGE}\n`);
    return name || parsed.values.help ? EXIT.pass : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`modelgate: unknown command '${name}'\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (paths.length === 0) {
    process.stderr.write(`modelgate ${name}: give at least one file or folder\n`);
    return EXIT.usage;
  }
  let result;
  try {
    result = await command(paths, parsed.values);
  } catch (error) {
    const message = (error as Error).message;
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const usage = (error as { usage?: boolean }).usage === true;
    process.stderr.write(`modelgate ${name}: ${message}\n`);
    return missing || usage ? EXIT.usage : EXIT.internal;
  }
  process.stdout.write(
    parsed.values.json ? `${JSON.stringify(result.report, null, 2)}\n` : formatReportText(result.report),
  );
  return result.code;
}
