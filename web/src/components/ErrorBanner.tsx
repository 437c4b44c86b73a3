/** An API error in words: the API's own message (a 403 names the verb and resource refused) and its hint. */
import { Alert } from 'antd';
import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.js';
import { useT } from '../i18n/index.js';

export function ErrorBanner({ error, onClose }: { error: ApiError | undefined; onClose?: () => void }): ReactNode {
  const t = useT();
  if (!error) return null;
  const message = error.status === 0 ? t('error.network', { message: error.message }) : error.message;
  return (
    <Alert
      data-testid="error-banner"
      data-code={error.code}
      data-status={error.status}
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={`${t('error.title')} (${error.status || error.code}${error.status ? ` ${error.code}` : ''})`}
      description={
        <>
          <div data-testid="error-message">{message}</div>
          {error.hint ? <div>{t('error.hint', { hint: error.hint })}</div> : null}
        </>
      }
      {...(onClose ? { closable: { onClose } } : {})}
    />
  );
}
