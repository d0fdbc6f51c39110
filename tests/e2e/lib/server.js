// Starts the real `vigie serve` binary on a free port with a fresh SQLite database and the
// `file` mail transport, and reads what it writes: the one-time setup link from its log, the
// links inside the mails it leaves as .eml files.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

/** A port nothing listens on right now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Calls `probe` every `intervalMs` until it returns a truthy value; throws `what` after `timeoutMs`. */
async function waitFor(probe, what, timeoutMs = 20000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

class Server {
  constructor({ binary, repoRoot, workDir }) {
    this.binary = binary;
    this.repoRoot = repoRoot;
    this.workDir = workDir;
    this.mailDir = path.join(workDir, 'mail');
    this.logPath = path.join(workDir, 'server.log');
    this.log = '';
    this.exited = null;
  }

  async start() {
    if (!fs.existsSync(this.binary)) {
      throw new Error(`no server binary at ${this.binary} (run \`cargo build --bin vigie\` or set VIGIE_E2E_BINARY)`);
    }
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.host = `127.0.0.1:${this.port}`;
    const env = {
      ...process.env,
      VIGIE_ENV: 'development',
      RUST_LOG: 'info',
      NO_COLOR: '1',
      DATABASE_URL: `sqlite:${path.join(this.workDir, 'vigie.db')}`,
      VIGIE__SERVER__BIND: this.host,
      VIGIE__SERVER__BASE_URL: this.base,
      VIGIE__SERVER__WORKERS: '2',
      VIGIE__MAIL__TRANSPORT: 'file',
      VIGIE__MAIL__FILE_DIR: this.mailDir,
      VIGIE__MAIL__POLL_SECONDS: '1',
      // Two posts a page: the journeys' threads (three posts) get page links above and below
      // their posts, which the checks then see.
      VIGIE__SITE__POSTS_PER_PAGE: '2',
    };
    const logFile = fs.openSync(this.logPath, 'a');
    this.child = spawn(this.binary, ['serve'], { cwd: this.repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk) => {
      this.log += chunk.toString();
      fs.writeSync(logFile, chunk);
    };
    this.child.stdout.on('data', collect);
    this.child.stderr.on('data', collect);
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      fs.closeSync(logFile);
    });

    this.setupLink = await waitFor(() => {
      if (this.exited) throw new Error(`the server exited (${JSON.stringify(this.exited)}):\n${this.tail()}`);
      const m = this.log.match(/one-time link\): (\S+)/);
      return m && m[1].replace(/\x1b\[[0-9;]*m/g, '');
    }, 'the setup link in the server log', 60000);
    await waitFor(async () => {
      if (this.exited) throw new Error(`the server exited (${JSON.stringify(this.exited)}):\n${this.tail()}`);
      try {
        const res = await fetch(`${this.base}/readyz`);
        return res.status === 200;
      } catch {
        return false;
      }
    }, `${this.base}/readyz to answer 200`, 30000);
  }

  /** The last lines of the server's log. */
  tail(lines = 40) {
    return this.log.replace(/\x1b\[[0-9;]*m/g, '').split('\n').slice(-lines).join('\n');
  }

  async stop() {
    if (!this.child || this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Waits for a mail to `to` that contains a link whose path starts with `pathPrefix`, and returns
   * that link. Mails are read from the file transport's folder and their MIME parts decoded.
   */
  async mailedLink(to, pathPrefix, timeoutMs = 20000) {
    const escaped = this.base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`${escaped}${pathPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s"<>]+`);
    return waitFor(() => {
      if (!fs.existsSync(this.mailDir)) return null;
      for (const name of fs.readdirSync(this.mailDir)) {
        if (!name.endsWith('.eml')) continue;
        const raw = fs.readFileSync(path.join(this.mailDir, name), 'utf8');
        const { headers, text } = decodeMail(raw);
        if (!(headers.to || '').toLowerCase().includes(to.toLowerCase())) continue;
        const m = text.match(re);
        if (m) return m[0];
      }
      return null;
    }, `a mail to ${to} with a link to ${pathPrefix}…`, timeoutMs);
  }
}

/** Splits a message into unfolded lower-case headers and the decoded text of all its parts. */
function decodeMail(raw) {
  const src = raw.replace(/\r\n/g, '\n');
  const cut = src.indexOf('\n\n');
  const head = cut === -1 ? src : src.slice(0, cut);
  const body = cut === -1 ? '' : src.slice(cut + 2);
  const headers = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const type = headers['content-type'] || 'text/plain';
  const boundary = type.match(/boundary="?([^";]+)"?/i);
  if (/^multipart\//i.test(type) && boundary) {
    const parts = body.split(`--${boundary[1]}`).slice(1);
    const texts = parts.filter((p) => !p.startsWith('--')).map((p) => decodeMail(p.replace(/^\n/, '')).text);
    return { headers, text: texts.join('\n') };
  }
  const encoding = (headers['content-transfer-encoding'] || '7bit').toLowerCase();
  let text = body;
  if (encoding === 'base64') {
    text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    text = Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return { headers, text: text.replace(/&amp;/g, '&') };
}

module.exports = { Server, waitFor };
