/** Routes (the console contract's client-side paths) inside the language and session providers. */
import { ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { SessionProvider, useSession } from './api/session.js';
import { Shell } from './components/Shell.js';
import { I18nProvider, useI18n, useT } from './i18n/index.js';
import { Audit } from './pages/Audit.js';
import { DeliveryDetailPage } from './pages/DeliveryDetail.js';
import { Fleet } from './pages/Fleet.js';
import { NodeRun } from './pages/NodeRun.js';
import { OverviewPage } from './pages/Overview.js';
import { ReleaseDetailPage } from './pages/ReleaseDetail.js';
import { Releases } from './pages/Releases.js';
import { SignIn } from './pages/SignIn.js';
import { SwitchPage } from './pages/Switch.js';
import { Upgrade } from './pages/Upgrade.js';

function RequireSession({ children }: { children: ReactNode }): ReactNode {
  const { session, known } = useSession();
  const location = useLocation();
  if (!known) return <Spin style={{ margin: 80 }} />;
  if (!session) return <Navigate to={`/signin?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

function NotFound(): ReactNode {
  const t = useT();
  return <Result status="404" title={t('notfound.title')} />;
}

function Localised(): ReactNode {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS}>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/signin" element={<SignIn />} />
            <Route
              element={
                <RequireSession>
                  <Shell />
                </RequireSession>
              }
            >
              <Route path="/" element={<OverviewPage />} />
              <Route path="/releases" element={<Releases />} />
              <Route path="/releases/:ns/:name" element={<ReleaseDetailPage />} />
              <Route path="/upgrade" element={<Upgrade />} />
              <Route path="/upgrade/runs/:name" element={<NodeRun />} />
              <Route path="/upgrade/switches/:name" element={<SwitchPage />} />
              <Route path="/fleet" element={<Fleet />} />
              <Route path="/fleet/:ns/:name" element={<DeliveryDetailPage />} />
              <Route path="/audit" element={<Audit />} />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </ConfigProvider>
  );
}

export function App(): ReactNode {
  return (
    <I18nProvider>
      <Localised />
    </I18nProvider>
  );
}
