/** `/audit`: who did what, when and where; filtered by user, object (kind, namespace, name) and action on the server. */
import { Button, Card, Form, Input, Select, Table } from 'antd';
import { useState, type ReactNode } from 'react';
import { query } from '../api/client.js';
import type { AuditItem, Page } from '../api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { when } from '../components/format.js';
import { rowTestId } from '../components/rowTestId.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

const KINDS = ['ReleaseOrder', 'ReleasePlan', 'FleetDelivery', 'NodeRun'];

interface Filters {
  user: string;
  kind: string;
  namespace: string;
  name: string;
  action: string;
}

const EMPTY: Filters = { user: '', kind: '', namespace: '', name: '', action: '' };

export function Audit(): ReactNode {
  const t = useT();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const audit = useApi<Page<AuditItem>>(`/api/v1/audit${query({ ...filters, limit: 500 })}`);
  const set = (k: keyof Filters) => (v: string) => setDraft((d) => ({ ...d, [k]: v }));
  return (
    <Card title={t('audit.title')}>
      <Form layout="inline" onFinish={() => setFilters(draft)} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('audit.user')}>
          <Input data-testid="audit-user" value={draft.user} onChange={(e) => set('user')(e.target.value)} allowClear />
        </Form.Item>
        <Form.Item label={t('audit.kind')}>
          <Select data-testid="audit-kind" style={{ width: 160 }} value={draft.kind} onChange={set('kind')} options={[{ value: '', label: t('common.all') }, ...KINDS.map((k) => ({ value: k, label: k }))]} />
        </Form.Item>
        <Form.Item label={t('common.namespace')}>
          <Input data-testid="audit-namespace" value={draft.namespace} onChange={(e) => set('namespace')(e.target.value)} allowClear />
        </Form.Item>
        <Form.Item label={t('common.name')}>
          <Input data-testid="audit-name" value={draft.name} onChange={(e) => set('name')(e.target.value)} allowClear />
        </Form.Item>
        <Form.Item label={t('common.action')}>
          <Input data-testid="audit-action" value={draft.action} onChange={(e) => set('action')(e.target.value)} allowClear />
        </Form.Item>
        <Button data-testid="audit-filter" type="primary" htmlType="submit">
          {t('audit.filter')}
        </Button>
      </Form>
      <ErrorBanner error={audit.error} />
      <Table
        size="small"
        rowKey={(a: AuditItem) => `${a.at}/${a.kind}/${a.namespace ?? ''}/${a.name}/${a.action}/${a.by}`}
        loading={audit.loading}
        dataSource={audit.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={rowTestId<AuditItem>('audit-row')}
        columns={[
          { title: t('common.time'), render: (_: unknown, a: AuditItem) => when(a.at) },
          { title: t('audit.user'), dataIndex: 'by' },
          { title: t('common.action'), dataIndex: 'action' },
          { title: t('audit.kind'), dataIndex: 'kind' },
          { title: t('audit.object'), render: (_: unknown, a: AuditItem) => `${a.namespace ? `${a.namespace}/` : ''}${a.name}` },
          { title: t('audit.cluster'), render: (_: unknown, a: AuditItem) => a.cluster ?? '—' },
          { title: t('common.message'), render: (_: unknown, a: AuditItem) => a.message ?? '' },
        ]}
      />
    </Card>
  );
}
