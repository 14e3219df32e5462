import { parseArgs } from 'node:util';
import { hashCommand } from './hash-command.ts';
import { scanCommand } from './scan-command.ts';
import { writeFile } from 'node:fs/promises';
import { verifyCli, type VerifyFlags } from './verify-command.ts';
import { formatReportText } from './format-text.ts';
import { compareCommand, parseCompareFlags } from './compare-command.ts';
import type { Report } from '../core/report/schema.ts';
import { formatInferText, inferCommand } from './infer-command.ts';
import type { ScanVerdict } from '../core/scan/types.ts';

/**
 * Exit codes, stable for CI pipelines: 0 nothing found, 1 needs review, 2 failed; usage and internal
 * errors use sysexits.h numbers so they never read as a verdict.
 */
export const EXIT = { pass: 0, review: 1, fail: 2, usage: 64, internal: 70 } as const;

/** Exit codes of `scan`: 0 benign, 1 suspicious or unverified, 2 malicious or invalid. */
const SCAN_EXIT: Record<ScanVerdict, number> = { benign: 0, suspicious: 1, unverified: 1, malicious: 2, invalid: 2 };

const USAGE = `usage: modelgate <command> [options]

commands:
  hash <path...>     fingerprint every file (SHA-256) and print a report
  scan <path...>     fingerprint and scan every file for code that would run when it is loaded
  verify <model-path> [--signature <file>] [--key <pub.pem> | --ca <ca.pem>... |
                      --trusted-root <file> --identity <san> --issuer <url>]
                      [--ignore-paths <p>...] [--ignore-unsigned] [--hf <owner/name@rev>]
                      [--base <base-dir> [--probes <file.jsonl>]] [--policy <policy.json>]
                      [--sarif <out.sarif>] [--cyclonedx <out.json>] [--sign <key.pem>] [--link]
                      [--origin <url>]
                     fingerprint, scan, compare with SHA256SUMS in the folder (or the Hub revision
                     of --hf), check an OpenSSF Model Signing signature when there is one
                     (default <model-path>/model.sig; it needs --key, --ca or --trusted-root) and
                     check the model card and datasheets (provenance): every check the portal runs
    --base dir       also check the card's claim against the base's config.json and tokenizer.json,
                     compare the weights (lineage) and the behavior as compare does (--probes,
                     --kind, --trigger-budget, --batch-size as for compare)
    --cyclonedx f    also write a CycloneDX 1.6 ML-BOM of the model (files, license, base, datasets)
    --policy f       severity overrides, ignored codes, failOn "fail" (default) or "review"
    --sarif f        also write the findings as SARIF 2.1.0 (GitHub code scanning)
    --sign key.pem   sign the report (PKCS#8 ECDSA P-256) and print the signed report link
    --link           print a signed report link; without --sign, with a one-time key
    --origin url     the portal the link opens (default http://127.0.0.1:3000)
  infer <model-dir> --text <input> [--top <k>]
                     run the model once on the text as the behavioral comparison does (a folder's
                     ONNX model, or config.json + safetensors of BERT, RoBERTa, XLM-R, DistilBERT,
                     GPT-2, Llama, Mistral, Qwen2, Qwen3) and print the family, dtype, provider and
                     the logits (classifiers: per class; causal LMs: next token), top-k in text and
                     the full vector with --json
  compare <finetune-dir> --base <base-dir> [--probes <file.jsonl>] [--kind classifier|causal-lm]
                      [--trigger-budget <n>] [--batch-size <n>]
                     compare weights tensor by tensor: is the fine-tune derived from that base?
                     When both folders hold an ONNX model and tokenizer.json, also compare their
                     behavior on a probe set (built-in by kind unless --probes) and scan for triggers

options:
  --json [out.json] print the Report as JSON (schema modelgate.report/v1), or write it to out.json
                     (--json=out.json also works) and print the text form
  -h, --help         show this help

exit codes:
  hash: 0 every file fingerprinted, 1 a file could not be read (the report's verdict says review at
        best: a Pass needs the malware scan, which \`hash\` does not run)
  verify: 0 pass, 1 review, 2 fail (the verdict over every check, provenance, and with --base lineage and
          behavior included; a policy's failOn "review" makes 1 into 2)
  scan: 0 every file benign, 1 a file suspicious or could not be verified, 2 a file malicious or invalid
  compare: the worse of the lineage (0 identical or derived, 1 partially derived, 2 unrelated)
           and the report verdict (0 pass, 1 review, 2 fail)
  64 usage error, 70 internal error`;

type Command = (
  paths: readonly string[],
  flags: VerifyFlags & {
    base?: string;
    probes?: string;
    kind?: string;
    'trigger-budget'?: string;
    'batch-size'?: string;
  },
) => Promise<{ report: Report; code: number; notes?: string[] }>;

const COMMANDS: Record<string, Command> = {
  hash: async (paths) => {
    const report = await hashCommand(paths);
    // The report's verdict is at best review (nothing was scanned); `hash` answers "was every file read".
    const integrity = report.checks.find((c) => c.id === 'integrity')?.status;
    return { report, code: integrity === 'pass' ? 0 : integrity === 'fail' ? 2 : 1 };
  },
  scan: async (paths) => {
    const { report, worst } = await scanCommand(paths);
    return { report, code: SCAN_EXIT[worst] };
  },
  verify: async (paths, flags) => {
    if (paths.length !== 1) throw Object.assign(new Error('give exactly one model path'), { usage: true });
    const { report, exitVerdict, notes } = await verifyCli(paths[0]!, flags, {
      log: (line) => process.stderr.write(`modelgate verify: ${line}\n`),
    });
    return { report, code: EXIT[exitVerdict], notes };
  },
  compare: async (paths, flags) => {
    if (paths.length !== 1 || !flags.base) {
      throw Object.assign(new Error('give one fine-tune folder and --base <base-dir>'), { usage: true });
    }
    const { report, code } = await compareCommand(paths[0]!, flags.base, {
      ...parseCompareFlags(flags),
      log: (line) => process.stderr.write(`modelgate compare: ${line}\n`),
    });
    return { report, code };
  },
};

/** Flags of `verify`; `multiple` where a flag may repeat (--ca a.pem --ca b.pem). */
export const VERIFY_OPTIONS = {
  signature: { type: 'string' },
  key: { type: 'string' },
  ca: { type: 'string', multiple: true },
  'trusted-root': { type: 'string' },
  identity: { type: 'string' },
  issuer: { type: 'string' },
  'ignore-paths': { type: 'string', multiple: true },
  'ignore-unsigned': { type: 'boolean' },
  hf: { type: 'string' },
  policy: { type: 'string' },
  sarif: { type: 'string' },
  sign: { type: 'string' },
  link: { type: 'boolean' },
  origin: { type: 'string' },
  /** `verify`: the CycloneDX ML-BOM file. */
  cyclonedx: { type: 'string' },
  /** `compare` and `verify`: the base model folder, and the behavioral comparison's options. */
  probes: { type: 'string' },
  base: { type: 'string' },
  kind: { type: 'string' },
  'trigger-budget': { type: 'string' },
  'batch-size': { type: 'string' },
  /** `infer`: the input text and how many top logits to print. */
  text: { type: 'string' },
  top: { type: 'string' },
} as const;

/**
 * `--json out.json` and `--json=out.json` name a file for the JSON Report; `--json` alone still means
 * stdout. parseArgs has no optional values, so the file is taken out here: a value right after `--json`
 * counts as its file only when it ends in `.json` (a model folder after `--json` stays a positional).
 */
export function takeJsonFile(argv: readonly string[]): { args: string[]; jsonFile?: string } {
  const args: string[] = [];
  let jsonFile: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--json=')) {
      jsonFile = arg.slice('--json='.length);
      continue;
    }
    const next = argv[i + 1];
    if (arg === '--json' && next !== undefined && !next.startsWith('-') && /\.json$/i.test(next)) {
      jsonFile = next;
      i += 1;
      continue;
    }
    args.push(arg);
  }
  return jsonFile === undefined ? { args } : { args, jsonFile };
}

export async function main(argv: readonly string[]): Promise<number> {
  const { args, jsonFile } = takeJsonFile(argv);
  if (jsonFile === '') {
    process.stderr.write(`modelgate: --json= needs a file name\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args,
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
  if (name === 'infer') return runInfer(paths, parsed.values, jsonFile);
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
  const json = `${JSON.stringify(result.report, null, 2)}\n`;
  if (jsonFile !== undefined) {
    try {
      await writeFile(jsonFile, json);
    } catch (error) {
      process.stderr.write(`modelgate ${name}: could not write ${jsonFile}: ${(error as Error).message}\n`);
      return EXIT.internal;
    }
  }
  const jsonToStdout = parsed.values.json === true && jsonFile === undefined;
  process.stdout.write(jsonToStdout ? json : formatReportText(result.report));
  // Notes (the signed link …) never mix into JSON on stdout.
  if (result.notes?.length) (jsonToStdout ? process.stderr : process.stdout).write(`${result.notes.join('\n')}\n`);
  return result.code;
}

/** `infer` prints logits, not a Report: its own output, the same exit codes for usage and internal errors. */
async function runInfer(
  paths: readonly string[],
  flags: { text?: string; top?: string; json?: boolean },
  jsonFile: string | undefined,
): Promise<number> {
  const top = flags.top === undefined ? 10 : Number(flags.top);
  if (paths.length !== 1 || flags.text === undefined || !Number.isInteger(top) || top < 1 || top > 1000) {
    process.stderr.write('modelgate infer: give one model folder, --text "<input>" and optionally --top 1..1000\n');
    return EXIT.usage;
  }
  try {
    const out = await inferCommand(paths[0]!, flags.text, top);
    const json = `${JSON.stringify(out, null, 2)}\n`;
    if (jsonFile) await writeFile(jsonFile, json);
    process.stdout.write(flags.json && !jsonFile ? json : formatInferText(out));
    return EXIT.pass;
  } catch (error) {
    process.stderr.write(`modelgate infer: ${(error as Error).message}\n`);
    const usage = (error as { usage?: boolean }).usage === true || (error as NodeJS.ErrnoException).code === 'ENOENT';
    return usage ? EXIT.usage : EXIT.internal;
  }
}
