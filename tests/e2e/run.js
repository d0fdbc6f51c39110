#!/usr/bin/env node
// Vigie's browser end-to-end tests: the real server, Debian's headless Chromium, the main
// journeys with JavaScript off and then on, and on every page visited three checks: no request
// to any host but the server's own, no console error, no axe-core violation of impact serious or
// critical. Screenshots of the main pages at 1280×900 and 390×844 go to a folder.
//
// Run from anywhere: `node tests/e2e/run.js` (after `npm ci` in tests/e2e and
// `cargo build --bin vigie`). Exits non-zero when a check fails.
//
// Environment variables:
//   VIGIE_E2E_BINARY       the server binary (default: target/debug/vigie in the repository)
//   VIGIE_E2E_CHROMIUM     the Chromium executable (default: /usr/bin/chromium)
//   VIGIE_E2E_SCREENSHOTS  where screenshots are written (default: target/e2e-screenshots in the
//                          repository); the folder is created, existing files are overwritten
//   VIGIE_E2E_KEEP         set to 1 to keep the temporary folder (database, mails, server.log)
//
// The server runs with a fresh SQLite database and the `file` mail transport in a temporary
// folder, on a free port of 127.0.0.1; the runner reads the one-time setup link from its log and
// the verification and confirmation links from the mails it writes.
'use strict';

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Server } = require('./lib/server');
const { Browser } = require('./lib/browser');
const J = require('./lib/journeys');
const P = require('./lib/private');

const repoRoot = path.resolve(__dirname, '..', '..');
const binary = path.resolve(process.env.VIGIE_E2E_BINARY || path.join(repoRoot, 'target', 'debug', 'vigie'));
const chromiumPath = process.env.VIGIE_E2E_CHROMIUM || '/usr/bin/chromium';
const screenshotDir = path.resolve(process.env.VIGIE_E2E_SCREENSHOTS || path.join(repoRoot, 'target', 'e2e-screenshots'));
const keep = process.env.VIGIE_E2E_KEEP === '1';

// Serious violations found in markup this suite cannot fix (it is drawn in src/, out of its
// reach), each with why. They are printed on every run, and the run fails when one is no longer
// found, so that its entry is removed with the fix.
const KNOWN_VIOLATIONS = [];

const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-e2e-'));
const server = new Server({ binary, repoRoot, workDir });
let browser;
let admin;
const layoutIssues = [];

/** Full-page screenshots of the current page at each viewport, as `<name>-<w>x<h>.png`. */
async function screenshots(page, name) {
  const original = page.viewportSize();
  for (const vp of VIEWPORTS) {
    await page.setViewportSize(vp);
    // WCAG 1.4.10 (reflow): nothing should need scrolling sideways, even on a phone.
    const overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return null;
      const describe = (e) => e.tagName.toLowerCase() + (e.id ? `#${e.id}` : '') + (e.className && typeof e.className === 'string' ? `.${e.className.trim().split(/\s+/).join('.')}` : '');
      const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1);
      // The innermost ones: those that hold no other element wider than the page.
      const innermost = wide.filter((e) => !wide.some((o) => o !== e && e.contains(o)));
      return { scrollWidth: document.documentElement.scrollWidth, width, elements: innermost.slice(0, 8).map(describe) };
    });
    if (overflow) {
      layoutIssues.push(`${name} at ${vp.width}×${vp.height}: the page is ${overflow.scrollWidth} px wide for ${overflow.width}; too wide: ${overflow.elements.join(', ')}`);
    }
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${vp.width}x${vp.height}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

/**
 * A journey's steps: each builds on the previous ones, so after a failure the rest are skipped,
 * not failed. `actors()` lists the people whose audits are labelled with the step's name.
 */
function journey(label, actors) {
  let failed = false;
  return (name, fn) =>
    test(name, async (t) => {
      if (failed) return t.skip('an earlier step failed');
      for (const actor of actors()) if (actor) actor.step = `${label}: ${name}`;
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    });
}

before(async () => {
  fs.mkdirSync(screenshotDir, { recursive: true });
  await server.start();
  browser = new Browser({ executablePath: chromiumPath, serverHost: server.host });
  await browser.launch();
});

after(async () => {
  if (browser) await browser.close();
  await server.stop();
  if (process.exitCode) {
    console.log(`\n--- last lines of the server log (${server.logPath}) ---\n${server.tail()}`);
  }
  if (keep || process.exitCode) {
    console.log(`temporary files kept in ${workDir}`);
  } else {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  console.log(`${browser ? browser.pagesChecked : 0} pages checked; screenshots in ${screenshotDir}`);
});

test('the first administrator is created from the setup link in the log', async () => {
  admin = await J.Actor.create(browser, server, 'admin_e2e', true);
  admin.step = 'setup';
  await J.setupAdmin(admin, server.setupLink);
});

for (const javaScriptEnabled of [false, true]) {
  const mode = javaScriptEnabled ? 'js' : 'nojs';
  describe(`journeys with JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    const s = {};
    const step = journey(mode, () => [admin, s.author, s.reporter]);

    step('register, open the mailed verification link, sign in', async () => {
      assert.ok(admin, 'no administrator (the setup test failed)');
      s.author = await J.Actor.create(browser, server, `autrice_${mode}`, javaScriptEnabled);
      s.reporter = await J.Actor.create(browser, server, `veilleur_${mode}`, javaScriptEnabled);
      for (const actor of [s.author, s.reporter]) {
        actor.step = `${mode}: register`;
        await J.register(actor);
        await J.verifyByMail(actor);
        await J.login(actor);
      }
    });

    step('start a thread with a city', async () => {
      s.firstPost = `Le conseil municipal vote mardi l’extension des caméras (${mode}).`;
      s.thread = await J.startThread(s.author, {
        board: 'videosurveillance',
        title: `Extension de la vidéosurveillance à Lyon (${mode})`,
        city: 'lyon',
        body: s.firstPost,
      });
    });

    step('reply', async () => {
      s.reply = `Rendez-vous devant la mairie à 18 h (${mode}).`;
      await J.reply(s.author, s.thread, s.reply);
    });

    step('quote a post', async () => {
      await J.quote(s.author, s.thread, 1, s.firstPost, `Qui vient ? (${mode})`);
    });

    step('another member reports a post', async () => {
      s.reportText = `Message publicitaire (${mode})`;
      s.reportedPost = await J.report(s.reporter, s.thread, 2, s.reportText);
    });

    step('the administrator hides it from the moderation queue', async () => {
      await J.moderateReport(admin, s.reportedPost, s.reportText, javaScriptEnabled ? screenshots : null);
      await J.assertPostHidden(s.reporter, s.thread, 2);
    });

    step('propose a deployment in the observatory; the administrator publishes it', async () => {
      const title = `Caméras algorithmiques à Grenoble (${mode})`;
      const deployment = await J.proposeDeployment(s.author, {
        title,
        city: 'grenoble',
        company: `Vigisoft ${mode}`,
        sourceUrl: `https://example.org/deliberation-${mode}`,
      });
      await J.publishDeployment(admin, deployment, title);
    });

    step('sign the manifesto and confirm by the mailed link', async () => {
      await J.signManifesto(s.author, {
        name: `Camille ${mode}`,
        email: `camille-${mode}@example.org`,
        city: 'Lyon',
      });
    });

    step('change the language to English and back to French', async () => {
      await s.author.visit('/');
      assert.equal(await s.author.page.getAttribute('html', 'lang'), 'fr');
      await J.switchLanguage(s.author, 'en', 'Boards');
      await s.author.visit(s.thread.path);
      assert.equal(await s.author.page.getAttribute('html', 'lang'), 'en', 'English is not kept from page to page');
      await J.switchLanguage(s.author, 'fr', 'Forums');
    });
  });
}

describe('local groups and actions with JavaScript off', () => {
  const s = {};
  const step = journey('groups', () => [s.coordinator, s.member, s.visitor]);

  step('two members register and sign in', async () => {
    s.coordinator = await J.Actor.create(browser, server, 'coordinatrice_nojs', false);
    s.member = await J.Actor.create(browser, server, 'militant_nojs', false);
    for (const actor of [s.coordinator, s.member]) {
      actor.step = 'groups: register';
      await J.register(actor);
      await J.verifyByMail(actor);
      await J.login(actor);
    }
  });

  step('a member creates a group; its page shows its boards, the directory lists it', async () => {
    s.group = await J.createGroup(s.coordinator, {
      name: 'Technopolice Marseille',
      slug: 'technopolice-marseille',
      city: 'marseille',
      description: 'Collectif contre la **surveillance algorithmique** à Marseille.',
      website: 'https://example.org/technopolice-marseille',
      visibility: 'public',
      joinPolicy: 'open',
    });
    await J.assertGroupBoards(s.coordinator, s.group);
    await screenshots(s.coordinator.page, 'group');
    await J.assertGroupListed(s.coordinator, s.group);
    await screenshots(s.coordinator.page, 'groups');
  });

  step('the coordinator announces an action: a refused form keeps what was typed, then it is published', async () => {
    const good = {
      title: 'Rassemblement contre la VSA au Vieux-Port',
      starts_at: '2030-05-01T20:00',
      ends_at: '2030-05-01T22:00',
      city: 'marseille',
      place: 'Quai du Port',
      meeting_point: 'Devant l’hôtel de ville',
      description: 'Tracts et banderoles ; venez avec vos questions.',
      capacity: '40',
      visibility: 'public',
    };
    // The end before the start: refused.
    const bad = { ...good, ends_at: '2030-05-01T18:00', visibility: 'members' };
    s.action = await J.announceAction(s.coordinator, s.group, bad, ['ends_at'], good, (page) =>
      screenshots(page, 'action-form-errors'),
    );
    await screenshots(s.coordinator.page, 'action');
  });

  step('another member joins the group and answers the action’s RSVP form', async () => {
    await s.member.visit(s.group.path);
    await s.member.follow(s.member.form(`${s.group.path}/join`).locator('button[type="submit"]'));
    await s.member.visit(s.group.path);
    assert.equal(await s.member.form(`${s.group.path}/leave`).count(), 1, 'the member does not show as a member after joining');
    await J.answerAction(s.member, s.action, { answer: 'maybe', hideName: true, label: 'Peut-être' });
    await J.answerAction(s.member, s.action, { answer: 'going', hideName: false, label: 'J’y vais' });
    const attendees = s.member.main().locator(`.attendees a[href="/u/${s.member.name}"]`);
    assert.equal(await attendees.count(), 1, 'the member is not listed among those who come');
  });

  step('the actions list and its filters show the action', async () => {
    await J.assertActionListed(s.member, '/actions', s.action);
    await screenshots(s.member.page, 'actions');
    const from = '2030-04-30';
    const to = '2030-05-02';
    await J.assertActionListed(s.member, `/actions?city=marseille&group=${s.group.slug}&from=${from}&to=${to}`, s.action);
    for (const query of ['from=2030-05-02', 'to=2030-04-30']) {
      await s.member.visit(`/actions?${query}`);
      assert.equal(await s.member.main().locator(`a[href="${s.action.path}"]`).count(), 0, `/actions?${query} lists the action`);
    }
    await J.assertActionListed(s.member, `${s.group.path}/actions`, s.action);
  });

  step('the city page shows the upcoming action and the group', async () => {
    await J.assertCityPage(s.member, 'marseille', s.action, s.group);
    await screenshots(s.member.page, 'city');
  });

  step('with JavaScript on, a visitor signed out sees the group, the action and the lists', async () => {
    s.visitor = await J.Actor.create(browser, server, 'visiteur_js', true);
    s.visitor.step = 'groups: visitor with JavaScript';
    await s.visitor.visit(s.group.path);
    await s.visitor.visit('/g');
    await s.visitor.visit(s.action.path);
    assert.equal(await s.visitor.main().locator(`a[href="/login?next=/a/${s.action.id}"]`).count(), 1, 'no way to sign in and answer');
    await J.assertActionListed(s.visitor, '/actions', s.action);
    await J.assertCityPage(s.visitor, 'marseille', s.action, s.group);
  });
});

describe('private messages and two-factor sign-in with JavaScript off', () => {
  const s = {};
  const step = journey('messages', () => [s.sender, s.recipient]);

  step('two members register and sign in', async () => {
    s.sender = await J.Actor.create(browser, server, 'expediteur_nojs', false);
    s.recipient = await J.Actor.create(browser, server, 'destinataire_nojs', false);
    for (const actor of [s.sender, s.recipient]) {
      actor.step = 'messages: register';
      await J.register(actor);
      await J.verifyByMail(actor);
      await J.login(actor);
    }
  });

  step('one writes to the other from the messages page', async () => {
    s.first = 'Tu viens à la réunion **jeudi** sur les caméras du parc ?';
    s.conversation = await P.sendMessage(s.sender, {
      to: s.recipient.name,
      subject: 'Réunion de jeudi',
      body: s.first,
    });
    const bold = s.sender.main().locator('strong', { hasText: 'jeudi' });
    assert.ok((await bold.count()) >= 1, 'the message’s Markdown is not cooked');
  });

  step('the other sees it counted in the header, reads it and answers', async () => {
    await P.readMessage(s.recipient, s.conversation, 'Tu viens à la réunion');
    await screenshots(s.recipient.page, 'conversation');
    await P.replyMessage(s.recipient, s.conversation, 'Oui, avec les tracts.');
    await s.recipient.visit('/messages');
    await screenshots(s.recipient.page, 'messages');
  });

  step('a member turns two-factor sign-in on, then signs in with a recovery code', async () => {
    const codes = await P.enrolTwoFactor(s.recipient, screenshots);
    await screenshots(s.recipient.page, 'two-factor-codes');
    await P.signInWithRecoveryCode(s.recipient, codes[0]);
  });
});

test('screenshots of the main pages', async () => {
  assert.ok(admin, 'no administrator (the setup test failed)');
  admin.step = 'screenshots';
  // Every main page, as the administrator (the widest header and the staff tools): each is
  // checked for sideways scrolling at 390 px by `screenshots`.
  const pages = [
    ['home', '/'],
    ['board', '/b/videosurveillance'],
    ['cities', '/c'],
    ['city-lyon', '/c/lyon'],
    ['groups-admin', '/g'],
    ['actions-admin', '/actions'],
    ['observatory', '/observatoire'],
    ['map', '/observatoire/carte'],
    ['manifesto', '/manifeste'],
    ['settings', '/settings'],
    ['notifications', '/notifications'],
    ['modlog', '/mod/log'],
    ['modlog-public', '/moderation'],
    ['moderation-queue', '/mod/reports'],
    ['admin-boards', '/admin/boards'],
    ['admin-settings', '/admin/settings'],
    ['admin-users', '/admin/users'],
    ['admin-user', `/admin/users?q=${admin.name}`],
    ['admin-mail', '/admin/mail'],
    ['mod-person', '/mod/users/autrice_nojs'],
  ];
  for (const [name, target] of pages) {
    await admin.visit(target);
    await screenshots(admin.page, name);
  }
  // The last thread of the board (the JavaScript-on journey's when it ran), with its watch form
  // and, for staff, a "Moderate" disclosure under each post: shown closed, then open.
  await admin.visit('/b/videosurveillance');
  await admin.follow(admin.main().locator('a[href^="/t/"]').first());
  await screenshots(admin.page, 'thread');
  const disclosures = admin.main().locator('article.post details.post-mod');
  assert.ok((await disclosures.count()) > 0, 'no "Moderate" disclosure under the posts');
  await disclosures.first().locator('summary').click();
  assert.equal(await disclosures.first().getAttribute('open'), '', 'the disclosure does not open');
  await screenshots(admin.page, 'thread-moderate');
  // Deleting for good asks first, on a page of its own.
  await admin.follow(disclosures.first().locator('a[href$="/delete"]'));
  assert.match(admin.path(), /^\/mod\/posts\/\d+\/delete$/);
  assert.equal(await admin.main().locator('form[action^="/mod/posts/"] button.danger').count(), 1, 'no red confirm button');
  await screenshots(admin.page, 'post-delete-confirm');
  // The account menu, opened: one row in the header, its links below it.
  await admin.visit('/');
  await admin.page.locator('.user-menu details.account-menu > summary').click();
  assert.equal(await admin.page.locator('.user-menu details.account-menu a[href="/settings"]').isVisible(), true, 'the account menu does not open');
  await screenshots(admin.page, 'account-menu');
  // Signed out: the visitor's header.
  const visitor = await J.Actor.create(browser, server, 'visiteur_screens', true);
  visitor.step = 'screenshots (visitor)';
  for (const [name, target] of [
    ['home-visitor', '/'],
    ['login', '/login'],
    ['register', '/register'],
    ['modlog-visitor', '/moderation'],
  ]) {
    await visitor.visit(target);
    await screenshots(visitor.page, name);
  }
  console.log(`screenshots written to ${screenshotDir}`);
  assert.equal(layoutIssues.length, 0, `pages wider than the screen:\n  ${layoutIssues.join('\n  ')}`);
});

describe('on every page visited', () => {
  test('no request went to another host than the server', () => {
    const lines = browser.issues.requests.map((r) => `  [${r.who}] ${r.url} (from ${r.from})`);
    assert.equal(lines.length, 0, `requests to other hosts than ${server.host}:\n${lines.join('\n')}`);
  });

  test('no console error', () => {
    const lines = browser.issues.console.map((c) => `  [${c.who}] ${c.url}: ${c.text}`);
    assert.equal(lines.length, 0, `console errors:\n${lines.join('\n')}`);
  });

  test('axe-core finds no serious or critical violation', () => {
    const known = (v, node) =>
      KNOWN_VIOLATIONS.find((k) => k.id === v.id && k.target === node.target && k.path.test(new URL(v.url).pathname));
    const seen = new Set();
    const unknown = [];
    for (const v of browser.issues.axe) {
      const nodes = v.nodes.filter((n) => {
        const k = known(v, n);
        if (k) seen.add(k);
        return !k;
      });
      if (nodes.length) unknown.push({ ...v, nodes });
    }
    for (const k of KNOWN_VIOLATIONS) {
      console.log(`known violation, not fixed here: ${k.id} at ${k.target} on ${k.path}: ${k.reason}`);
    }
    const stale = KNOWN_VIOLATIONS.filter((k) => !seen.has(k));
    assert.equal(stale.length, 0, `known violations no longer found (remove them from KNOWN_VIOLATIONS in run.js): ${stale.map((k) => k.id).join(', ')}`);
    const lines = unknown.map(
      (v) =>
        `  [${v.step}] ${v.url}\n    ${v.impact} ${v.id}: ${v.help}\n` +
        v.nodes.map((n) => `      at ${n.target}\n        ${n.summary.replace(/\n/g, '\n        ')}`).join('\n'),
    );
    assert.equal(lines.length, 0, `accessibility violations:\n${lines.join('\n')}`);
  });
});
