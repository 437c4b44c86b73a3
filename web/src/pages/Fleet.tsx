/** `/fleet`: sources with their last commit, deliveries with their waves and per-cluster counts. */
import { Card, Space, Table, Tag } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { DeliveryItem, Page, SourceItem } from '../api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { when } from '../components/format.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { rowTestId } from '../components/rowTestId.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

export function Waves({ waves }: { waves: DeliveryItem['waves'] }): ReactNode {
  return (
    <Space size={4} wrap>
      {waves.map((w) => (
        <span key={w.name} data-testid="wave" data-wave={w.name} data-phase={w.phase}>
          <PhaseTag phase={w.phase} />
          {w.name}
        </span>
      ))}
    </Space>
  );
}

export function Fleet(): ReactNode {
  const t = useT();
  const sources = useApi<Page<SourceItem>>('/api/v1/fleet/sources');
  const deliveries = useApi<Page<DeliveryItem>>('/api/v1/fleet/deliveries');
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('fleet.sources')}>
        <ErrorBanner error={sources.error} />
        <Table
          size="small"
          rowKey={(s: SourceItem) => `${s.namespace}/${s.name}`}
          dataSource={sources.data?.items ?? []}
          onRow={rowTestId<SourceItem>('source-row', (s) => `${s.namespace}/${s.name}`)}
          columns={[
            { title: t('common.name'), render: (_: unknown, s: SourceItem) => `${s.namespace}/${s.name}` },
            { title: t('fleet.url'), dataIndex: 'url' },
            { title: t('fleet.ref'), dataIndex: 'ref' },
            { title: t('fleet.commit'), render: (_: unknown, s: SourceItem) => <code>{s.commit.slice(0, 12)}</code> },
            { title: t('fleet.fetchedAt'), render: (_: unknown, s: SourceItem) => when(s.fetchedAt) },
            { title: t('fleet.ready'), render: (_: unknown, s: SourceItem) => <Tag color={s.ready ? 'green' : 'red'}>{s.ready ? t('common.yes') : t('common.no')}</Tag> },
            { title: t('common.message'), dataIndex: 'message' },
          ]}
        />
      </Card>
      <Card title={t('fleet.deliveries')}>
        <ErrorBanner error={deliveries.error} />
        <Table
          size="small"
          rowKey={(d: DeliveryItem) => `${d.namespace}/${d.name}`}
          dataSource={deliveries.data?.items ?? []}
          onRow={rowTestId<DeliveryItem>('delivery-row', (d) => `${d.namespace}/${d.name}`)}
          columns={[
            { title: t('common.name'), render: (_: unknown, d: DeliveryItem) => <Link to={`/fleet/${d.namespace}/${d.name}`}>{`${d.namespace}/${d.name}`}</Link> },
            { title: t('common.phase'), render: (_: unknown, d: DeliveryItem) => <PhaseTag phase={d.paused ? 'Paused' : d.phase} /> },
            { title: t('fleet.source'), dataIndex: 'source' },
            { title: t('fleet.revision'), render: (_: unknown, d: DeliveryItem) => <code>{d.revision.slice(0, 12)}</code> },
            { title: t('fleet.waves'), render: (_: unknown, d: DeliveryItem) => <Waves waves={d.waves} /> },
            { title: t('fleet.clusters'), render: (_: unknown, d: DeliveryItem) => t('fleet.clusterCounts', d.clusters) },
          ]}
        />
      </Card>
    </Space>
  );
}
