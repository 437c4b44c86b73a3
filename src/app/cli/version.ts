import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Plinth's version, from package.json (the same file in src/ and dist/ layouts: two levels up). */
export function plinthVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
