#!/usr/bin/env node
// The README's test command (`npm test`): prepares the local Kubernetes binaries (cold build on a
// fresh machine, cached afterwards), then runs every unit test (src/**/*.test.ts) and integration
// test (test/**/*.test.ts) with Node's test runner. Pass file paths to run only those. A full run
// lints first (PLINTH_TEST_SKIP_LINT=1 skips that while iterating).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) find(p, out);
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const files = args.filter((a) => !a.startsWith('--'));
const selected = files.length > 0 ? files : [...find('src'), ...find('bench'), ...(unitOnly ? [] : find('test'))];
const needsClusters = !unitOnly && selected.some((f) => f.startsWith('test'));

// A full run (`npm test`, as CI runs it) starts with the lint: typescript-eslint, the layer order of
// docs/architecture.md (dependency-cruiser) and the type check.
if (files.length === 0 && !unitOnly && process.env.PLINTH_TEST_SKIP_LINT !== '1') {
  const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit' });
  if (lint.status !== 0) {
    console.error('lint failed: fix the findings above (npm run lint), then run the tests again');
    process.exit(lint.status ?? 1);
  }
}

if (needsClusters) {
  const prep = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'prepare', '--all'], {
    stdio: 'inherit',
  });
  if (prep.status !== 0) process.exit(prep.status ?? 1);
}

const concurrency = process.env.PLINTH_TEST_CONCURRENCY ?? '2';
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...selected],
  { stdio: 'inherit', env: { ...process.env, PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL ?? 'warn' } },
);
process.exit(run.status ?? 1);
