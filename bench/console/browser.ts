// The browser side of the console bench: Debian's chromium driven by playwright-core. An init script, run
// before the console's own code in every page, records each Pod message the page's EventSource receives and
// each change of a pod cell's state in the DOM (data-testid="pod-cell", data-pod, data-state: the UI contract
// in docs/console.md), with Date.now() times comparable to the bench's.
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DomChange, PageMessage } from './latency.js';

export const CHROMIUM = process.env.PLINTH_CHROMIUM ?? '/usr/bin/chromium';

/** Runs in the page before any of its scripts (plain JavaScript: this project's TypeScript has no DOM types). */
const RECORDER = `(() => {
  const rec = { messages: [], changes: [] };
  window.__plinthBench = rec;
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init);
      this.addEventListener('change', (e) => {
        try {
          const d = JSON.parse(e.data);
          if (d.kind === 'Pod') rec.messages.push({ pod: d.name || '', resourceVersion: d.resourceVersion || '', at: Date.now() });
        } catch (_) { /* not JSON: not ours to time */ }
      });
    }
  };
  const last = new Map();
  const note = (el) => {
    if (!el.getAttribute || el.getAttribute('data-testid') !== 'pod-cell') return;
    const pod = el.getAttribute('data-pod') || '';
    const state = el.getAttribute('data-state') || '';
    if (last.get(pod) === state) return;
    last.set(pod, state);
    rec.changes.push({ pod, state, at: Date.now() });
  };
  new MutationObserver((muts) => {
    for (const m of muts) {
      if (m.type === 'attributes') note(m.target);
      for (const n of m.addedNodes) {
        if (n.nodeType !== 1) continue;
        note(n);
        n.querySelectorAll('[data-testid="pod-cell"]').forEach(note);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

export async function openBrowser(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  await context.addInitScript({ content: RECORDER });
  return { browser, page: await context.newPage() };
}

/**
 * The first render in a new browser context (empty cache, as a person opening a link the first time): signs in
 * with the session cookie, opens `url`, returns the ms until `count` pod cells are in the page.
 */
export async function timeColdRender(browser: Browser, cookie: { name: string; value: string; url: string }, url: string, count: number): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    await context.addCookies([cookie]);
    return await timeFirstRender(await context.newPage(), url, count);
  } finally {
    await context.close();
  }
}

/** Opens `url` and returns the ms until at least `count` pod cells are in the page. */
export async function timeFirstRender(page: Page, url: string, count: number): Promise<number> {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(`document.querySelectorAll('[data-testid="pod-cell"]').length >= ${count}`, undefined, { polling: 'raf', timeout: 60_000 });
  return Date.now() - t0;
}

export async function pageRecords(page: Page): Promise<{ messages: PageMessage[]; changes: DomChange[] }> {
  return page.evaluate<{ messages: PageMessage[]; changes: DomChange[] }>('window.__plinthBench');
}
