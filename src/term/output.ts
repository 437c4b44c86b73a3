import { stringify } from 'yaml';

export { OUTPUT_FORMATS, parseOutputFormat, type OutputFormat } from './output-format.js';
import type { OutputFormat } from './output-format.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | undefined;
  /** Shown only with -o wide. */
  wide?: boolean;
}

/** kubectl-style table: upper-case headers, columns padded with three spaces, `<none>` for empty cells. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], wide = false): string {
  const cols = columns.filter((c) => wide || !c.wide);
  const cells = rows.map((r) => cols.map((c) => {
    const v = c.value(r);
    return v === undefined || v === '' ? '<none>' : String(v);
  }));
  const headers = cols.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]): string =>
    values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]! + 3))).join('').trimEnd();
  return [line(headers), ...cells.map(line)].join('\n') + '\n';
}

/**
 * The one output-format switch of every command: `json` and `yaml` print `data` (the documented JSON
 * shape), `name` prints `name()`, `table` and `wide` call `table(wide)`.
 */
export function formatOutput(format: OutputFormat, data: unknown, name: () => string, table: (wide: boolean) => string): string {
  switch (format) {
    case 'json':
      return JSON.stringify(data, null, 2) + '\n';
    case 'yaml':
      return stringify(data);
    case 'name':
      return name();
    case 'wide':
    case 'table':
      return table(format === 'wide');
  }
}

/** Print `data` in the chosen format; `table` uses the columns, `name` the name function. */
export function render<T>(
  format: OutputFormat,
  data: { items: readonly T[]; json: unknown; columns: readonly Column<T>[]; name?: (row: T) => string },
): string {
  return formatOutput(
    format,
    data.json,
    () => data.items.map((r) => (data.name ? data.name(r) : '')).join('\n') + '\n',
    (wide) => renderTable(data.items, data.columns, wide),
  );
}
