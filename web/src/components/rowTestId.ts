import type { HTMLAttributes } from 'react';

/** antd Table `onRow` giving every row a data-testid (and optionally data-name). */
export function rowTestId<T>(testId: string, name?: (row: T) => string): (row: T) => HTMLAttributes<HTMLElement> {
  return (row: T) => ({ 'data-testid': testId, ...(name ? { 'data-name': name(row) } : {}) }) as HTMLAttributes<HTMLElement>;
}
