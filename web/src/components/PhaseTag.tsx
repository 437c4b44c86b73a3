/** A phase as a coloured tag (the phase names are the API's own, shown as they are). */
import { Tag } from 'antd';
import type { ReactNode } from 'react';

const COLOURS: Record<string, string> = {
  Completed: 'green',
  Succeeded: 'green',
  Ready: 'green',
  Passed: 'green',
  Running: 'blue',
  Progressing: 'blue',
  WaitingForConfirm: 'gold',
  Paused: 'orange',
  Blocked: 'orange',
  Failed: 'red',
  Aborted: 'red',
  RollingBack: 'magenta',
  RolledBack: 'purple',
  Superseded: 'default',
  Pending: 'default',
  Skipped: 'default',
};

export function PhaseTag({ phase, testId }: { phase: string | null | undefined; testId?: string }): ReactNode {
  if (!phase) return null;
  return (
    <Tag color={COLOURS[phase] ?? 'default'} data-testid={testId}>
      {phase}
    </Tag>
  );
}
