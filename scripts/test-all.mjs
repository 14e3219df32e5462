// `npm test`: every gate and suite, then one closing line "N passed, N failed" over all suites.
// Order: typecheck (both tsconfigs), lint, format check → unit tests (node:test) → production build → e2e (Playwright).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
let gateFailed = false;

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
  });
  return r.status ?? 1;
}

mkdirSync('test-results', { recursive: true });

// Gates: each one that fails counts as one failed test, so the closing line cannot hide it.
for (const gate of ['typecheck', 'lint', 'format:check']) {
  if (run(gate, 'npm', ['run', '-s', gate]) !== 0) {
    gateFailed = true;
    results.failed += 1;
    console.log(`${gate} failed (counted as one failed test)`);
  }
}

// Node 20's test runner takes no globs: list the colocated unit tests of core/, cli/ and lib/ here.
const unitFiles = ['core', 'cli', 'lib'].flatMap((dir) =>
  readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => `${dir}/${f}`)
    .sort(),
);
const tap = 'test-results/unit.tap';
rmSync(tap, { force: true });
run('unit tests', process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
  ...unitFiles,
]);
const unit = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (name) => Number(unit.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
if (count('pass') + count('fail') === 0) {
  results.failed += 1;
  console.log('unit tests did not run (counted as one failed test)');
}
results.passed += count('pass');
results.failed += count('fail') + count('cancelled');
results.skipped += count('skipped') + count('todo');
console.log(`unit: ${count('pass')} passed, ${count('fail') + count('cancelled')} failed`);

if (run('build', 'npm', ['run', '-s', 'build']) !== 0) {
  gateFailed = true;
  results.failed += 1;
  console.log('build failed: e2e tests not run (counted as one failed test)');
} else {
  const report = 'test-results/e2e-results.json';
  rmSync(report, { force: true });
  run('e2e tests', 'npx', ['playwright', 'test']);
  if (existsSync(report)) {
    const { stats } = JSON.parse(readFileSync(report, 'utf8'));
    results.passed += stats.expected + stats.flaky;
    results.failed += stats.unexpected;
    results.skipped += stats.skipped;
    console.log(`e2e: ${stats.expected + stats.flaky} passed, ${stats.unexpected} failed`);
    if (stats.expected + stats.unexpected + stats.flaky === 0) results.failed += 1;
  } else {
    results.failed += 1;
    console.log('e2e produced no results (counted as one failed test)');
  }
}

const skipped = results.skipped ? `, ${results.skipped} skipped` : '';
console.log(`\n${results.passed} passed, ${results.failed} failed${skipped}`);
process.exit(results.failed > 0 || gateFailed ? 1 : 0);
