/** The frame of every signed-in screen: navigation, the language switch (`lang-switch`), the user and sign-out. */
import { Button, Layout, Menu, Select, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../api/session.js';
import { LANGS, useI18n, type Lang } from '../i18n/index.js';
import type { MessageKey } from '../i18n/en.js';

const NAV: Array<{ path: string; label: MessageKey }> = [
  { path: '/', label: 'nav.overview' },
  { path: '/releases', label: 'nav.releases' },
  { path: '/upgrade', label: 'nav.upgrade' },
  { path: '/fleet', label: 'nav.fleet' },
  { path: '/audit', label: 'nav.audit' },
];

export function LangSwitch(): ReactNode {
  const { lang, setLang, t } = useI18n();
  return (
    <select data-testid="lang-switch" aria-label={t('header.language')} value={lang} onChange={(e) => setLang(e.target.value as Lang)} style={{ height: 28 }}>
      {LANGS.map((l) => (
        <option key={l} value={l}>
          {l === 'en' ? 'English' : '简体中文'}
        </option>
      ))}
    </select>
  );
}

export function Shell(): ReactNode {
  const { t } = useI18n();
  const { session, signOut } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const selected = NAV.filter((n) => (n.path === '/' ? location.pathname === '/' : location.pathname.startsWith(n.path))).map((n) => n.path);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24 }}>
        <Typography.Text strong style={{ color: '#fff', whiteSpace: 'nowrap' }}>
          {t('app.title')}
        </Typography.Text>
        <Menu theme="dark" mode="horizontal" selectedKeys={selected} style={{ flex: 1, minWidth: 0 }} items={NAV.map((n) => ({ key: n.path, label: <Link to={n.path}>{t(n.label)}</Link> }))} />
        <Space>
          <LangSwitch />
          <Typography.Text data-testid="whoami" style={{ color: '#fff' }}>
            {session?.user}
          </Typography.Text>
          <Button
            data-testid="signout"
            size="small"
            onClick={() => {
              void signOut().then(() => navigate('/signin'));
            }}
          >
            {t('header.signout')}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
