// `npm run screenshots`: PNGs of each main screen of the web console, in English and Chinese, under
// docs/console/ (listed in docs/console/README.md). It starts a local NEW cluster with the release controllers
// and the console server in this process, creates a release waiting after its beta batch, signs in as an
// admin ServiceAccount in Debian's chromium and photographs each screen. Screens whose API routes the
// console does not serve yet show the API's error banner, as a user would see them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { installAggregatedRoles } from '../src/app/console/rbac.js';
import { buildConsole } from '../src/app/console/server.js';
import { apply } from '../src/kube/apply.js';
import { ref, resourcePath } from '../src/kube/resource.js';
import { buildWeb, launchChromium, webContext } from '../test/support/console-web.js';
import { cdRef, cellDeployment, currentOrderName, ensureNamespace, runControllersInProcess, setImage, startReleaseCluster, waitOrder, waitPhase } from '../test/support/release-env.js';

const OUT = 'docs/console';
const NS = 'shop';
const RBAC = 'rbac.authorization.k8s.io/v1';

/** The screens: file stem, path, and what to wait for before the picture. */
const SCREENS: Array<{ stem: string; path: string; ready: string }> = [
  { stem: 'overview', path: '/', ready: '[data-testid=error-banner], [data-testid=overview-hub]' },
  { stem: 'releases', path: '/releases', ready: '[data-testid=release-row]' },
  { stem: 'release-detail', path: `/releases/${NS}/web`, ready: '[data-testid=pod-cell]' },
  { stem: 'upgrade', path: '/upgrade', ready: '[data-testid=error-banner], [data-testid=blocker-row], .ant-empty' },
  { stem: 'fleet', path: '/fleet', ready: '[data-testid=error-banner], [data-testid=delivery-row], .ant-empty' },
  { stem: 'audit', path: '/audit', ready: '[data-testid=error-banner], [data-testid=audit-row], .ant-empty' },
];

async function settle(page: Page, selector: string): Promise<void> {
  await page.locator(selector).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
}

async function main(): Promise<void> {
  buildWeb();
  mkdirSync(OUT, { recursive: true });
  const env = await startReleaseCluster();
  const controllers = runControllersInProcess(env.client);
  const browser = await launchChromium();
  const srv = await buildConsole({ client: env.client });
  try {
    await installAggregatedRoles(env.client);
    for (const ns of [NS, 'plinth-system']) await ensureNamespace(env.client, ns);
    await apply(env.client, ref('v1', 'serviceaccounts', 'plinth-system'), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'operator', namespace: 'plinth-system' } });
    await apply(env.client, ref(RBAC, 'clusterrolebindings'), {
      apiVersion: RBAC,
      kind: 'ClusterRoleBinding',
      metadata: { name: 'plinth-screenshots-operator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: 'plinth-system' }],
    });
    const tr = await env.client.request<{ status: { token: string } }>({
      method: 'POST',
      path: resourcePath(ref('v1', 'serviceaccounts', 'plinth-system'), 'operator', 'token'),
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
    });
    for (const name of ['web', 'cart', 'search']) {
      await env.client.create(cdRef(NS), cellDeployment(NS, name, { replicas: 6, strategy: { beta: true, batchSize: 2, needConfirm: true, drainSeconds: 0 } }));
    }
    await waitPhase(env.client, NS, 'web', 'Completed');
    await setImage(env.client, NS, 'web', 'registry.local/web:2');
    const order = await currentOrderName(env.client, NS, 'web');
    await waitOrder(env.client, NS, order, (o) => o.status?.phase === 'WaitingForConfirm', 'web waits after the beta batch');
    await srv.app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(srv.app.server.address() as { port: number }).port}`;

    for (const lang of ['en', 'zh-CN'] as const) {
      const ctx = await webContext(browser, base, { locale: lang === 'en' ? 'en-US' : 'zh-CN' });
      const page = await ctx.newPage();
      await page.goto(`${base}/signin`);
      await settle(page, '[data-testid=signin-token]');
      await page.screenshot({ path: join(OUT, `signin-${lang}.png`) });
      await page.getByTestId('signin-token').fill(tr.status.token);
      await page.getByTestId('signin-submit').click();
      await page.waitForURL(`${base}/`);
      for (const s of SCREENS) {
        await page.goto(`${base}${s.path}`);
        await settle(page, s.ready);
        await page.screenshot({ path: join(OUT, `${s.stem}-${lang}.png`), fullPage: true });
      }
      await page.goto(`${base}/releases/${NS}/web`);
      await settle(page, '[data-testid=pod-cell]');
      await page.getByTestId('action-confirm').click();
      await settle(page, '[data-testid=dialog-ok]');
      await page.screenshot({ path: join(OUT, `release-confirm-dialog-${lang}.png`) });
      await ctx.close();
      process.stdout.write(`${lang}: done\n`);
    }
  } finally {
    await browser.close();
    await srv.close();
    await controllers.stop();
    await env.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
