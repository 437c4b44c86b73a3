/** `/fleet/:ns/:name`: a delivery's waves, per-cluster state and drift, history; confirm / pause / resume / rollback. */
import { Alert, Card, Descriptions, Space, Spin, Table, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type { DeliveryDetail } from '../api/types.js';
import { ActionButtons } from '../components/ActionButtons.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { when } from '../components/format.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { rowTestId } from '../components/rowTestId.js';
import { useApi } from '../hooks/useApi.js';
import { useLiveReload } from '../hooks/useLiveReload.js';
import { useT } from '../i18n/index.js';
import { Waves } from './Fleet.js';

type ClusterRow = DeliveryDetail['clusters'][number];
type HistoryRow = DeliveryDetail['history'][number];

export function DeliveryDetailPage(): ReactNode {
  const t = useT();
  const { ns = '', name = '' } = useParams();
  const base = `/api/v1/namespaces/${encodeURIComponent(ns)}/fleet/deliveries/${encodeURIComponent(name)}`;
  const d = useApi<DeliveryDetail>(base);
  useLiveReload(ns, (e) => (e.kind === 'FleetDelivery' && e.name === name) || e.kind === 'ClusterDelivery', d.reload);
  if (!d.data) return d.error ? <ErrorBanner error={d.error} /> : <Spin />;
  const { delivery, clusters, history } = d.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <ErrorBanner error={d.error} />
      <Card title={t('fleet.delivery', { name: `${delivery.namespace}/${delivery.name}` })} extra={<PhaseTag phase={delivery.phase} testId="delivery-phase" />}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('fleet.source')}>{delivery.source}</Descriptions.Item>
          <Descriptions.Item label={t('fleet.path')}>{delivery.path}</Descriptions.Item>
          <Descriptions.Item label={t('fleet.revision')}>{delivery.revision}</Descriptions.Item>
          <Descriptions.Item label={t('fleet.waves')} span={2}>
            <Waves waves={delivery.waves} />
          </Descriptions.Item>
          <Descriptions.Item label={t('fleet.clusters')}>{t('fleet.clusterCounts', delivery.clusters)}</Descriptions.Item>
        </Descriptions>
        {delivery.paused ? <Tag color="orange">{t('fleet.paused')}</Tag> : null}
        {delivery.waitingWave ? <Tag color="gold">{t('fleet.waiting', { wave: delivery.waitingWave })}</Tag> : null}
        <ActionButtons
          base={base}
          objectName={`${delivery.namespace}/${delivery.name}`}
          onDone={d.reload}
          actions={[
            { action: 'confirm', label: 'action.confirm', primary: true, disabled: !delivery.waitingWave, effect: t('dialog.delivery.confirm', { wave: delivery.waitingWave ?? '—', revision: delivery.revision }) },
            { action: 'pause', label: 'action.pause', disabled: delivery.paused, effect: t('dialog.delivery.pause') },
            { action: 'resume', label: 'action.resume', disabled: !delivery.paused, effect: t('dialog.delivery.resume') },
            { action: 'rollback', label: 'action.rollback', danger: true, effect: t('dialog.delivery.rollback') },
          ]}
        />
      </Card>
      <Card title={t('fleet.clusters')}>
        {d.data.hiddenClusters ? <Alert type="info" showIcon title={t('fleet.hidden', { n: d.data.hiddenClusters })} style={{ marginBottom: 12 }} /> : null}
        <Table
          size="small"
          rowKey="cluster"
          dataSource={clusters}
          onRow={rowTestId<ClusterRow>('cluster-row', (c) => c.cluster)}
          columns={[
            { title: t('fleet.cluster'), dataIndex: 'cluster' },
            { title: t('fleet.wave'), dataIndex: 'wave' },
            { title: t('common.phase'), render: (_: unknown, c: ClusterRow) => <PhaseTag phase={c.phase} /> },
            { title: t('fleet.desired'), render: (_: unknown, c: ClusterRow) => <code>{c.desiredRevision.slice(0, 12)}</code> },
            { title: t('fleet.applied'), render: (_: unknown, c: ClusterRow) => <code>{c.appliedRevision.slice(0, 12)}</code> },
            { title: t('fleet.healthy'), render: (_: unknown, c: ClusterRow) => <Tag color={c.healthy ? 'green' : 'red'}>{c.healthy ? t('common.yes') : t('common.no')}</Tag> },
            { title: t('fleet.drift'), render: (_: unknown, c: ClusterRow) => t('fleet.driftValue', c.drift) },
            { title: t('fleet.failures'), render: (_: unknown, c: ClusterRow) => c.failures.map((f) => `${f.object}: ${f.message}`).join('; ') || '—' },
            { title: t('fleet.lastApplied'), render: (_: unknown, c: ClusterRow) => when(c.lastAppliedAt) },
          ]}
        />
      </Card>
      <Card title={t('release.history')}>
        <Table
          size="small"
          rowKey={(h: HistoryRow) => `${h.at}/${h.action}/${h.by}`}
          dataSource={[...history].reverse()}
          onRow={rowTestId<HistoryRow>('history-row')}
          columns={[
            { title: t('common.time'), render: (_: unknown, h: HistoryRow) => when(h.at) },
            { title: t('common.by'), dataIndex: 'by' },
            { title: t('common.action'), dataIndex: 'action' },
            { title: t('fleet.wave'), dataIndex: 'wave' },
            { title: t('common.message'), dataIndex: 'message' },
          ]}
        />
      </Card>
    </Space>
  );
}
