//! A tiny but real SMTP server for the integration tests.
//!
//! The tests start it in-process ([`SmtpServer::start`]) and point the application at
//! [`SmtpServer::url`] (`smtp://127.0.0.1:PORT`: plain SMTP, no TLS, no AUTH), so the real mail
//! code path (lettre's `AsyncSmtpTransport<Tokio1Executor>`) is exercised over TCP.
//!
//! What it speaks: the 220 greeting, `EHLO`/`HELO` (advertising `8BITMIME`, `SMTPUTF8`,
//! `PIPELINING` and `SIZE`, never `STARTTLS` nor `AUTH`), `MAIL`, `RCPT`, `DATA` (with
//! dot-unstuffing), `RSET`, `NOOP`, `VRFY` and `QUIT`, several messages per connection (lettre
//! pools its connections), one tokio task per connection.
//!
//! Every accepted message is decoded with `mail-parser` into a [`Mail`] (subject, From, To,
//! Message-ID, text and HTML parts with their transfer encodings undone) and kept in order;
//! [`SmtpServer::wait_for`] and [`SmtpServer::wait_for_count`] wait for them on a
//! [`tokio::sync::Notify`], without polling.
//!
//! Faults are injected with [`SmtpServer::set_behaviour`] (see [`Behaviour`]): temporary
//! failures (451), permanent failures (550), a server that accepts the connection but never
//! speaks, and [`SmtpServer::stop`], after which the port refuses connections. A stopped port can
//! be brought back with [`SmtpServer::start_on`]; [`closed_port`] gives a port nothing listens on.
//!
//! The server also stops when the last clone of its [`SmtpServer`] handle is dropped, so keep the
//! handle alive for as long as the application may send mail.

#![allow(dead_code)]

use std::future::{pending, poll_fn};
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::Duration;

use mail_parser::{MessageParser, PartType};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// How long [`SmtpServer::start_on`] keeps retrying while the port is still in use.
const BIND_RETRY_FOR: Duration = Duration::from_secs(5);

/// What the server does with the next connections and transactions.
///
/// The behaviour is read when a connection is accepted (for [`Behaviour::Hang`]) and at the
/// start of each transaction, at `MAIL FROM` (for the others); changing it does not disturb a
/// transaction already under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Normal operation: every message is accepted and recorded.
    Accept,
    /// The next N transactions are refused with `451` at the end of `DATA` (the message is
    /// received, then refused and not recorded); the count goes down by one per refused
    /// transaction, and the server behaves as [`Behaviour::Accept`] once it reaches zero.
    TempFail(usize),
    /// Every recipient is refused with `550` at `RCPT TO`, so no message is ever accepted.
    PermFail,
    /// New connections are accepted but nothing is ever sent on them (not even the greeting),
    /// until [`SmtpServer::stop`]. Connections opened before keep working normally.
    Hang,
}

/// A message the server accepted, as received and decoded.
#[derive(Clone, Debug)]
pub struct Mail {
    /// The reverse path given in `MAIL FROM` (without angle brackets; empty for `<>`).
    pub mail_from: String,
    /// Every forward path given in `RCPT TO` (without angle brackets), in order.
    pub rcpt_to: Vec<String>,
    /// The message data as received: dot-unstuffed, every line ending in CRLF.
    pub raw: String,
    /// The decoded `Subject` ("" if none).
    pub subject: String,
    /// The decoded first `From` mailbox: `Name <address>`, or just the address if unnamed.
    pub from: String,
    /// The first `To` address (address only, "" if none).
    pub to: String,
    /// The `Message-ID`, without angle brackets ("" if none).
    pub message_id: String,
    /// The decoded `text/plain` body ("" if the message has none).
    pub text: String,
    /// The decoded `text/html` body ("" if the message has none).
    pub html: String,
}

impl Mail {
    /// Decodes a message from its DATA.
    fn parse(mail_from: String, rcpt_to: Vec<String>, raw: String) -> Mail {
        let mut mail = Mail {
            mail_from,
            rcpt_to,
            raw,
            subject: String::new(),
            from: String::new(),
            to: String::new(),
            message_id: String::new(),
            text: String::new(),
            html: String::new(),
        };
        let Some(message) = MessageParser::default().parse(mail.raw.as_bytes()) else {
            return mail;
        };
        mail.subject = message.subject().unwrap_or_default().to_string();
        if let Some(from) = message.from().and_then(|a| a.first()) {
            let address = from.address().unwrap_or_default();
            mail.from = match from.name() {
                Some(name) if !name.is_empty() => format!("{name} <{address}>"),
                _ => address.to_string(),
            };
        }
        mail.to = message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_string();
        mail.message_id = message
            .message_id()
            .unwrap_or_default()
            .trim_matches(|c| c == '<' || c == '>')
            .to_string();
        // mail-parser lists an HTML part among the text bodies (and the reverse) when the other
        // kind is missing, converting on the fly: only keep parts that really are of the kind.
        mail.text = message
            .text_body
            .iter()
            .filter_map(|&id| message.part(id))
            .find_map(|part| match &part.body {
                PartType::Text(text) => Some(text.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        mail.html = message
            .html_body
            .iter()
            .filter_map(|&id| message.part(id))
            .find_map(|part| match &part.body {
                PartType::Html(html) => Some(html.to_string()),
                _ => None,
            })
            .unwrap_or_default();
        mail
    }

    /// The raw value of the first header called `name` (case-insensitive), unfolded (folding
    /// line breaks removed) and trimmed, but not decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self
            .raw
            .split("\r\n\r\n")
            .next()
            .unwrap_or_default()
            .replace("\r\n ", " ")
            .replace("\r\n\t", "\t");
        head.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_string())
        })
    }

    /// Every `http://` or `https://` URL in the text part, in order. A URL stops at whitespace,
    /// `<`, `>`, `)` or `"`; sentence punctuation (`.`, `,`, `;`, `:`, `!`, `?`) right at its end
    /// is left out.
    pub fn links(&self) -> Vec<String> {
        let mut links = Vec::new();
        let mut rest = self.text.as_str();
        while let Some(start) = [rest.find("http://"), rest.find("https://")]
            .into_iter()
            .flatten()
            .min()
        {
            let candidate = &rest[start..];
            let end = candidate
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ')' | '"'))
                .unwrap_or(candidate.len());
            let link = candidate[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
            links.push(link.to_string());
            rest = &candidate[end..];
        }
        links
    }

    /// The first link of [`Mail::links`] that contains `needle`; panics, showing the text part,
    /// if there is none.
    pub fn link_containing(&self, needle: &str) -> String {
        match self.links().into_iter().find(|link| link.contains(needle)) {
            Some(link) => link,
            None => panic!(
                "no link containing {needle:?} in the mail {:?} to {}; its text part:\n{}",
                self.subject, self.to, self.text
            ),
        }
    }
}

/// State shared by the handle and the server's tasks.
struct Shared {
    behaviour: Mutex<Behaviour>,
    messages: Mutex<Vec<Mail>>,
    rejected: AtomicUsize,
    arrived: Notify,
    stopped: AtomicBool,
    /// The listener: taken out and dropped by [`SmtpServer::stop`], which closes the port at
    /// once, whichever thread the accept task runs on.
    listener: Mutex<Option<TcpListener>>,
    /// The accept task and the live connection tasks, aborted by [`SmtpServer::stop`].
    tasks: Mutex<Vec<AbortHandle>>,
}

/// Locks a mutex, ignoring poisoning (a panicking test must not hide the state).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        drop(lock(&self.listener).take());
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }

    /// Reads the behaviour for a new transaction, taking one refusal from a `TempFail` budget.
    fn begin_transaction(&self) -> Behaviour {
        let mut behaviour = lock(&self.behaviour);
        match *behaviour {
            Behaviour::TempFail(0) => {
                *behaviour = Behaviour::Accept;
                Behaviour::Accept
            }
            Behaviour::TempFail(n) => {
                *behaviour = if n == 1 {
                    Behaviour::Accept
                } else {
                    Behaviour::TempFail(n - 1)
                };
                Behaviour::TempFail(1)
            }
            Behaviour::Hang => Behaviour::Accept,
            ref other => other.clone(),
        }
    }
}

/// Owns the shared state; stops the server when the last [`SmtpServer`] clone is dropped.
struct Handle {
    port: u16,
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.stop();
    }
}

/// A running SMTP server on `127.0.0.1`. Cloning is cheap (the clones share one server); the
/// server stops when [`SmtpServer::stop`] is called or the last clone is dropped.
#[derive(Clone)]
pub struct SmtpServer {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("port", &self.handle.port)
            .field("behaviour", &self.behaviour())
            .field("messages", &self.messages().len())
            .field("rejected", &self.rejected())
            .finish()
    }
}

impl SmtpServer {
    /// Starts a server on a free port of `127.0.0.1`, accepting every message.
    pub async fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the test SMTP server on 127.0.0.1:0");
        SmtpServer::serve(listener)
    }

    /// Starts a server on `127.0.0.1:port`, e.g. to bring a server back on the port of one that
    /// was stopped; retries for a few seconds while the port is still in use.
    pub async fn start_on(port: u16) -> SmtpServer {
        let deadline = tokio::time::Instant::now() + BIND_RETRY_FOR;
        loop {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => return SmtpServer::serve(listener),
                Err(e)
                    if e.kind() == io::ErrorKind::AddrInUse
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("bind the test SMTP server on 127.0.0.1:{port}: {e}"),
            }
        }
    }

    fn serve(listener: TcpListener) -> SmtpServer {
        let port = listener
            .local_addr()
            .expect("local address of the test SMTP server")
            .port();
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(Behaviour::Accept),
            messages: Mutex::new(Vec::new()),
            rejected: AtomicUsize::new(0),
            arrived: Notify::new(),
            stopped: AtomicBool::new(false),
            listener: Mutex::new(Some(listener)),
            tasks: Mutex::new(Vec::new()),
        });
        let accept = tokio::spawn(accept_loop(shared.clone()));
        lock(&shared.tasks).push(accept.abort_handle());
        SmtpServer {
            handle: Arc::new(Handle { port, shared }),
        }
    }

    fn shared(&self) -> &Shared {
        &self.handle.shared
    }

    /// The port the server listens on (still known after [`SmtpServer::stop`]).
    pub fn port(&self) -> u16 {
        self.handle.port
    }

    /// The URL to give the application: `smtp://127.0.0.1:{port}`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port())
    }

    /// Changes how the server treats the next connections and transactions (see [`Behaviour`]).
    pub fn set_behaviour(&self, b: Behaviour) {
        *lock(&self.shared().behaviour) = b;
    }

    /// The current behaviour (a `TempFail` shows the refusals it has left).
    pub fn behaviour(&self) -> Behaviour {
        lock(&self.shared().behaviour).clone()
    }

    /// Every message accepted so far, in the order they were accepted.
    pub fn messages(&self) -> Vec<Mail> {
        lock(&self.shared().messages).clone()
    }

    /// Forgets the messages accepted so far (the count of refusals is kept).
    pub fn clear(&self) {
        lock(&self.shared().messages).clear();
    }

    /// How many transactions were refused (by `TempFail` or `PermFail`).
    pub fn rejected(&self) -> usize {
        self.shared().rejected.load(Ordering::SeqCst)
    }

    /// Waits for the first accepted message (already received or to come) that matches `pred`,
    /// and returns it; panics after `timeout` naming `what` and listing every message received.
    pub async fn wait_for(
        &self,
        what: &str,
        pred: impl Fn(&Mail) -> bool,
        timeout: Duration,
    ) -> Mail {
        let found = self
            .wait_until(timeout, |messages| {
                messages.iter().find(|m| pred(m)).cloned()
            })
            .await;
        match found {
            Some(mail) => mail,
            None => panic!(
                "timed out after {timeout:?} waiting for {what}; {}",
                self.summary()
            ),
        }
    }

    /// Waits until at least `n` messages were accepted and returns them all; panics after
    /// `timeout` with a list of the messages received.
    pub async fn wait_for_count(&self, n: usize, timeout: Duration) -> Vec<Mail> {
        let found = self
            .wait_until(timeout, |messages| {
                (messages.len() >= n).then(|| messages.to_vec())
            })
            .await;
        match found {
            Some(mails) => mails,
            None => panic!(
                "timed out after {timeout:?} waiting for {n} message(s); {}",
                self.summary()
            ),
        }
    }

    /// Evaluates `check` on the messages each time one arrives, until it returns `Some` or the
    /// timeout passes.
    async fn wait_until<T>(
        &self,
        timeout: Duration,
        check: impl Fn(&[Mail]) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mut arrived = pin!(self.shared().arrived.notified());
            // Register before looking, so a message stored in between still wakes us.
            arrived.as_mut().enable();
            if let Some(found) = check(&lock(&self.shared().messages)) {
                return Some(found);
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                return check(&lock(&self.shared().messages));
            }
        }
    }

    /// A one-line-per-message description of what was received, for failure messages.
    pub fn summary(&self) -> String {
        let messages = self.messages();
        let mut out = format!(
            "{} message(s) accepted, {} transaction(s) refused",
            messages.len(),
            self.rejected()
        );
        for (i, mail) in messages.iter().enumerate() {
            out.push_str(&format!(
                "\n  #{i}: to {:?} (RCPT {:?}), subject {:?}",
                mail.to, mail.rcpt_to, mail.subject
            ));
        }
        out
    }

    /// Stops the server: the port is closed when this returns (new connections are refused) and
    /// the open connections are dropped. Messages already accepted stay readable.
    pub fn stop(&self) {
        self.shared().stop();
    }
}

/// A local port that nothing listens on (bound to `127.0.0.1:0`, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("local address of a listener")
        .port()
}

async fn accept_loop(shared: Arc<Shared>) {
    loop {
        let accepted: io::Result<(TcpStream, SocketAddr)> =
            poll_fn(|cx| match lock(&shared.listener).as_ref() {
                Some(listener) => listener.poll_accept(cx),
                None => Poll::Ready(Err(io::ErrorKind::NotConnected.into())),
            })
            .await;
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) if shared.stopped.load(Ordering::SeqCst) => return,
            // E.g. too many open files: keep listening, without spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let hang = *lock(&shared.behaviour) == Behaviour::Hang;
        let mut tasks = lock(&shared.tasks);
        if shared.stopped.load(Ordering::SeqCst) {
            return;
        }
        tasks.retain(|task| !task.is_finished());
        let task = if hang {
            tokio::spawn(async move {
                let _held = stream;
                pending::<()>().await;
            })
        } else {
            tokio::spawn(serve_connection(shared.clone(), stream))
        };
        tasks.push(task.abort_handle());
    }
}

/// One SMTP transaction in progress on a connection.
#[derive(Default)]
struct Transaction {
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    /// Refuse the message at the end of DATA (a `TempFail` refusal was taken for it).
    temp_fail: bool,
    /// Refuse every recipient.
    perm_fail: bool,
    /// The refusal was already counted in [`SmtpServer::rejected`].
    counted: bool,
}

async fn serve_connection(shared: Arc<Shared>, stream: TcpStream) {
    // Errors only mean the client went away.
    let _ = converse(&shared, stream).await;
}

/// The path inside `<...>` of a `MAIL FROM:`/`RCPT TO:` argument (or the bare argument).
fn path(argument: &str) -> String {
    let argument = argument.trim();
    match (argument.find('<'), argument.find('>')) {
        (Some(open), Some(close)) if open < close => argument[open + 1..close].to_string(),
        _ => argument
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

/// Strips a case-insensitive `prefix` (such as `FROM:`) from `s`.
fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

async fn converse(shared: &Shared, stream: TcpStream) -> io::Result<()> {
    let mut conn = BufReader::new(stream);
    let mut line = Vec::new();
    let mut tx = Transaction::default();
    reply(&mut conn, "220 127.0.0.1 ESMTP Vigie test server\r\n").await?;
    loop {
        line.clear();
        if conn.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if *lock(&shared.behaviour) == Behaviour::Hang {
            // Open connections stop answering too (a pooled client connection must not escape).
            pending::<()>().await;
        }
        let text = String::from_utf8_lossy(&line);
        let command = text.trim_end_matches(['\r', '\n']);
        let (verb, argument) = command.split_once(' ').unwrap_or((command, ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                tx = Transaction::default();
                reply(
                    &mut conn,
                    "250-127.0.0.1 greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n\
                     250-PIPELINING\r\n250 SIZE 10485760\r\n",
                )
                .await?;
            }
            "HELO" => {
                tx = Transaction::default();
                reply(&mut conn, "250 127.0.0.1\r\n").await?;
            }
            "MAIL" => match strip_prefix_ignore_case(argument, "FROM:") {
                _ if tx.mail_from.is_some() => {
                    reply(&mut conn, "503 5.5.1 Nested MAIL command\r\n").await?;
                }
                Some(from) => {
                    tx = Transaction {
                        mail_from: Some(path(from)),
                        ..Transaction::default()
                    };
                    match shared.begin_transaction() {
                        Behaviour::TempFail(_) => tx.temp_fail = true,
                        Behaviour::PermFail => tx.perm_fail = true,
                        _ => {}
                    }
                    reply(&mut conn, "250 2.1.0 OK\r\n").await?;
                }
                None => reply(&mut conn, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n").await?,
            },
            "RCPT" => match strip_prefix_ignore_case(argument, "TO:") {
                _ if tx.mail_from.is_none() => {
                    reply(&mut conn, "503 5.5.1 MAIL first\r\n").await?;
                }
                Some(_) if tx.perm_fail => {
                    if !tx.counted {
                        tx.counted = true;
                        shared.rejected.fetch_add(1, Ordering::SeqCst);
                    }
                    reply(
                        &mut conn,
                        "550 5.1.1 Mailbox unavailable (injected failure)\r\n",
                    )
                    .await?;
                }
                Some(to) => {
                    tx.rcpt_to.push(path(to));
                    reply(&mut conn, "250 2.1.5 OK\r\n").await?;
                }
                None => reply(&mut conn, "501 5.5.4 Syntax: RCPT TO:<address>\r\n").await?,
            },
            "DATA" => {
                if tx.mail_from.is_none() || tx.rcpt_to.is_empty() {
                    reply(&mut conn, "503 5.5.1 No valid recipients\r\n").await?;
                    continue;
                }
                reply(&mut conn, "354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let Some(raw) = read_data(&mut conn).await? else {
                    return Ok(());
                };
                let tx = std::mem::take(&mut tx);
                if shared.stopped.load(Ordering::SeqCst) {
                    return Ok(());
                }
                if tx.temp_fail {
                    shared.rejected.fetch_add(1, Ordering::SeqCst);
                    reply(
                        &mut conn,
                        "451 4.3.0 Temporary failure, try again later (injected)\r\n",
                    )
                    .await?;
                    continue;
                }
                let mail = Mail::parse(tx.mail_from.unwrap_or_default(), tx.rcpt_to, raw);
                lock(&shared.messages).push(mail);
                shared.arrived.notify_waiters();
                reply(&mut conn, "250 2.0.0 OK: queued\r\n").await?;
            }
            "RSET" => {
                tx = Transaction::default();
                reply(&mut conn, "250 2.0.0 OK\r\n").await?;
            }
            "NOOP" => reply(&mut conn, "250 2.0.0 OK\r\n").await?,
            "VRFY" => reply(&mut conn, "252 2.1.5 Cannot VRFY user\r\n").await?,
            "QUIT" => {
                reply(&mut conn, "221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => reply(&mut conn, "502 5.5.2 Command not implemented\r\n").await?,
        }
    }
}

/// Reads DATA lines up to the lone `.`, undoing dot-stuffing and normalising line ends to CRLF;
/// `None` if the client went away first.
async fn read_data(conn: &mut BufReader<TcpStream>) -> io::Result<Option<String>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if conn.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let mut content = line.as_slice();
        content = content.strip_suffix(b"\n").unwrap_or(content);
        content = content.strip_suffix(b"\r").unwrap_or(content);
        if content == b"." {
            return Ok(Some(String::from_utf8_lossy(&data).into_owned()));
        }
        data.extend_from_slice(content.strip_prefix(b".").unwrap_or(content));
        data.extend_from_slice(b"\r\n");
    }
}

async fn reply(conn: &mut BufReader<TcpStream>, text: &str) -> io::Result<()> {
    let stream = conn.get_mut();
    stream.write_all(text.as_bytes()).await?;
    stream.flush().await
}
