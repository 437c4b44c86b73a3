/** `/upgrade/switches/:name`: a switch plan's phases with their timings, and its rollback. */
import { Card, Space, Spin, Table } from 'antd';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type { PhaseView, SwitchItem } from '../api/types.js';
import { ActionButtons } from '../components/ActionButtons.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { duration, when } from '../components/format.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { rowTestId } from '../components/rowTestId.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

export function SwitchPage(): ReactNode {
  const t = useT();
  const { name = '' } = useParams();
  const base = `/api/v1/upgrade/switches/${encodeURIComponent(name)}`;
  const d = useApi<SwitchItem>(base);
  if (!d.data) return d.error ? <ErrorBanner error={d.error} /> : <Spin />;
  const s = d.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <ErrorBanner error={d.error} />
      <Card title={t('upgrade.switch', { name: s.name })} extra={<PhaseTag phase={s.phase} />}>
        <ActionButtons base={base} objectName={s.name} onDone={d.reload} actions={[{ action: 'rollback', label: 'action.rollback', danger: true, disabled: !s.canRollback, effect: t('dialog.switch.rollback') }]} />
      </Card>
      <Card title={t('upgrade.phases')}>
        <Table
          size="small"
          rowKey="name"
          pagination={false}
          dataSource={s.phases}
          onRow={rowTestId<PhaseView>('phase-row', (p) => p.name)}
          columns={[
            { title: t('common.name'), dataIndex: 'name' },
            { title: t('common.phase'), render: (_: unknown, p: PhaseView) => <PhaseTag phase={p.phase} /> },
            { title: t('common.startedAt'), render: (_: unknown, p: PhaseView) => when(p.startedAt) },
            { title: t('common.finishedAt'), render: (_: unknown, p: PhaseView) => when(p.finishedAt) },
            { title: t('common.duration'), render: (_: unknown, p: PhaseView) => duration(p.seconds) },
          ]}
        />
      </Card>
    </Space>
  );
}
