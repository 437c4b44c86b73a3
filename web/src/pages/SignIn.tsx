/** `/signin`: a Kubernetes bearer token, and "Sign in with SSO" when the console's config says OIDC is on. */
import { Button, Card, Divider, Form, Input, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { ApiError } from '../api/client.js';
import { useSession } from '../api/session.js';
import type { SessionConfig } from '../api/types.js';
import { ErrorBanner } from '../components/ErrorBanner.js';
import { LangSwitch } from '../components/Shell.js';
import { useApi } from '../hooks/useApi.js';
import { useT } from '../i18n/index.js';

export function SignIn(): ReactNode {
  const t = useT();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next') ?? '/';
  const config = useApi<SessionConfig>('/api/v1/session/config');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const submit = async (): Promise<void> => {
    setBusy(true);
    try {
      await signIn(token.trim());
      navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e), ''));
    } finally {
      setBusy(false);
    }
  };
  const oidc = config.data?.oidc;
  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 80 }}>
      <Card title={t('signin.title')} extra={<LangSwitch />} style={{ width: 480 }}>
        <ErrorBanner error={error} />
        <Form layout="vertical" onFinish={() => void submit()}>
          <Form.Item label={t('signin.token')} extra={t('signin.tokenHelp')}>
            <Input.Password data-testid="signin-token" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" />
          </Form.Item>
          <Button data-testid="signin-submit" type="primary" htmlType="submit" loading={busy} disabled={token.trim() === ''} block>
            {t('signin.submit')}
          </Button>
        </Form>
        {oidc?.enabled ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Divider plain>{t('signin.or')}</Divider>
            <Button data-testid="signin-sso" block href={`${oidc.loginUrl ?? '/api/v1/session/oidc/login'}?next=${encodeURIComponent(next)}`}>
              {t('signin.sso')}
            </Button>
          </Space>
        ) : null}
      </Card>
    </div>
  );
}
