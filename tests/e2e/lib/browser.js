// Headless Chromium (Debian's, through playwright-core: no browser download) and the checks run
// on every page a journey visits: no request to another host than the server, no console error,
// no axe-core violation of impact serious or critical (nor of the rules in BLOCKING_RULES).
'use strict';

const fs = require('node:fs');
const { chromium } = require('playwright-core');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);
// Rules that fail the run whatever their impact: links inside a `role="img"` (nested-interactive),
// an accessible name that does not contain the visible text (label-content-name-mismatch, an
// experimental rule axe runs only when asked), two landmarks of the same role and name
// (landmark-unique, "moderate" for axe, yet it leaves a screen reader two identical entries).
const BLOCKING_RULES = new Set(['nested-interactive', 'label-content-name-mismatch', 'landmark-unique']);

// Without the background-networking flags Chromium tries to reach Google's services, and the
// closed network refuses those connections.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

class Browser {
  constructor({ executablePath, serverHost }) {
    this.executablePath = executablePath;
    this.serverHost = serverHost;
    // Everything found on the pages, reported by the last tests.
    this.issues = { requests: [], console: [], axe: [] };
    this.pagesChecked = 0;
  }

  async launch() {
    if (!fs.existsSync(this.executablePath)) {
      throw new Error(`no Chromium at ${this.executablePath} (apt-get install chromium chromium-driver, or set VIGIE_E2E_CHROMIUM)`);
    }
    // playwright-core starts Chromium with a fresh, empty user data dir of its own.
    this.browser = await chromium.launch({ executablePath: this.executablePath, args: CHROMIUM_ARGS });
    // Pages visited with JavaScript off are audited on a copy of their DOM in this page: axe-core
    // needs timers, which do not run where scripts are disabled.
    const auditContext = await this.newContext('audit', { javaScriptEnabled: true });
    this.auditPage = await auditContext.newPage();
  }

  async close() {
    if (this.browser) await this.browser.close();
  }

  /** A new browser profile (cookies of its own) whose requests are watched. */
  async newContext(who, { javaScriptEnabled }) {
    const context = await this.browser.newContext({
      javaScriptEnabled,
      viewport: { width: 1280, height: 900 },
      locale: 'fr-FR',
    });
    context.setDefaultTimeout(15000);
    context.on('request', (req) => {
      const url = req.url();
      if (url.startsWith('data:') || url.startsWith('about:') || url.startsWith('blob:')) return;
      let host;
      try {
        host = new URL(url).host;
      } catch {
        host = '?';
      }
      if (host !== this.serverHost) {
        this.issues.requests.push({ who, url, from: req.frame()?.url?.() ?? '?' });
      }
    });
    context.vigie = { who, javaScriptEnabled };
    return context;
  }

  /** A page of `context` whose console errors and uncaught exceptions are recorded. */
  async newPage(context) {
    const page = await context.newPage();
    const who = context.vigie.who;
    page.on('console', (msg) => {
      // Chromium logs a page served with an error status as a failed load. Where the journey
      // asked for that status (`status` of `Actor.visit` or `Actor.follow`, as a refused form's
      // 422) it is no error; a resource of the page failing is still reported by the 'response'
      // handler below.
      const expected = page.vigieExpectedStatus;
      if (
        expected &&
        msg.text().startsWith(`Failed to load resource: the server responded with a status of ${expected} `) &&
        msg.location().url.split('#')[0] === page.url().split('#')[0]
      ) {
        return;
      }
      if (msg.type() === 'error') {
        this.issues.console.push({ who, url: page.url(), text: msg.text() });
      }
    });
    page.on('pageerror', (err) => {
      this.issues.console.push({ who, url: page.url(), text: `uncaught: ${err.message}` });
    });
    // Chromium's "Failed to load resource" message does not say which; this does.
    page.on('response', (res) => {
      if (res.status() >= 400 && res.request().resourceType() !== 'document') {
        this.issues.console.push({ who, url: page.url(), text: `HTTP ${res.status()} for ${res.url()}` });
      }
    });
    return page;
  }

  /**
   * Runs axe-core on the page as it is now and records serious and critical violations. With
   * JavaScript on it runs in the page itself; with JavaScript off, on a copy of the page's DOM
   * served at the same address (same stylesheet, same viewport) to a page where axe can run.
   */
  async audit(page, step) {
    this.pagesChecked += 1;
    const url = page.url();
    let results;
    if (page.context().vigie.javaScriptEnabled) {
      results = await runAxe(page);
    } else {
      const html = await page.content();
      const viewport = page.viewportSize();
      const target = url.split('#')[0];
      const match = (u) => u.href.split('#')[0] === target;
      const audit = this.auditPage;
      await audit.setViewportSize(viewport);
      await audit.route(match, (route) =>
        route.fulfill({
          status: 200,
          contentType: 'text/html; charset=utf-8',
          // The copy must not run anything the JavaScript-off page did not run.
          headers: { 'content-security-policy': "script-src 'none'" },
          body: html,
        }),
      );
      try {
        await audit.goto(target);
        results = await runAxe(audit);
      } finally {
        await audit.unroute(match);
      }
    }
    for (const v of results.violations) {
      if (!BLOCKING_IMPACTS.has(v.impact) && !BLOCKING_RULES.has(v.id)) continue;
      this.issues.axe.push({
        who: page.context().vigie.who,
        step,
        url,
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
      });
    }
  }
}

/**
 * Injects axe-core and runs it. The source goes in through the DevTools protocol (as
 * `page.evaluate`), which the pages' Content-Security-Policy (`default-src 'self'`, no inline
 * script) does not apply to, where `page.addScriptTag` would add an inline script the policy blocks.
 */
async function runAxe(page) {
  const present = await page.evaluate(() => typeof window.axe === 'object');
  if (!present) await page.evaluate(AXE_SOURCE);
  return page.evaluate(() =>
    window.axe.run(document, {
      resultTypes: ['violations'],
      rules: { 'label-content-name-mismatch': { enabled: true } },
    }),
  );
}

module.exports = { Browser };
