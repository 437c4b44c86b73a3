/**
 * `/releases/:ns/:name`: a release's units × batches grid, timeline, checks and history, with Confirm / Pause /
 * Resume / Rollback. Live: a Pod event changes its cell at once; a ReleaseOrder or CellDeployment event of this
 * release loads the detail again (no reload of the page, no polling).
 */
import { Badge, Card, Col, Descriptions, Row, Space, Spin, Typography } from 'antd';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import type { ChangeEvent, ReleaseDetail } from '../api/types.js';
import { ActionButtons, type ActionSpec } from '../components/ActionButtons.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { Legend, PodGrid } from '../components/PodGrid.js';
import { BatchTimeline, Checks, History } from '../components/ReleaseParts.js';
import { useApi } from '../hooks/useApi.js';
import { useLiveReload } from '../hooks/useLiveReload.js';
import { useT, type Translate } from '../i18n/index.js';
import { applyPodEvents, concerns } from '../releaseLive.js';

const ENDED = new Set(['Completed', 'RolledBack', 'Superseded']);

function releaseActions(d: ReleaseDetail, t: Translate): ActionSpec[] {
  const st = d.status;
  const waiting = st.batches.find((b) => b.phase === 'WaitingForConfirm') ?? (st.currentBatch ? st.batches[st.currentBatch.index] : undefined);
  const ended = ENDED.has(st.phase);
  return [
    { action: 'confirm', label: 'action.confirm', primary: true, disabled: st.next.action !== 'confirm', effect: t('dialog.release.confirm', { batch: waiting?.number ?? '—', to: st.toRevision }) },
    { action: 'pause', label: 'action.pause', disabled: ended || st.spec.paused, effect: t('dialog.release.pause') },
    { action: 'resume', label: 'action.resume', disabled: !st.spec.paused, effect: t('dialog.release.resume') },
    { action: 'rollback', label: 'action.rollback', danger: true, disabled: st.phase === 'RolledBack' || st.phase === 'RollingBack' || st.phase === 'Superseded', effect: t('dialog.release.rollback', { from: st.fromRevision || '—' }) },
  ];
}

export function ReleaseDetailPage(): ReactNode {
  const t = useT();
  const { ns = '', name = '' } = useParams();
  const loaded = useApi<ReleaseDetail>(`/api/v1/namespaces/${encodeURIComponent(ns)}/releases/${encodeURIComponent(name)}`);
  const [detail, setDetail] = useState<ReleaseDetail | undefined>(undefined);
  useEffect(() => setDetail(loaded.data), [loaded.data]);
  // Pod events come in bursts (a batch of 100 pods changes at once): they are applied together once per
  // animation frame, so the grid renders at most once a frame whatever the rate.
  const pending = useRef<ChangeEvent[]>([]);
  const frame = useRef<number | undefined>(undefined);
  useEffect(() => () => cancelAnimationFrame(frame.current ?? 0), []);
  const live = useLiveReload(
    ns,
    (e) => detail !== undefined && concerns(detail, e),
    loaded.reload,
    (e) => {
      if (e.kind !== 'Pod') return;
      pending.current.push(e);
      frame.current ??= requestAnimationFrame(() => {
        frame.current = undefined;
        const events = pending.current;
        pending.current = [];
        setDetail((d) => (d ? applyPodEvents(d, events) : d));
      });
    },
  );

  if (!detail) {
    return loaded.error ? <ErrorBanner error={loaded.error} /> : <Spin />;
  }
  const st = detail.status;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <ErrorBanner error={loaded.error} />
      <Card
        title={
          <Space>
            {t('release.title', { name: `${st.namespace}/${st.target.name}` })}
            <span data-testid="release-phase" data-phase={st.phase}>
              <PhaseTag phase={st.phase} />
            </span>
            <Badge status={live ? 'processing' : 'default'} text={t('release.live')} />
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('release.order')}>{st.releaseOrder}</Descriptions.Item>
          <Descriptions.Item label={t('releases.revision')}>{t('release.revisions', { from: st.fromRevision || '—', to: st.toRevision })}</Descriptions.Item>
          <Descriptions.Item label={t('releases.batch')}>{st.currentBatch ? `${st.currentBatch.number}/${st.batchCount}` : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('release.next')} span={2}>
            <span data-testid="release-next">{st.next.message}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('release.pods', { done: st.pods.done, total: st.pods.total })}>
            {detail.pods.filter((p) => p.state === 'ready').length}/{detail.pods.length}
          </Descriptions.Item>
        </Descriptions>
        <ActionButtons actions={releaseActions(detail, t)} base={`/api/v1/namespaces/${encodeURIComponent(ns)}/releases/${encodeURIComponent(name)}`} objectName={`${st.namespace}/${st.target.name}`} onDone={loaded.reload} />
      </Card>
      <Card title={t('release.grid')} extra={<Typography.Text type="secondary">{t('release.legend')}: <Legend /></Typography.Text>}>
        <PodGrid pods={detail.pods} batches={st.batches} />
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card title={t('release.timeline')}>
            <BatchTimeline batches={st.batches} />
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card title={t('release.checks')}>
            <Checks checks={st.checks} />
          </Card>
        </Col>
      </Row>
      <Card title={t('release.history')}>
        <History history={detail.history} />
      </Card>
    </Space>
  );
}
