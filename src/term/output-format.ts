// The output formats of `-o` and their parsing, apart from the renderers (output.ts) so a command that prints
// nothing (the fleet agent) does not load the YAML library.
import { PlinthError } from '../errors/index.js';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'wide', 'json', 'yaml', 'name'];

/** Validate an -o/--output value, naming the accepted ones when it is wrong. */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  const v = value ?? 'table';
  if ((OUTPUT_FORMATS as readonly string[]).includes(v)) return v as OutputFormat;
  throw new PlinthError('INVALID_ARGUMENT', {
    what: '--output',
    detail: `"${v}" is not a known format`,
    fix: `use one of: ${OUTPUT_FORMATS.join(', ')}`,
  });
}
