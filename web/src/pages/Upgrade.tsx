/** `/upgrade`: the readiness report (blockers with their fix, exportable as JSON), node runs and switch plans. */
import { Button, Card, Input, Space, Table, Tag } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { NodeRunItem, Page, Readiness, SwitchItem } from '../api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { when } from '../components/format.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { rowTestId } from '../components/rowTestId.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

type Blocker = Readiness['blockers'][number];

/** Saves the report as a JSON file in the browser. */
function exportJson(report: Readiness): void {
  const blob = new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `plinth-readiness-${report.target}.json`;
  a.click();
  URL.revokeObjectURL(a.href);
}

const SEVERITY: Record<string, string> = { blocker: 'red', warning: 'orange', info: 'blue' };

export function Upgrade(): ReactNode {
  const t = useT();
  const [target, setTarget] = useState('1.34');
  const [asked, setAsked] = useState('1.34');
  const report = useApi<Readiness>(`/api/v1/upgrade/readiness?target=${encodeURIComponent(asked)}`);
  const runs = useApi<Page<NodeRunItem>>('/api/v1/upgrade/node-runs');
  const switches = useApi<Page<SwitchItem>>('/api/v1/upgrade/switches');
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('upgrade.readiness')}
        extra={
          <Space>
            <Input data-testid="readiness-target" addonBefore={t('upgrade.target')} value={target} onChange={(e) => setTarget(e.target.value)} style={{ width: 200 }} />
            <Button onClick={() => (asked === target ? report.reload() : setAsked(target))}>{t('upgrade.check')}</Button>
            <Button data-testid="readiness-export" disabled={!report.data} onClick={() => report.data && exportJson(report.data)}>
              {t('upgrade.export')}
            </Button>
          </Space>
        }
      >
        <ErrorBanner error={report.error} />
        {report.data ? (
          <>
            <Space style={{ marginBottom: 12 }}>
              <Tag color="red">{`${t('overview.blockers')}: ${report.data.counts.blocker}`}</Tag>
              <Tag color="orange">{`${t('overview.warnings')}: ${report.data.counts.warning}`}</Tag>
              <Tag color="blue">{`${t('overview.infos')}: ${report.data.counts.info}`}</Tag>
            </Space>
            <Table
              size="small"
              rowKey={(b: Blocker) => `${b.rule}/${b.object.kind}/${b.object.namespace ?? ''}/${b.object.name}`}
              dataSource={report.data.blockers}
              locale={{ emptyText: t('upgrade.noBlockers') }}
              onRow={rowTestId<Blocker>('blocker-row')}
              columns={[
                { title: t('upgrade.severity'), render: (_: unknown, b: Blocker) => <Tag color={SEVERITY[b.severity] ?? 'default'}>{b.severity}</Tag> },
                { title: t('upgrade.rule'), dataIndex: 'rule' },
                { title: t('upgrade.object'), render: (_: unknown, b: Blocker) => `${b.object.kind} ${b.object.namespace ? `${b.object.namespace}/` : ''}${b.object.name}` },
                { title: t('common.message'), dataIndex: 'message' },
                { title: t('upgrade.fix'), dataIndex: 'fix' },
              ]}
            />
          </>
        ) : null}
      </Card>
      <Card title={t('upgrade.runs')}>
        <ErrorBanner error={runs.error} />
        <Table
          size="small"
          rowKey="name"
          dataSource={runs.data?.items ?? []}
          onRow={rowTestId<NodeRunItem>('run-row', (r) => r.name)}
          columns={[
            { title: t('common.name'), render: (_: unknown, r: NodeRunItem) => <Link to={`/upgrade/runs/${r.name}`}>{r.name}</Link> },
            { title: t('common.phase'), render: (_: unknown, r: NodeRunItem) => <PhaseTag phase={r.phase} /> },
            { title: t('upgrade.target'), dataIndex: 'target' },
            { title: t('upgrade.window'), render: (_: unknown, r: NodeRunItem) => String(r.window) },
            { title: t('overview.nodes'), render: (_: unknown, r: NodeRunItem) => t('upgrade.progress', r.nodes) },
            { title: t('common.startedAt'), render: (_: unknown, r: NodeRunItem) => when(r.startedAt) },
          ]}
        />
      </Card>
      <Card title={t('upgrade.switches')}>
        <ErrorBanner error={switches.error} />
        <Table
          size="small"
          rowKey="name"
          dataSource={switches.data?.items ?? []}
          onRow={rowTestId<SwitchItem>('switch-row', (r) => r.name)}
          columns={[
            { title: t('common.name'), render: (_: unknown, s: SwitchItem) => <Link to={`/upgrade/switches/${s.name}`}>{s.name}</Link> },
            { title: t('common.phase'), render: (_: unknown, s: SwitchItem) => <PhaseTag phase={s.phase ?? s.phases.find((p) => p.phase !== 'Succeeded')?.phase ?? 'Succeeded'} /> },
            { title: t('upgrade.canRollback'), render: (_: unknown, s: SwitchItem) => (s.canRollback ? t('common.yes') : t('common.no')) },
          ]}
        />
      </Card>
    </Space>
  );
}
