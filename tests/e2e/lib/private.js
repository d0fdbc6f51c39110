// Private messages and two-factor sign-in, as a person does them in the browser: written
// against the pages' markup (form actions, field ids) like `journeys.js`.
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');

const { PASSWORD, assertSignedIn } = require('./journeys');

/** The TOTP code (RFC 6238: HMAC-SHA-1, six digits, 30-second steps) of a base32 secret now. */
function totp(base32Secret, now = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Secret.toUpperCase().replace(/[^A-Z2-7]/g, '')) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 1000 / 30)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** Starts a conversation from the messages page; returns its id and path. */
async function sendMessage(actor, { to, subject, body }) {
  await actor.visit('/messages');
  await actor.follow(actor.main().locator('a[href="/messages/new"]').first());
  await actor.page.fill('#message-to', to);
  await actor.page.fill('#message-subject', subject);
  await actor.page.fill('#message-body', body);
  await actor.follow(actor.form('/messages/new').locator('button[type="submit"]'));
  const match = actor.path().match(/^\/messages\/(\d+)$/);
  assert.ok(match, `sending did not lead to the conversation but to ${actor.page.url()}`);
  // The Markdown is cooked: `**bold**` shows as bold text.
  await assertMessageShown(actor, body.replace(/\*\*/g, ''));
  return { id: match[1], path: actor.path(), subject };
}

async function assertMessageShown(actor, text) {
  const main = await actor.main().innerText();
  assert.ok(main.includes(text), `the message "${text}" is not shown on ${actor.page.url()}`);
}

/** The header counts the unread conversation; the list marks it; opening it shows the text. */
async function readMessage(actor, conversation, text) {
  await actor.visit('/');
  const count = actor.page.locator('.user-menu a.messages-link .count');
  assert.equal(await count.count(), 1, 'the header does not count the unread conversation');
  await actor.follow(actor.page.locator('.user-menu a.messages-link'));
  const link = actor.main().locator(`a[href="${conversation.path}"]`);
  assert.ok((await link.count()) >= 1, `/messages does not list ${conversation.path}`);
  await actor.follow(link.first());
  await assertMessageShown(actor, text);
  await actor.visit('/');
  assert.equal(await count.count(), 0, 'the conversation still counts as unread once read');
}

async function replyMessage(actor, conversation, body) {
  await actor.visit(conversation.path);
  await actor.page.fill('#conversation-body', body);
  await actor.follow(actor.form(`${conversation.path}/reply`).locator('button[type="submit"]'));
  assert.equal(actor.path(), conversation.path);
  await assertMessageShown(actor, body);
}

/** A submit button of the two-factor settings form for `action`. */
function twoFactorButton(actor, action) {
  return actor.main().locator(`form[action="/settings/two-factor"]:has(input[name="action"][value="${action}"]) button[type="submit"]`);
}

/** Turns two-factor sign-in on by typing the secret into a TOTP computation; returns the
 *  recovery codes shown once. */
async function enrolTwoFactor(actor, screenshots) {
  await actor.visit('/settings');
  await actor.follow(actor.main().locator('a[href="/settings/two-factor"]').first());
  await actor.follow(twoFactorButton(actor, 'start'));
  const secret = (await actor.page.locator('#two-factor-secret').innerText()).trim();
  assert.match(secret, /^[A-Z2-7 ]{16,}$/, `the secret to type is not base32: ${secret}`);
  const qr = actor.main().locator('img[src^="/settings/two-factor/qr.svg"], img[src^="data:image/svg"]');
  assert.equal(await qr.count(), 1, 'no QR code drawn by the server');
  if (screenshots) await screenshots(actor.page, 'two-factor-setup');
  await actor.page.fill('#two-factor-code', totp(secret));
  await actor.page.fill('#two-factor-password', PASSWORD);
  await actor.follow(twoFactorButton(actor, 'confirm'));
  const codes = await actor.main().locator('#recovery-codes li code').allInnerTexts();
  assert.equal(codes.length, 10, 'ten recovery codes are not shown after turning it on');
  return codes;
}

/** Signs out, then in with the password and a recovery code, which leads to setting up a new
 *  authenticator. */
async function signInWithRecoveryCode(actor, code) {
  // Signing out is in the account menu (a <details>: it opens without JavaScript too).
  await actor.page.locator('.user-menu details.account-menu > summary').click();
  await actor.follow(actor.page.locator('.user-menu form[action="/logout"] button[type="submit"]'));
  await actor.visit('/login');
  await actor.page.fill('#login-login', actor.name);
  await actor.page.fill('#login-password', PASSWORD);
  await actor.follow(actor.form('/login').locator('button[type="submit"]'));
  assert.equal(actor.path(), '/login/code', 'the password alone signed in');
  assert.equal(await actor.page.locator(`.user-menu a[href="/u/${actor.name}"]`).count(), 0, 'signed in before the code');
  await actor.page.fill('#login-code', code);
  await actor.follow(actor.form('/login/code').locator('button[type="submit"]'));
  await assertSignedIn(actor);
  assert.equal(actor.path(), '/settings/two-factor', 'a recovery code does not lead to setting up a new authenticator');
}

module.exports = { totp, sendMessage, readMessage, replyMessage, enrolTwoFactor, signInWithRecoveryCode };
