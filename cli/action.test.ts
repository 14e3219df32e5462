// action.yml (the composite GitHub Action) against the CLI it runs: flags that exist, inputs that are
// declared, no `${{ … }}` inside a script (script injection), and the verify step's script run for real
// with bash as the runner runs it, on a copy of a demo model.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { VERIFY_OPTIONS } from './main.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const actionText = readFileSync(join(root, 'action.yml'), 'utf8');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(actionText) as Action;

/** Every flag main() accepts: the verify/compare table, plus --json (takeJsonFile, parseArgs) and --help. */
const CLI_FLAGS = new Set([...Object.keys(VERIFY_OPTIONS), 'json', 'help']);

/** The steps that run the CLI (node …/cli/bin.mjs): their scripts hold modelgate flags only. */
const cliSteps = (a: Action) => a.runs.steps.filter((s) => s.run?.includes('cli/bin.mjs'));

/** The long flags (`--name`, `--name=value`) of a script; a bare `--` (end of options) is not one. */
function longFlags(script: string): string[] {
  return [...script.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]!);
}

function unknownFlags(a: Action): string[] {
  return cliSteps(a).flatMap((s) => longFlags(s.run!).filter((f) => !CLI_FLAGS.has(f)));
}

test('action.yml is a composite action that sets up Node and runs the CLI from its own checkout', () => {
  assert.equal(action.runs.using, 'composite');
  const setup = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
  assert.ok(setup, 'a step uses actions/setup-node');
  assert.equal(setup.uses, 'actions/setup-node@v4');
  assert.equal(setup.with?.['node-version'], '${{ inputs.node-version }}');
  assert.equal(action.inputs['node-version']?.default, '20');
  assert.equal(action.inputs['model-path']?.required, true);
  assert.equal(action.inputs.sarif?.default, 'modelgate.sarif');
  for (const step of action.runs.steps.filter((s) => s.run)) {
    assert.equal(step.shell, 'bash', `step "${step.name}" names its shell (composite steps must)`);
  }
  const verify = cliSteps(action);
  assert.equal(verify.length, 1, 'one step runs the CLI');
  assert.match(verify[0]!.run!, /node "\$GITHUB_ACTION_PATH\/cli\/bin\.mjs" verify /);
});

test('every modelgate flag in action.yml exists in the CLI (cli/main.ts), and a misspelled one is caught', () => {
  const used = cliSteps(action).flatMap((s) => longFlags(s.run!));
  assert.ok(used.length >= 10, `expected the verify step to pass many flags, found ${used.join(' ')}`);
  assert.deepEqual(unknownFlags(action), [], 'flags that modelgate does not know');
  // The check itself: the same file with one flag misspelled fails it.
  const mutated = parse(actionText.replace('args+=(--sarif ', 'args+=(--sarfi ')) as Action;
  assert.deepEqual(unknownFlags(mutated), ['sarfi']);
});

test('each flag gets the input of the same name, and every env variable a script reads is set', () => {
  for (const step of action.runs.steps.filter((s) => s.run)) {
    const env = step.env ?? {};
    const read = new Set([...step.run!.matchAll(/\$\{?(MG_[A-Z0-9_]+)/g)].map((m) => m[1]!));
    for (const name of read) assert.ok(name in env, `step "${step.name}" reads $${name}, which its env does not set`);
    for (const name of Object.keys(env).filter((n) => n.startsWith('MG_'))) {
      assert.ok(read.has(name), `step "${step.name}" sets ${name} but its script never reads it`);
    }
    // `--sarif "$MG_SARIF"`, `flag_bool --link "$MG_LINK"`: the variable carries the input named like the flag.
    for (const m of step.run!.matchAll(/--([a-z][a-z0-9-]*)"?\s+"\$(MG_[A-Z0-9_]+)"/g)) {
      assert.equal(env[m[2]!], `\${{ inputs.${m[1]} }}`, `--${m[1]} is given $${m[2]}`);
    }
  }
});

test('every input referenced is declared, every declared input is used', () => {
  const referenced = new Set([...actionText.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]!));
  for (const name of referenced) assert.ok(name in action.inputs, `inputs.${name} is used but not declared`);
  for (const name of Object.keys(action.inputs)) assert.ok(referenced.has(name), `input ${name} is never used`);
});

test('no expression is interpolated into a run script (script injection): inputs go through env', () => {
  for (const step of action.runs.steps) {
    if (step.run === undefined) continue;
    assert.doesNotMatch(step.run, /\$\{\{/, `step "${step.name}" interpolates an expression into its script`);
  }
  // Expressions appear only as whole values of env:, with: and outputs.
  for (const step of action.runs.steps) {
    for (const value of [...Object.values(step.env ?? {}), ...Object.values(step.with ?? {})]) {
      assert.match(String(value), /^(\$\{\{ [a-z.-]+ \}\}|[^$]*)$/i);
    }
  }
});

test('each output comes from an output the verify step writes', () => {
  for (const [name, output] of Object.entries(action.outputs)) {
    const m = /^\$\{\{ steps\.([a-z-]+)\.outputs\.([a-z-]+) \}\}$/.exec(output.value);
    assert.ok(m, `output ${name}: ${output.value}`);
    const step = action.runs.steps.find((s) => s.id === m[1]);
    assert.ok(step?.run, `output ${name} reads step ${m[1]}, which does not exist`);
    assert.match(step.run, new RegExp(`\\boutput ${m[2]} `), `step ${m[1]} never writes ${m[2]}`);
  }
});

// ------------------------------------------------------------- the verify step's script, run with bash

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'modelgate-action-'));
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks and `name=value` lines. */
function readOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]!);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      out[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i]!.includes('=')) {
      const at = lines[i]!.indexOf('=');
      out[lines[i]!.slice(0, at)] = lines[i]!.slice(at + 1);
    }
  }
  return out;
}

/**
 * Runs the verify step as the runner does (`bash --noprofile --norc -eo pipefail <file>`): its env with
 * `${{ inputs.x }}` replaced by the given inputs or the declared defaults, the CLI of this checkout as
 * GITHUB_ACTION_PATH (its dependencies are installed), the workspace a temp folder.
 */
function runVerifyStep(name: string, inputs: Record<string, string>, setup: (workspace: string) => void) {
  const workspace = join(work, name);
  mkdirSync(join(workspace, 'runner-temp'), { recursive: true });
  setup(workspace);
  const step = cliSteps(action)[0]!;
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTION_PATH: root,
    GITHUB_OUTPUT: join(workspace, 'runner-temp/output'),
    GITHUB_STEP_SUMMARY: join(workspace, 'runner-temp/summary.md'),
    RUNNER_TEMP: join(workspace, 'runner-temp'),
  };
  for (const [key, value] of Object.entries(step.env ?? {})) {
    env[key] = value.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_, input: string) => {
      assert.ok(input in action.inputs, `inputs.${input} is not declared`);
      return inputs[input] ?? action.inputs[input]!.default ?? '';
    });
    assert.doesNotMatch(env[key]!, /\$\{\{/, `${key}: only inputs are evaluated here`);
  }
  writeFileSync(join(workspace, 'runner-temp/step.sh'), step.run!);
  writeFileSync(env.GITHUB_OUTPUT!, '');
  return new Promise<StepRun>((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', join(workspace, 'runner-temp/step.sh')],
      { cwd: workspace, env: env as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, outputs: readOutputs(readFileSync(env.GITHUB_OUTPUT!, 'utf8')) });
      },
    );
  });
}

const explain = (r: StepRun) => `exit ${r.code}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`;
const demo = (to: string) => cpSync(join(root, 'public/demo/tiny-sentiment'), to, { recursive: true });

test('the verify step passes a clean model, writes SARIF and sets its outputs', async () => {
  // A folder whose name starts with '-' stays the model path (the script ends the options with --).
  const r = await runVerifyStep('pass', { 'model-path': '-model', cyclonedx: 'bom.json' }, (ws) =>
    demo(join(ws, '-model')),
  );
  assert.equal(r.code, 0, explain(r));
  assert.equal(r.outputs.verdict, 'pass', explain(r));
  assert.equal(r.outputs['exit-code'], '0');
  assert.equal(r.outputs['sarif-path'], 'modelgate.sarif');
  const ws = join(work, 'pass');
  const sarif = JSON.parse(readFileSync(join(ws, 'modelgate.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  assert.equal(JSON.parse(readFileSync(join(ws, 'bom.json'), 'utf8')).bomFormat, 'CycloneDX');
  const report = JSON.parse(readFileSync(r.outputs['report-path']!, 'utf8'));
  assert.equal(report.verdict, 'pass');
  assert.equal(report.subject.name, '-model');
  assert.match(readFileSync(join(ws, 'runner-temp/summary.md'), 'utf8'), /\*\*pass\*\*/);
});

test('the verify step fails on a modified file, unless fail-on is never; a bad input is a usage error', async () => {
  const tamper = (ws: string) => {
    demo(join(ws, 'model'));
    writeFileSync(join(ws, 'model/SHA256SUMS'), `${'0'.repeat(64)}  model.safetensors\n`);
  };
  const failed = await runVerifyStep('fail', { 'model-path': 'model', sarif: 'out/findings.sarif' }, (ws) => {
    tamper(ws);
    mkdirSync(join(ws, 'out'));
  });
  assert.equal(failed.code, 2, explain(failed));
  assert.equal(failed.outputs.verdict, 'fail');
  assert.equal(failed.outputs['exit-code'], '2');
  assert.equal(failed.outputs['sarif-path'], 'out/findings.sarif');
  assert.ok(existsSync(join(work, 'fail/out/findings.sarif')));

  const never = await runVerifyStep('never', { 'model-path': 'model', 'fail-on': 'never', sarif: '' }, tamper);
  assert.equal(never.code, 0, explain(never));
  assert.equal(never.outputs.verdict, 'fail');
  assert.equal(never.outputs['sarif-path'], '');
  assert.match(never.stdout, /::warning/);

  const bad = await runVerifyStep('bad', { 'model-path': 'model', 'ignore-unsigned': 'yes' }, tamper);
  assert.equal(bad.code, 64, explain(bad));
  assert.match(bad.stdout, /::error.*ignore-unsigned must be true or false/);
});
