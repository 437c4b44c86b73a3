/** `/upgrade/runs/:name`: a node rolling run, per-node phase, time and PDB waits; pause / resume / abort. */
import { Button, Card, Descriptions, Space, Spin, Table } from 'antd';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type { NodeRunDetail } from '../api/types.js';
import { ActionButtons } from '../components/ActionButtons.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { duration, when } from '../components/format.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { rowTestId } from '../components/rowTestId.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

type NodeRow = NodeRunDetail['nodes'][number];
const ENDED = new Set(['Succeeded', 'Completed', 'Failed', 'Aborted']);

export function NodeRun(): ReactNode {
  const t = useT();
  const { name = '' } = useParams();
  const base = `/api/v1/upgrade/node-runs/${encodeURIComponent(name)}`;
  const d = useApi<NodeRunDetail>(base);
  if (!d.data) return d.error ? <ErrorBanner error={d.error} /> : <Spin />;
  const { run, nodes } = d.data;
  const ended = ENDED.has(run.phase);
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <ErrorBanner error={d.error} />
      <Card title={t('upgrade.run', { name: run.name })} extra={
          <Space>
            <PhaseTag phase={run.phase} testId="run-phase" />
            <Button size="small" onClick={d.reload}>
              {t('common.refresh')}
            </Button>
          </Space>
        }>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('upgrade.target')}>{run.target}</Descriptions.Item>
          <Descriptions.Item label={t('upgrade.window')}>{String(run.window)}</Descriptions.Item>
          <Descriptions.Item label={t('overview.nodes')}>{t('upgrade.progress', run.nodes)}</Descriptions.Item>
          <Descriptions.Item label={t('common.startedAt')}>{when(run.startedAt)}</Descriptions.Item>
        </Descriptions>
        <ActionButtons
          base={base}
          objectName={run.name}
          onDone={d.reload}
          actions={[
            { action: 'pause', label: 'action.pause', disabled: ended || run.phase === 'Paused', effect: t('dialog.run.pause') },
            { action: 'resume', label: 'action.resume', disabled: run.phase !== 'Paused', effect: t('dialog.run.resume') },
            { action: 'abort', label: 'action.abort', danger: true, disabled: ended, effect: t('dialog.run.abort') },
          ]}
        />
      </Card>
      <Card title={t('overview.nodes')}>
        <Table
          size="small"
          rowKey="name"
          dataSource={nodes}
          pagination={{ pageSize: 100, hideOnSinglePage: true }}
          onRow={rowTestId<NodeRow>('node-row', (n) => n.name)}
          columns={[
            { title: t('upgrade.node'), dataIndex: 'name' },
            { title: t('upgrade.zone'), dataIndex: 'zone' },
            { title: t('common.phase'), render: (_: unknown, n: NodeRow) => <PhaseTag phase={n.phase} /> },
            { title: t('common.startedAt'), render: (_: unknown, n: NodeRow) => when(n.startedAt) },
            { title: t('common.finishedAt'), render: (_: unknown, n: NodeRow) => when(n.finishedAt) },
            { title: t('common.duration'), render: (_: unknown, n: NodeRow) => duration(n.seconds) },
            { title: t('upgrade.waitingFor'), render: (_: unknown, n: NodeRow) => n.waitingFor ?? '—' },
          ]}
        />
      </Card>
    </Space>
  );
}
