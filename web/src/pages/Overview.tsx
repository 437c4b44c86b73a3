/** `/`: the hub and its member clusters (versions, nodes by zone and arch, connectivity) and upgrade readiness. */
import { Alert, Card, Col, Descriptions, Row, Space, Statistic, Table, Tag } from 'antd';
import type { HTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { NodeCounts, Overview, Readiness } from '../api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { when } from '../components/format.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

const TARGET = '1.34';

function Counts({ counts }: { counts: Record<string, number> }): ReactNode {
  return (
    <>
      {Object.entries(counts).map(([k, n]) => (
        <Tag key={k}>
          {k}: {n}
        </Tag>
      ))}
    </>
  );
}

function Nodes({ nodes }: { nodes: NodeCounts | undefined }): ReactNode {
  const t = useT();
  if (!nodes) return '—';
  return <span>{t('overview.nodesReady', { ready: nodes.ready, total: nodes.total })}</span>;
}

export function OverviewPage(): ReactNode {
  const t = useT();
  const overview = useApi<Overview>('/api/v1/overview');
  const readiness = useApi<Readiness>(`/api/v1/upgrade/readiness?target=${TARGET}`);
  const o = overview.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <ErrorBanner error={overview.error} />
      {o ? (
        <Card title={t('overview.hub')} data-testid="overview-hub">
          <Descriptions size="small" column={{ xs: 1, md: 2 }}>
            <Descriptions.Item label={t('common.name')}>{o.hub.name}</Descriptions.Item>
            <Descriptions.Item label={t('overview.version')}>{o.hub.kubernetesVersion}</Descriptions.Item>
            <Descriptions.Item label={t('overview.nodes')}>
              <Nodes nodes={o.hub.nodes} />
            </Descriptions.Item>
            <Descriptions.Item label={t('overview.byZone')}>
              <Counts counts={o.hub.nodes.byZone} />
            </Descriptions.Item>
            <Descriptions.Item label={t('overview.byArch')}>
              <Counts counts={o.hub.nodes.byArch} />
            </Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
      {o ? (
        <Card title={t('overview.members')}>
          {o.membersError ? <Alert type="warning" showIcon title={o.membersError.message} style={{ marginBottom: 12 }} /> : null}
          {!o.fleetEnabled ? <Alert type="info" showIcon title={t('overview.fleetOff')} /> : null}
          {o.fleetEnabled ? (
            <Table
              size="small"
              rowKey="name"
              pagination={false}
              dataSource={o.members}
              onRow={() => ({ 'data-testid': 'member-row' }) as HTMLAttributes<HTMLElement>}
              columns={[
                { title: t('common.name'), dataIndex: 'name' },
                { title: t('overview.tier'), dataIndex: 'tier' },
                { title: t('overview.region'), dataIndex: 'region' },
                { title: t('overview.arch'), dataIndex: 'arch' },
                { title: t('overview.version'), dataIndex: 'kubernetesVersion' },
                { title: t('overview.agent'), dataIndex: 'agentVersion' },
                { title: t('overview.connected'), render: (_: unknown, m: Overview['members'][number]) => <Tag color={m.connected ? 'green' : 'red'}>{m.connected ? t('common.yes') : t('common.no')}</Tag> },
                { title: t('overview.ready'), render: (_: unknown, m: Overview['members'][number]) => <Tag color={m.ready ? 'green' : 'orange'}>{m.ready ? t('common.yes') : t('common.no')}</Tag> },
                { title: t('overview.nodes'), render: (_: unknown, m: Overview['members'][number]) => <Nodes nodes={m.nodes} /> },
                { title: t('overview.heartbeat'), render: (_: unknown, m: Overview['members'][number]) => when(m.lastHeartbeat) },
              ]}
            />
          ) : null}
        </Card>
      ) : null}
      <Card title={<Link to="/upgrade">{t('overview.readiness', { target: TARGET })}</Link>}>
        <ErrorBanner error={readiness.error} />
        {readiness.data ? (
          <Row gutter={16}>
            <Col span={8}>
              <Statistic title={t('overview.blockers')} value={readiness.data.counts.blocker} styles={{ content: { color: readiness.data.counts.blocker ? '#cf1322' : '#3f8600' } }} />
            </Col>
            <Col span={8}>
              <Statistic title={t('overview.warnings')} value={readiness.data.counts.warning} />
            </Col>
            <Col span={8}>
              <Statistic title={t('overview.infos')} value={readiness.data.counts.info} />
            </Col>
          </Row>
        ) : null}
      </Card>
    </Space>
  );
}
