// The journeys, written against the pages' markup (form actions, field ids) and what a person
// sees. Every page reached goes through `Actor.arrived`, which audits it.
'use strict';

const assert = require('node:assert/strict');

/** One person in one browser profile. */
class Actor {
  constructor({ browser, server, context, page, name }) {
    this.browser = browser;
    this.server = server;
    this.context = context;
    this.page = page;
    this.name = name;
    this.step = '?';
  }

  static async create(browser, server, who, javaScriptEnabled) {
    const context = await browser.newContext(who, { javaScriptEnabled });
    const page = await browser.newPage(context);
    return new Actor({ browser, server, context, page, name: who });
  }

  /** Opens a path (or an absolute URL) and checks the page. */
  async visit(target, { status = 200 } = {}) {
    const url = target.startsWith('http') ? target : this.server.base + target;
    this.page.vigieExpectedStatus = status === 200 ? null : status;
    const res = await this.page.goto(url);
    await this.arrived(res, status, `GET ${target}`);
  }

  /** Clicks something that loads a new page (a link, a submit button) and checks that page. */
  async follow(locator, { status = 200 } = {}) {
    const what = `${locator}`;
    this.page.vigieExpectedStatus = status === 200 ? null : status;
    const [res] = await Promise.all([this.page.waitForNavigation(), locator.click()]);
    await this.arrived(res, status, `click ${what}`);
  }

  async arrived(res, status, what) {
    assert.ok(res, `${what}: no response`);
    if (res.status() !== status) {
      const body = (await this.page.locator('main').innerText().catch(() => '')).slice(0, 600);
      assert.fail(`${what}: status ${res.status()} (expected ${status}) at ${this.page.url()}\n${body}`);
    }
    await this.browser.audit(this.page, this.step);
    this.page.vigieExpectedStatus = null;
  }

  main() {
    return this.page.locator('main');
  }

  form(action) {
    return this.page.locator(`form[action="${action}"]`);
  }

  /** The path of the current page, without the query string and fragment. */
  path() {
    return new URL(this.page.url()).pathname;
  }
}

const PASSWORD = 'correct horse battery staple';

async function setupAdmin(admin, setupLink) {
  await admin.visit(setupLink);
  await admin.page.fill('#setup-username', admin.name);
  await admin.page.fill('#setup-email', `${admin.name}@example.org`);
  await admin.page.fill('#setup-password', PASSWORD);
  await admin.follow(admin.page.locator('form[action^="/setup/"] button[type="submit"]'));
  assert.equal(admin.path(), '/admin/boards');
  await assertSignedIn(admin);
}

async function assertSignedIn(actor) {
  const link = actor.page.locator(`.user-menu a[href="/u/${actor.name}"]`);
  assert.equal(await link.count(), 1, `${actor.name} is not shown as signed in on ${actor.page.url()}`);
}

async function register(actor) {
  await actor.visit('/');
  await actor.follow(actor.page.locator('.user-menu a[href="/register"]'));
  await actor.page.fill('#register-username', actor.name);
  await actor.page.fill('#register-email', `${actor.name}@example.org`);
  await actor.page.fill('#register-password', PASSWORD);
  await actor.follow(actor.form('/register').locator('button[type="submit"]'));
  assert.equal(actor.path(), '/register/sent');
}

async function verifyByMail(actor) {
  const link = await actor.server.mailedLink(`${actor.name}@example.org`, '/verify/');
  await actor.visit(link);
  // The notice offers to sign in (signed out) or to go on (signed in).
  const next = actor.main().locator('a[href="/login"], a[href="/"]');
  assert.ok((await next.count()) >= 1, `no way on from the verification notice:\n${await actor.main().innerText()}`);
}

async function login(actor) {
  await actor.visit('/login');
  await actor.page.fill('#login-login', actor.name);
  await actor.page.fill('#login-password', PASSWORD);
  await actor.follow(actor.form('/login').locator('button[type="submit"]'));
  await assertSignedIn(actor);
  assert.equal(await actor.page.locator('.verify-banner').count(), 0, 'the account still shows as unverified');
}

/** Starts a thread attached to a city; returns its id and path. */
async function startThread(actor, { board, title, city, body }) {
  await actor.visit('/');
  await actor.follow(actor.main().locator(`a[href="/b/${board}"]`).first());
  await actor.follow(actor.main().locator(`a[href="/b/${board}/new"]`));
  await actor.page.fill('#thread-title', title);
  await actor.page.fill('#thread-city', city);
  await actor.page.fill('#thread-body', body);
  await actor.follow(actor.form(`/b/${board}/new`).locator('button[type="submit"]'));
  const m = actor.path().match(/^\/t\/(\d+)/);
  assert.ok(m, `not on a thread after posting: ${actor.page.url()}`);
  assert.equal((await actor.page.locator('h1').innerText()).trim(), title);
  assert.equal(await actor.main().locator(`a[href="/c/${city}"]`).count() >= 1, true, `the thread does not link to its city ${city}`);
  await assertPostText(actor, 1, body);
  return { id: Number(m[1]), path: actor.path() };
}

async function assertPostText(actor, number, text) {
  const post = actor.page.locator(`article#p${number} .post-body`);
  assert.equal(await post.count(), 1, `no post #${number} on ${actor.page.url()}`);
  const shown = await post.innerText();
  assert.ok(shown.includes(text), `post #${number} shows «${shown}», expected it to contain «${text}»`);
}

async function reply(actor, thread, body) {
  await actor.visit(thread.path);
  await actor.page.fill('#reply-body', body);
  await actor.follow(actor.form(`/t/${thread.id}/reply`).locator('button[type="submit"]'));
  assert.ok(actor.path().startsWith(`/t/${thread.id}`), `not back on the thread: ${actor.page.url()}`);
  await assertPostText(actor, 2, body);
}

async function quote(actor, thread, quotedNumber, quotedText, body) {
  await actor.visit(thread.path);
  await actor.follow(actor.page.locator(`article#p${quotedNumber} a[href*="quote="]`));
  const draft = await actor.page.inputValue('#reply-body');
  assert.ok(draft.includes(quotedText), `the quote page's draft does not quote post #${quotedNumber}: «${draft}»`);
  await actor.page.fill('#reply-body', `${draft}\n\n${body}`);
  await actor.follow(actor.form(`/t/${thread.id}/reply`).locator('button[type="submit"]'));
  const quoted = actor.page.locator('article#p3 .post-body blockquote');
  assert.ok((await quoted.count()) >= 1, 'the quoting post shows no blockquote');
  assert.ok((await quoted.first().innerText()).includes(quotedText), 'the blockquote does not hold the quoted text');
  await assertPostText(actor, 3, body);
}

/** Reports post `number` of the thread; returns the post's id. */
async function report(actor, thread, number, text) {
  await actor.visit(thread.path);
  const link = actor.page.locator(`article#p${number} a[href$="/report"]`);
  const href = await link.getAttribute('href');
  const postId = Number(href.match(/^\/p\/(\d+)\/report$/)[1]);
  await actor.follow(link);
  await actor.page.locator('input[name="reason"]').first().check();
  await actor.page.fill('#report-text', text);
  await actor.follow(actor.form(`/p/${postId}/report`).locator('button[type="submit"]'));
  return postId;
}

async function moderateReport(admin, postId, reportText, screenshots) {
  await admin.visit('/');
  await admin.follow(admin.page.locator('.main-nav a[href="/mod/reports"]'));
  const form = admin.form(`/mod/reports/${postId}`);
  assert.equal(await form.count(), 1, `the report on post ${postId} is not in the queue`);
  assert.ok((await admin.main().innerText()).includes(reportText), 'the queue does not show the reporter’s words');
  if (screenshots) await screenshots(admin.page, 'moderation-queue');
  await form.locator('textarea[name="reason"]').fill('Hors sujet (test de bout en bout).');
  await admin.follow(form.locator('button[name="action"][value="hide"]'));
  assert.equal(admin.path(), '/mod/reports');
  assert.equal(await admin.form(`/mod/reports/${postId}`).count(), 0, 'the handled report is still in the queue');
  assert.equal(await admin.page.locator('.alert-success').count(), 1, 'no confirmation after handling the report');
}

async function assertPostHidden(actor, thread, number) {
  await actor.visit(thread.path);
  const post = actor.page.locator(`article#p${number}`);
  const hiddenMarks = post.locator('.post-hidden, .post-body .meta');
  assert.ok((await hiddenMarks.count()) >= 1, `post #${number} does not show as hidden to ${actor.name}`);
}

/** Proposes a deployment; returns its page's path. */
async function proposeDeployment(actor, { title, city, company, sourceUrl }) {
  await actor.visit('/');
  await actor.follow(actor.page.locator('.main-nav a[href="/observatoire"]'));
  await actor.follow(actor.main().locator('a[href="/observatoire/proposer"]').first());
  await actor.page.fill('#field-title', title);
  const technology = await actor.page.locator('#field-technology option:not([value=""])').first().getAttribute('value');
  await actor.page.selectOption('#field-technology', technology);
  await actor.page.fill('#field-city', city);
  await actor.page.fill('#field-started', '2024-03');
  await actor.page.fill('#field-companies', company);
  await actor.page.fill('#field-description', 'Caméras « augmentées » installées place de la gare.');
  await actor.page.fill('input[name="source_url_0"]', sourceUrl);
  await actor.page.fill('input[name="source_title_0"]', 'Délibération du conseil municipal');
  await actor.follow(actor.form('/observatoire/proposer').locator('button[type="submit"]'));
  const m = actor.path().match(/^\/observatoire\/d\/(\d+)$/);
  assert.ok(m, `not on the proposal's page: ${actor.page.url()}`);
  assert.equal(await actor.page.locator('.pending-revisions').count(), 1, 'the proposal does not show as pending');
  return actor.path();
}

async function publishDeployment(admin, deploymentPath, title) {
  await admin.visit('/observatoire/propositions');
  await admin.follow(admin.main().locator(`a[href^="${deploymentPath}#"]`));
  await admin.follow(admin.page.locator('form.review-form button[name="decision"][value="publish"]'));
  assert.equal(admin.path(), deploymentPath);
  assert.equal(await admin.page.locator('.pending-revisions').count(), 0, 'the proposal is still pending after publishing');
  // Published: listed on the index, with a discussion thread.
  const discussion = admin.main().locator('.actions a[href^="/t/"]');
  assert.equal(await discussion.count(), 1, 'the published deployment has no discussion thread');
  await admin.visit('/observatoire');
  assert.ok((await admin.main().innerText()).includes(title), 'the published deployment is not listed on the observatory');
  await admin.visit('/observatoire/carte');
}

async function signManifesto(actor, { name, email, city }) {
  await actor.visit('/');
  await actor.follow(actor.page.locator('.main-nav a[href="/manifeste"]'));
  const before = (await actor.page.locator('#manifesto-people').innerText()).trim();
  await actor.page.locator('#manifesto-kind-person').check();
  await actor.page.fill('#manifesto-name', name);
  await actor.page.fill('#manifesto-city', city);
  await actor.page.fill('#manifesto-email', email);
  await actor.follow(actor.page.locator('form:has(#manifesto-name) button[type="submit"]'));
  const link = await actor.server.mailedLink(email, '/manifeste/confirmer/');
  await actor.visit(link);
  await actor.visit('/manifeste');
  const after = (await actor.page.locator('#manifesto-people').innerText()).trim();
  assert.notEqual(after, before, `the signatory count did not change after confirming («${after}»)`);
  return after;
}

/** Switches the interface language with the footer's form and checks the page follows. */
async function switchLanguage(actor, lang, expectedNavText) {
  await actor.page.selectOption('#lang-switch-select', lang);
  await actor.follow(actor.page.locator('form.lang-switch button[type="submit"]'));
  assert.equal(await actor.page.getAttribute('html', 'lang'), lang);
  const nav = await actor.page.locator('.main-nav').innerText();
  assert.ok(nav.includes(expectedNavText), `the navigation is not in ${lang}: «${nav}»`);
}

/** Creates a group from the directory's link; returns its slug and path. */
async function createGroup(actor, { name, slug, city, description, website, visibility, joinPolicy }) {
  await actor.visit('/');
  await actor.visit('/g');
  await actor.follow(actor.main().locator('a[href="/g/new"]'));
  await actor.page.fill('#group-name', name);
  await actor.page.fill('#group-slug', slug);
  await actor.page.fill('#group-city', city);
  await actor.page.fill('#group-description', description);
  await actor.page.fill('#group-website', website);
  await actor.page.selectOption('#group-visibility', visibility);
  await actor.page.selectOption('#group-policy', joinPolicy);
  await actor.follow(actor.form('/g/new').locator('button[type="submit"]'));
  const path = `/g/${slug}`;
  assert.equal(actor.path(), path, `not on the group's page after creating it: ${actor.page.url()}`);
  assert.equal((await actor.page.locator('h1').innerText()).trim(), name);
  return { slug, path, name };
}

/** Checks the group's page lists its two boards, the private one marked so, to a member. */
async function assertGroupBoards(actor, group) {
  await actor.visit(group.path);
  const coordination = actor.main().locator(`li:has(a[href="${group.path}/b/coordination"])`);
  const annonces = actor.main().locator(`li:has(a[href="${group.path}/b/annonces"])`);
  assert.equal(await coordination.count(), 1, 'the group page does not list its board Coordination');
  assert.equal(await annonces.count(), 1, 'the group page does not list its board Annonces');
  assert.equal((await coordination.locator('a').innerText()).trim(), 'Coordination');
  assert.equal((await annonces.locator('a').innerText()).trim(), 'Annonces');
  assert.ok((await coordination.innerText()).includes('privé'), 'the board Coordination is not marked private');
  assert.ok(!(await annonces.innerText()).includes('privé'), 'the board Annonces is marked private');
}

/** Checks the directory `/g` lists the group. */
async function assertGroupListed(actor, group) {
  await actor.visit('/g');
  const link = actor.main().locator(`ul.groups a[href="${group.path}"]`);
  assert.equal(await link.count(), 1, `the directory does not list ${group.path}`);
  assert.equal((await link.innerText()).trim(), group.name);
}

const ACTION_FIELDS = {
  title: '#action-title',
  starts_at: '#action-starts',
  ends_at: '#action-ends',
  city: '#action-city',
  place: '#action-place',
  meeting_point: '#action-meeting',
  description: '#action-description',
  capacity: '#action-capacity',
};

async function fillActionForm(actor, values) {
  for (const [field, selector] of Object.entries(ACTION_FIELDS)) {
    await actor.page.fill(selector, values[field]);
  }
  await actor.page.locator(`input[name="visibility"][value="${values.visibility}"]`).check();
}

/**
 * Opens the group's action form from its page and sends `bad` (refused: the form comes back
 * with 422, every value kept, the refused fields marked), calls `onRefused` on that page, then
 * sends `good`; returns the action's id and path.
 */
async function announceAction(actor, group, bad, badFields, good, onRefused) {
  await actor.visit(group.path);
  const formPath = `${group.path}/actions/new`;
  await actor.follow(actor.main().locator(`a[href="${formPath}"]`));
  assert.equal(await actor.page.inputValue('#action-city'), 'marseille', 'the form does not start with the group’s city');
  await fillActionForm(actor, bad);
  await actor.follow(actor.form(formPath).locator('button[type="submit"]'), { status: 422 });
  assert.equal(await actor.page.locator('.alert-error[role="alert"]').count(), 1, 'the refused form shows no error summary');
  for (const [field, selector] of Object.entries(ACTION_FIELDS)) {
    assert.equal(await actor.page.inputValue(selector), bad[field], `the refused form lost the field ${field}`);
    const invalid = await actor.page.getAttribute(selector, 'aria-invalid');
    if (badFields.includes(field)) {
      assert.equal(invalid, 'true', `the refused field ${field} is not marked aria-invalid`);
      const described = await actor.page.getAttribute(selector, 'aria-describedby');
      assert.ok(described, `the refused field ${field} is not described by its error`);
      const error = (await actor.page.locator(`#${described}`).innerText()).trim();
      assert.ok(error.length > 0, `the error of ${field} is empty`);
    } else {
      assert.equal(invalid, null, `the field ${field} is marked invalid though it is not`);
    }
  }
  assert.ok(
    await actor.page.locator(`input[name="visibility"][value="${bad.visibility}"]`).isChecked(),
    'the refused form lost the visibility',
  );
  if (onRefused) await onRefused(actor.page);
  await fillActionForm(actor, good);
  await actor.follow(actor.form(formPath).locator('button[type="submit"]'));
  const m = actor.path().match(/^\/a\/(\d+)$/);
  assert.ok(m, `not on the action's page after announcing it: ${actor.page.url()}`);
  assert.equal((await actor.page.locator('h1').innerText()).trim(), good.title);
  const facts = await actor.main().locator('.action-facts').innerText();
  for (const text of [good.place, good.meeting_point]) {
    assert.ok(facts.includes(text), `the action page does not show «${text}»:\n${facts}`);
  }
  assert.equal(await actor.main().locator(`.action-facts a[href="${group.path}"]`).count(), 1, 'the action page does not name its group');
  return { id: Number(m[1]), path: actor.path(), title: good.title };
}

/** Answers the RSVP form of the action and checks the answer is shown back. */
async function answerAction(actor, action, { answer, hideName, label }) {
  await actor.visit(action.path);
  const form = actor.form(`/a/${action.id}/rsvp`);
  assert.equal(await form.count(), 1, `no RSVP form on ${action.path}`);
  await form.locator(`input[name="answer"][value="${answer}"]`).check();
  const hide = form.locator('input[name="hide_name"]');
  if (hideName) await hide.check();
  else await hide.uncheck();
  await actor.follow(form.locator('button[type="submit"]'));
  assert.equal(actor.path(), action.path, `not back on the action after answering: ${actor.page.url()}`);
  const mine = actor.page.locator('#rsvp [role="status"]');
  assert.equal(await mine.count(), 1, 'the action page does not show the answer given');
  assert.ok((await mine.innerText()).includes(label), `the answer shown is «${await mine.innerText()}», expected «${label}»`);
  assert.ok(await form.locator(`input[name="answer"][value="${answer}"]`).isChecked(), 'the form does not keep the answer given');
  assert.equal(await hide.isChecked(), hideName, 'the form does not keep the choice to hide the name');
}

/** Checks an action list (at `listPath`) links to the action. */
async function assertActionListed(actor, listPath, action) {
  await actor.visit(listPath);
  const link = actor.main().locator(`.actions-list a[href="${action.path}"]`);
  assert.equal(await link.count(), 1, `${listPath} does not list ${action.path}`);
  assert.equal((await link.innerText()).trim(), action.title);
}

/** Checks the city page lists the upcoming action and the group. */
async function assertCityPage(actor, city, action, group) {
  await actor.visit(`/c/${city}`);
  const actions = actor.main().locator(`.city-actions a[href="${action.path}"]`);
  assert.equal(await actions.count(), 1, `/c/${city} does not list the action ${action.path}`);
  const groups = actor.main().locator(`.city-groups a[href="${group.path}"]`);
  assert.equal(await groups.count(), 1, `/c/${city} does not list the group ${group.path}`);
}

module.exports = {
  Actor,
  PASSWORD,
  setupAdmin,
  register,
  verifyByMail,
  login,
  startThread,
  reply,
  quote,
  report,
  moderateReport,
  assertPostHidden,
  proposeDeployment,
  publishDeployment,
  signManifesto,
  switchLanguage,
  assertSignedIn,
  createGroup,
  assertGroupBoards,
  assertGroupListed,
  announceAction,
  answerAction,
  assertActionListed,
  assertCityPage,
};
