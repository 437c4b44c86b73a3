// The web console end to end in a real browser (Debian's chromium driven by playwright-core) against the
// console server and the release controllers on a real NEW cluster:
//  - alice signs in through a real OIDC issuer on loopback (the SSO button, the issuer's sign-in page, back;
//    her ID token's group is bound to `edit`), opens a release waiting after its beta batch, confirms the batch
//    in the dialog, sees the next batch progress live (a pod cell's data-state changes without a reload), rolls
//    back, and sees the history row naming her (alice@example.com);
//  - the same in zh-CN with a ServiceAccount token (Chinese labels; the language switch, remembered across a reload);
//  - the sign-in screen shows "Sign in with SSO" only when /api/v1/session/config says OIDC is on;
//  - bob (bound to `view`) clicks Confirm and sees the API server's 403 in the error banner;
//  - the releases list of 450 CellDeployments pages on the server as it scrolls and keeps only the rows in view
//    in the DOM.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { installAggregatedRoles } from '../src/app/console/rbac.js';
import { buildConsole, type ConsoleServer } from '../src/app/console/server.js';
import { forEachLimit } from '../src/kube/pool.js';
import { ref } from '../src/kube/resource.js';
import { buildWeb, launchChromium, WEB_DIR, webContext } from './support/console-web.js';
import { boundGroup, boundServiceAccount, saToken } from './support/console-users.js';
import { startOidcProvider, type TestIssuer } from './support/oidc-provider.js';
import { OidcClient } from '../src/app/console/oidc/client.js';
import { oidcSettings } from '../src/app/console/oidc/config.js';
import {
  cdRef,
  cellDeployment,
  currentOrderName,
  ensureNamespace,
  eventually,
  getOrder,
  runControllersInProcess,
  setImage,
  startReleaseCluster,
  waitOrder,
  waitPhase,
  type ReleaseEnv,
} from './support/release-env.js';

const NS = 'shop';
const RBAC = 'rbac.authorization.k8s.io/v1';
const ALICE = `system:serviceaccount:${NS}:alice`;
/** alice at the test OIDC issuer: the console's default username claim is her email. */
const OIDC_ALICE = 'alice@example.com';
const MANY_NS = 'many';
const MANY = 450;

let env: ReleaseEnv;
let controllers: { stop: () => Promise<void> } | undefined;
let srv: ConsoleServer;
let browser: Browser;
let base = '';
let issuer: TestIssuer;
const tokens: Record<string, string> = {};
const contexts: BrowserContext[] = [];

const serviceAccount = (name: string, role: string, bindingNs = NS): Promise<void> => boundServiceAccount(env.client, NS, name, role, bindingNs);

/** A CellDeployment whose release waits for confirmation after its beta batch (3 batches: beta, 2, 2... of 6 pods). */
async function waitingRelease(name: string): Promise<string> {
  await env.client.create(cdRef(NS), cellDeployment(NS, name, { replicas: 6, strategy: { beta: true, batchSize: 2, needConfirm: true, drainSeconds: 0 } }));
  await waitPhase(env.client, NS, name, 'Completed');
  await setImage(env.client, NS, name, 'registry.local/web:2');
  const order = await currentOrderName(env.client, NS, name);
  await waitOrder(env.client, NS, order, (o) => o.status?.phase === 'WaitingForConfirm', `${name} waits after the beta batch`);
  return order;
}

/** A page signed in as `user` through the sign-in screen, landing on `next`. */
async function signedIn(user: string, next: string, locale = 'en-US'): Promise<Page> {
  const ctx = await webContext(browser, base, { locale });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${base}${next}`);
  await page.waitForURL(/\/signin/);
  await page.getByTestId('signin-token').fill(tokens[user]!);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL(`${base}${next}`);
  return page;
}

/**
 * A page signed in through the OIDC issuer in the browser: the sign-in screen's SSO button, the issuer's own
 * sign-in page (the test issuer asks only for the user name), and back to `next`.
 */
async function signedInWithSso(login: string, next: string): Promise<Page> {
  const ctx = await webContext(browser, base);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${base}${next}`);
  await page.waitForURL(/\/signin/);
  await page.getByTestId('signin-sso').click();
  await page.waitForURL((u) => u.origin === issuer.issuer);
  await page.getByTestId('oidc-login').fill(login);
  await page.getByTestId('oidc-submit').click();
  await page.waitForURL(`${base}${next}`);
  return page;
}

/** The data-state of every pod cell of batch K (1-based). */
function batchStates(page: Page, k: number): Promise<string[]> {
  return page.locator(`[data-testid=pod-cell][data-batch="${k}"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-state') ?? ''));
}

/**
 * The release flow a user with `edit` follows: confirm the waiting batch in the dialog, watch batch 2 progress
 * live, roll back, find the history row naming the user. `labels` are the UI's words in the page's language.
 */
async function confirmWatchRollBack(page: Page, order: string, user: string, labels: { confirm: string; rollback: string }): Promise<void> {
  await page.getByTestId('release-phase').and(page.locator('[data-phase=WaitingForConfirm]')).waitFor();
  assert.deepEqual(await batchStates(page, 2), ['waiting', 'waiting']);
  assert.equal((await page.getByTestId('action-confirm').innerText()).replace(/\s/g, ''), labels.confirm);
  // A marker on the window: it survives only if the page is never reloaded. (Page-side code is given as
  // strings: this file is type-checked without the DOM library.)
  await page.evaluate('window.plinthMarker = 42');

  await page.getByTestId('action-confirm').click();
  await page.getByTestId('dialog-ok').click();
  await page.waitForFunction(`[...document.querySelectorAll('[data-testid=pod-cell][data-batch="2"]')].some((e) => e.getAttribute('data-state') !== 'waiting')`, undefined, { timeout: 60_000 });
  await page.waitForFunction(`document.querySelector('[data-testid=release-batch-2]')?.getAttribute('data-phase') !== 'WaitingForConfirm'`, undefined, { timeout: 30_000 });
  assert.equal(await page.evaluate('window.plinthMarker'), 42, 'the page was not reloaded');
  const confirmed = await getOrder(env.client, NS, order);
  assert.ok((confirmed.spec.confirmedBatches ?? 0) >= 1, 'the confirm reached the ReleaseOrder');

  assert.equal((await page.getByTestId('action-rollback').innerText()).replace(/\s/g, ''), labels.rollback);
  await page.getByTestId('action-rollback').click();
  await page.getByTestId('dialog-ok').click();
  try {
    await page.getByTestId('history-row').filter({ hasText: user }).filter({ hasText: /roll/i }).first().waitFor({ timeout: 30_000 });
  } catch (err) {
    // Say what the screen and the ReleaseOrder showed instead.
    const banner = await page.getByTestId('error-banner').allInnerTexts();
    const rows = await page.getByTestId('history-row').allInnerTexts();
    const stored = await getOrder(env.client, NS, order);
    await page.screenshot({ path: `/tmp/console-web-${order}.png`, fullPage: true }).catch(() => undefined);
    throw new Error(`no rollback history row: banner ${JSON.stringify(banner)}; rows ${JSON.stringify(rows)}; phase ${stored.status?.phase}; history ${JSON.stringify(stored.status?.history)}`, { cause: err });
  }
  await page.waitForFunction(`['RollingBack', 'RolledBack'].includes(document.querySelector('[data-testid=release-phase]')?.getAttribute('data-phase') ?? '')`, undefined, { timeout: 60_000 });
  assert.equal(await page.evaluate('window.plinthMarker'), 42, 'the page was not reloaded');
  const stored = await getOrder(env.client, NS, order);
  const mine = (stored.status?.history ?? []).filter((h) => h.by === user).map((h) => h.action);
  assert.ok(mine.some((a) => /confirm/i.test(a)) && mine.some((a) => /roll/i.test(a)), JSON.stringify(stored.status?.history));
}

describe('web console in a real browser', { timeout: 900_000 }, () => {
  const orders: Record<string, string> = {};

  before(async () => {
    buildWeb();
    browser = await launchChromium();
    env = await startReleaseCluster({ inPlaceDelayMs: 1500 });
    controllers = runControllersInProcess(env.client);
    await installAggregatedRoles(env.client);
    await ensureNamespace(env.client, NS);
    await ensureNamespace(env.client, MANY_NS);
    await serviceAccount('alice', 'edit');
    await serviceAccount('alice', 'view', MANY_NS);
    await serviceAccount('bob', 'view');
    tokens.alice = await saToken(env.client, NS, 'alice');
    tokens.bob = await saToken(env.client, NS, 'bob');
    await eventually('edit aggregates releaseorders/status', async () => {
      const edit = await env.client.get<{ rules?: Array<{ resources?: string[] }> }>(ref(RBAC, 'clusterroles'), 'edit');
      return edit.rules?.some((r) => r.resources?.includes('releaseorders/status')) ? true : undefined;
    });
    // The console serves the built UI itself, as `plinth console` does (the issuer's redirect back is a
    // navigation the test's request routing does not see).
    srv = await buildConsole({ client: env.client, webDir: WEB_DIR });
    await srv.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(srv.app.server.address() as { port: number }).port}`;
    // Sign-in through a real OIDC issuer on loopback; its users' groups are bound to Kubernetes' roles.
    issuer = await startOidcProvider({ redirectUris: [`${base}/api/v1/session/oidc/callback`] });
    srv.useOidc(await OidcClient.start(oidcSettings({ issuer: issuer.issuer, clientId: issuer.clientId, clientSecretFile: issuer.clientSecretFile }, base)));
    await boundGroup(env.client, 'plinth-editors', 'edit', NS);
    const [web, api] = await Promise.all([waitingRelease('web'), waitingRelease('api')]);
    orders.web = web;
    orders.api = api;
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await srv?.close();
    await issuer?.stop();
    await controllers?.stop();
    await env?.stop();
  });

  test('the sign-in screen offers SSO only when the console\'s config says OIDC is on', async () => {
    const ctx = await webContext(browser, base);
    contexts.push(ctx);
    const page = await ctx.newPage();
    // Today's server may not serve the config route yet (its answer, 404, leaves token sign-in only).
    await page.goto(`${base}/signin`);
    await page.getByTestId('signin-token').waitFor();
    const config = await page.evaluate("fetch('/api/v1/session/config').then((r) => r.ok ? r.json() : null)");
    const serverSaysOn = (config as { oidc?: { enabled?: boolean } } | null)?.oidc?.enabled === true;
    assert.equal(await page.getByTestId('signin-sso').count(), serverSaysOn ? 1 : 0);
    // With OIDC on, the button goes to the login route with where to come back to.
    await page.route(`${base}/api/v1/session/config`, (route) => route.fulfill({ json: { oidc: { enabled: true, issuer: 'https://issuer.example', loginUrl: '/api/v1/session/oidc/login' }, tokenLogin: true } }));
    await page.goto(`${base}/signin?next=%2Freleases`);
    const sso = page.getByTestId('signin-sso');
    await sso.waitFor();
    assert.equal(await sso.getAttribute('href'), '/api/v1/session/oidc/login?next=%2Freleases');
  });

  test('a view-only user who confirms sees the API server\'s 403 in the error banner', async () => {
    const page = await signedIn('bob', `/releases/${NS}/web`);
    await page.getByTestId('action-confirm').click();
    await page.getByTestId('dialog-ok').click();
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /system:serviceaccount:shop:bob.*cannot patch resource "releaseorders"/, text);
    assert.equal(await banner.getAttribute('data-status'), '403');
    assert.equal((await getOrder(env.client, NS, orders.web!)).spec.confirmedBatches ?? 0, 0, 'nothing was confirmed');
  });

  test('alice signs in through the OIDC issuer, confirms the beta batch, watches the next batch live, rolls back, finds her name in the history', async () => {
    const sso = await signedInWithSso('alice', `/releases/${NS}/web`);
    assert.equal(await sso.getByTestId('lang-switch').inputValue(), 'en');
    await confirmWatchRollBack(sso, orders.web!, OIDC_ALICE, { confirm: 'Confirm', rollback: 'Rollback' });
    // The same person with a ServiceAccount token: her RBAC decides what the list shows.
    const page = await signedIn('alice', `/releases/${NS}/web`);
    // The list: alice may not list across namespaces, so it shows the first namespace she may list (many or
    // shop, depending on whether the paging test ran first); the search box narrows the loaded rows.
    await page.goto(`${base}/releases`);
    await page.waitForURL(/namespace=(many|shop)/);
    await page.goto(`${base}/releases?namespace=${NS}`);
    await page.locator(`[data-testid=release-row][data-name="${NS}/web"]`).waitFor();
    await page.getByTestId('release-search').fill('api');
    await page.locator(`[data-testid=release-row][data-name="${NS}/web"]`).waitFor({ state: 'detached' });
    assert.deepEqual(await page.getByTestId('release-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))), [`${NS}/api`]);
  });

  test('the same in zh-CN; the language switch is remembered', async () => {
    const page = await signedIn('alice', `/releases/${NS}/api`, 'zh-CN');
    assert.equal(await page.getByTestId('lang-switch').inputValue(), 'zh-CN', 'the browser language decides by default');
    assert.match(await page.getByTestId('release-batch-2').innerText(), /第 2 批/);
    await confirmWatchRollBack(page, orders.api!, ALICE, { confirm: '确认', rollback: '回滚' });
    await page.getByTestId('lang-switch').selectOption('en');
    assert.equal((await page.getByTestId('action-rollback').innerText()).replace(/\s/g, ''), 'Rollback');
    await page.reload();
    await page.getByTestId('action-rollback').waitFor();
    assert.equal(await page.getByTestId('lang-switch').inputValue(), 'en', 'remembered in localStorage');
    assert.equal(await page.evaluate("localStorage.getItem('plinth.lang')"), 'en');
  });

  test('the releases list pages on the server and renders only the rows in view', async () => {
    await forEachLimit(
      Array.from({ length: MANY }, (_v, i) => `app-${String(i).padStart(4, '0')}`),
      8,
      async (name) => {
        await env.client.create(cdRef(MANY_NS), cellDeployment(MANY_NS, name, { replicas: 0 }));
      },
    );
    const page = await signedIn('alice', `/releases?namespace=${MANY_NS}`);
    const rows = page.getByTestId('release-row');
    await rows.first().waitFor();
    const shown = await rows.count();
    assert.ok(shown > 5 && shown < 100, `${shown} rows in the DOM: only those in view (and a few more) are rendered`);
    // Scrolling to the end loads the next pages (200 a page) until the last one is in view.
    const last = page.locator(`[data-testid=release-row][data-name="${MANY_NS}/app-${String(MANY - 1).padStart(4, '0')}"]`);
    await eventually('the last row after scrolling', async () => {
      await page.getByTestId('release-list').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      return (await last.count()) > 0 ? true : undefined;
    }, 60_000, 300);
    assert.ok((await rows.count()) < 100, 'still virtualised at the end of the list');
  });
});
