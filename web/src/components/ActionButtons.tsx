/**
 * Steering buttons (`action-<name>`) with a confirmation dialog that says what will happen (OK: `dialog-ok`).
 * A refusal from the API shows in the error banner; success calls `onDone`.
 */
import { Button, Modal, Space, message as toast } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError, apiPost } from '../api/client.js';
import { useSession } from '../api/session.js';
import { useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/en.js';
import { ErrorBanner } from './ErrorBanner.js';

export interface ActionSpec {
  action: string;
  label: MessageKey;
  /** What will happen, in words (already translated). */
  effect: string;
  danger?: boolean;
  disabled?: boolean;
  primary?: boolean;
}

export function ActionButtons({ actions, base, objectName, onDone }: { actions: ActionSpec[]; base: string; objectName: string; onDone: () => void }): ReactNode {
  const t = useT();
  const { session } = useSession();
  const [pending, setPending] = useState<ActionSpec | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = async (a: ActionSpec): Promise<void> => {
    setBusy(true);
    try {
      await apiPost(`${base}/${a.action}`);
      setError(undefined);
      void toast.success(t('action.done', { action: t(a.label) }));
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e), ''));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };
  return (
    <div>
      <ErrorBanner error={error} onClose={() => setError(undefined)} />
      <Space wrap>
        {actions.map((a) => (
          <Button key={a.action} data-testid={`action-${a.action}`} danger={a.danger} type={a.primary ? 'primary' : 'default'} disabled={a.disabled} onClick={() => setPending(a)}>
            {t(a.label)}
          </Button>
        ))}
      </Space>
      <Modal
        open={pending !== null}
        title={pending ? t('dialog.title', { action: t(pending.label), name: objectName }) : ''}
        okText={t('action.ok')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'dialog-ok', danger: pending?.danger, loading: busy }}
        cancelButtonProps={{ 'data-testid': 'dialog-cancel' }}
        onOk={() => {
          if (pending) void run(pending);
        }}
        onCancel={() => setPending(null)}
        destroyOnHidden
      >
        <p data-testid="dialog-effect">{pending?.effect}</p>
        <p>{t('dialog.recorded', { user: session?.user ?? '' })}</p>
      </Modal>
    </div>
  );
}
