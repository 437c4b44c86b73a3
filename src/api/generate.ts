// `npm run crds`: writes deploy/crds/*.yaml from the schemas in src/api; `--check` only reports drift.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crdDrift, renderCrds } from './crd-files.js';

const dir = join(import.meta.dirname, '..', '..', 'deploy', 'crds');

async function main(): Promise<void> {
  if (process.argv.includes('--check')) {
    const drift = await crdDrift(dir);
    if (drift.length > 0) {
      process.stderr.write(`CRDs out of date: ${drift.join(', ')}; run \`npm run crds\`\n`);
      process.exitCode = 1;
    }
    return;
  }
  await mkdir(dir, { recursive: true });
  const files = renderCrds();
  const keep = new Set(files.map((f) => f.file));
  for (const old of await readdir(dir)) if (old.endsWith('.yaml') && !keep.has(old)) await rm(join(dir, old));
  for (const { file, text } of files) await writeFile(join(dir, file), text);
  process.stdout.write(`wrote ${files.length} CRDs to deploy/crds/\n`);
}

await main();
