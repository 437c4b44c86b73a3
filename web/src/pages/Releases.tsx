/**
 * `/releases`: CellDeployments with their current release, paged by the server (`limit`/`continue`, more
 * loaded as the list scrolls to its end) and rendered virtualised; namespace and phase filters, a name search.
 */
import { Button, Card, Empty, Input, Progress, Select, Space, Tag, Typography } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, apiGet, query } from '../api/client.js';
import type { Page, ReleaseSummary } from '../api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { PhaseTag } from '../components/PhaseTag.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

const PAGE = 200;
const ROW = 48;
// The ReleaseOrder phases (src/api/release/releaseorder.ts), the values the API's `phase` filter accepts.
const PHASES = ['Pending', 'Progressing', 'WaitingForConfirm', 'Paused', 'Blocked', 'Completed', 'RollingBack', 'RolledBack', 'Superseded', 'Failed'];

export function Releases(): ReactNode {
  const t = useT();
  const namespaces = useApi<{ items: Array<{ name: string }> }>('/api/v1/namespaces');
  const [params, setParams] = useSearchParams();
  const ns = params.get('namespace') ?? '';
  const phase = params.get('phase') ?? '';
  const setFilter = useCallback(
    (key: 'namespace' | 'phase') => (value: string) =>
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );
  const setNs = setFilter('namespace');
  const setPhase = setFilter('phase');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<ReleaseSummary[]>([]);
  const [cont, setCont] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  const load = useCallback(
    async (from: string | null, gen: number) => {
      setLoading(true);
      try {
        const page = await apiGet<Page<ReleaseSummary>>(`/api/v1/releases${query({ namespace: ns, phase, limit: PAGE, continue: from })}`);
        if (gen !== generation.current) return;
        setItems((old) => (from ? [...old, ...page.items] : page.items));
        setCont(page.continue);
        setDone(page.continue === null);
        setError(undefined);
      } catch (e) {
        if (gen !== generation.current) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e), ''));
        setDone(true);
      } finally {
        if (gen === generation.current) setLoading(false);
      }
    },
    [ns, phase],
  );

  useEffect(() => {
    const gen = ++generation.current;
    setItems([]);
    setCont(null);
    setDone(false);
    void load(null, gen);
  }, [load]);

  // A user who may not list across namespaces is refused the "all" view: show the first namespace they may list.
  const firstNs = namespaces.data?.items[0]?.name;
  useEffect(() => {
    if (ns === '' && error?.status === 403 && firstNs) setNs(firstNs);
  }, [ns, error, firstNs, setNs]);

  const shown = useMemo(() => {
    const s = search.trim().toLowerCase();
    return s ? items.filter((i) => `${i.namespace}/${i.name}`.toLowerCase().includes(s) || (i.release?.name ?? '').toLowerCase().includes(s)) : items;
  }, [items, search]);

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const virtualItems = virtual.getVirtualItems();
  const last = virtualItems[virtualItems.length - 1];
  useEffect(() => {
    if (last && last.index >= shown.length - 20 && !done && !loading && cont) void load(cont, generation.current);
  }, [last, shown.length, done, loading, cont, load]);

  return (
    <Card title={t('releases.title')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          data-testid="filter-namespace"
          style={{ width: 260 }}
          value={ns}
          onChange={setNs}
          options={[{ value: '', label: t('common.all') }, ...(namespaces.data?.items ?? []).map((n) => ({ value: n.name, label: n.name }))]}
          aria-label={t('releases.namespace')}
          prefix={`${t('releases.namespace')}:`}
        />
        <Select
          data-testid="filter-phase"
          style={{ width: 260 }}
          value={phase}
          onChange={setPhase}
          options={[{ value: '', label: t('common.all') }, ...PHASES.map((p) => ({ value: p, label: p }))]}
          aria-label={t('releases.phase')}
          prefix={`${t('releases.phase')}:`}
        />
        <Input data-testid="release-search" allowClear prefix={<SearchOutlined />} placeholder={t('common.search')} value={search} onChange={(e) => setSearch(e.target.value)} style={{ width: 260 }} />
        <Typography.Text type="secondary">
          {t('releases.count', { n: items.length })}
          {cont ? ` · ${t('releases.more')}` : ''}
        </Typography.Text>
      </Space>
      <ErrorBanner error={error} />
      <div style={{ display: 'grid', gridTemplateColumns: '2fr 2fr 1.4fr 1fr 1fr 1.4fr', fontWeight: 600, padding: '8px 12px', borderBottom: '1px solid #f0f0f0' }}>
        <span>{t('common.name')}</span>
        <span>{t('release.order')}</span>
        <span>{t('common.phase')}</span>
        <span>{t('releases.batch')}</span>
        <span>{t('releases.replicas')}</span>
        <span>{t('releases.revision')}</span>
      </div>
      {shown.length === 0 && !loading && !error ? <Empty description={t('releases.empty')} /> : null}
      <div ref={scroller} data-testid="release-list" style={{ height: 'calc(100vh - 330px)', minHeight: 300, overflow: 'auto' }}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtualItems.map((v) => {
            const r = shown[v.index]!;
            return (
              <div
                key={`${r.namespace}/${r.name}`}
                data-testid="release-row"
                data-name={`${r.namespace}/${r.name}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${v.start}px)`, display: 'grid', gridTemplateColumns: '2fr 2fr 1.4fr 1fr 1fr 1.4fr', alignItems: 'center', padding: '0 12px', borderBottom: '1px solid #f5f5f5' }}
              >
                <Link to={`/releases/${r.namespace}/${r.name}`}>
                  {r.namespace}/{r.name}
                </Link>
                <span>{r.release?.name ?? <Typography.Text type="secondary">{t('releases.noRelease')}</Typography.Text>}</span>
                <span>
                  {r.release ? <PhaseTag phase={r.release.phase} /> : null}
                  {r.release?.paused ? <Tag>{t('action.pause')}</Tag> : null}
                </span>
                <span>{r.release?.currentBatch ? `${r.release.currentBatch.number}/${r.release.batchCount}` : '—'}</span>
                <span style={{ paddingRight: 16 }}>
                  <Progress size="small" percent={r.replicas ? Math.round((100 * r.readyReplicas) / r.replicas) : 100} format={() => `${r.readyReplicas}/${r.replicas}`} />
                </span>
                <Typography.Text ellipsis>{r.release ? t('release.revisions', { from: r.release.fromRevision || '—', to: r.release.toRevision }) : '—'}</Typography.Text>
              </div>
            );
          })}
        </div>
      </div>
      {cont && !loading ? (
        <Button onClick={() => void load(cont, generation.current)} style={{ marginTop: 8 }}>
          {t('common.loadMore')}
        </Button>
      ) : null}
    </Card>
  );
}
