/** The timeline, checks and history of a release (history rows name who decided). */
import { Empty, Table, Timeline, Typography } from 'antd';
import type { HTMLAttributes, ReactNode } from 'react';
import type { BatchView, CheckView, HistoryView } from '../api/types.js';
import { useT } from '../i18n/index.js';
import { duration, secondsBetween, when } from './format.js';
import { PhaseTag } from './PhaseTag.js';

export function BatchTimeline({ batches }: { batches: BatchView[] }): ReactNode {
  const t = useT();
  return (
    <Timeline
      items={batches.map((b) => ({
        key: b.index,
        color: b.phase === 'Succeeded' ? 'green' : b.phase === 'Failed' ? 'red' : b.startedAt ? 'blue' : 'gray',
        content: (
          <div data-testid="timeline-item">
            <Typography.Text strong>{t('release.batchN', { n: b.number })}</Typography.Text> <PhaseTag phase={b.phase} />
            <div>
              <Typography.Text type="secondary">
                {when(b.startedAt)} → {when(b.finishedAt)} · {duration(secondsBetween(b.startedAt, b.finishedAt))} · {b.units.join(', ')}
              </Typography.Text>
            </div>
          </div>
        ),
      }))}
    />
  );
}

export function Checks({ checks }: { checks: CheckView[] }): ReactNode {
  const t = useT();
  if (checks.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('release.noChecks')} />;
  return (
    <Table
      size="small"
      rowKey={(c) => `${c.kind}/${c.name}/${c.batch ?? ''}/${c.at}`}
      pagination={false}
      dataSource={checks}
      columns={[
        { title: t('common.name'), dataIndex: 'name' },
        { title: t('release.checkKind'), dataIndex: 'kind' },
        { title: t('releases.batch'), render: (_: unknown, c: CheckView) => (c.batch === undefined ? '—' : c.batch + 1) },
        { title: t('release.checkResult'), render: (_: unknown, c: CheckView) => <PhaseTag phase={c.result} /> },
        { title: t('common.message'), dataIndex: 'message' },
        { title: t('common.time'), render: (_: unknown, c: CheckView) => when(c.at) },
      ]}
    />
  );
}

export function History({ history }: { history: HistoryView[] }): ReactNode {
  const t = useT();
  const rows = [...history].reverse();
  return (
    <Table
      size="small"
      rowKey={(h) => `${h.at}/${h.action}/${h.by}/${h.batch ?? ''}`}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      dataSource={rows}
      onRow={() => ({ 'data-testid': 'history-row' }) as HTMLAttributes<HTMLElement>}
      columns={[
        { title: t('common.time'), render: (_: unknown, h: HistoryView) => when(h.at) },
        { title: t('common.by'), dataIndex: 'by' },
        { title: t('common.action'), dataIndex: 'action' },
        { title: t('releases.batch'), render: (_: unknown, h: HistoryView) => (h.batch === undefined ? '—' : h.batch + 1) },
        { title: t('common.message'), dataIndex: 'message' },
      ]}
    />
  );
}
