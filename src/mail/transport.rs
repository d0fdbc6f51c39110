//! Where mail goes: an SMTP server (lettre, STARTTLS or TLS as the URL says, with timeouts), `.eml`
//! files in a folder (development: the path is logged so the links can be followed), or memory
//! (unit tests).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;

use super::outbox::Leased;
use crate::settings::MailSettings;

/// The configured transport.
pub enum Transport {
    /// Through an SMTP server; the duration bounds a whole send (lettre's own timeout covers
    /// only the connection, not a server that accepts and then never answers).
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Duration),
    /// As `.eml` files in a folder.
    File(PathBuf),
    /// Kept in memory (raw messages), for unit tests.
    Memory(Arc<Mutex<Vec<String>>>),
}

/// Why a send failed.
#[derive(Debug, Clone)]
pub struct SendFailure {
    /// The server refused the mail for good (5xx) or the mail cannot be built: retrying will
    /// not help.
    pub permanent: bool,
    /// What went wrong, for the outbox and the logs.
    pub message: String,
}

impl Transport {
    /// Builds the transport `mail.transport` names.
    pub fn from_settings(settings: &MailSettings) -> Result<Transport, MailSetupError> {
        match settings.transport.as_str() {
            "smtp" => {
                let timeout = Duration::from_secs(settings.smtp_timeout_seconds.max(1));
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(
                    settings.smtp_url.expose_secret(),
                )
                .map_err(MailSetupError::SmtpUrl)?
                .timeout(Some(timeout))
                .build();
                Ok(Transport::Smtp(transport, timeout))
            }
            "file" => Ok(Transport::File(settings.file_dir.clone())),
            "memory" => Ok(Transport::Memory(Arc::default())),
            other => Err(MailSetupError::UnknownTransport(other.to_owned())),
        }
    }

    /// A short name for logs.
    pub fn name(&self) -> &'static str {
        match self {
            Transport::Smtp(..) => "smtp",
            Transport::File(_) => "file",
            Transport::Memory(_) => "memory",
        }
    }

    /// Sends one message; returns where it went (the file path for the file transport).
    pub async fn send(&self, message: Message, label: &str) -> Result<String, SendFailure> {
        match self {
            Transport::Smtp(smtp, timeout) => {
                match tokio::time::timeout(*timeout, smtp.send(message)).await {
                    Ok(Ok(response)) => Ok(format!("{:?}", response.code())),
                    Ok(Err(e)) => Err(SendFailure {
                        permanent: e.is_permanent(),
                        message: describe_smtp_error(&e),
                    }),
                    Err(_) => Err(SendFailure {
                        permanent: false,
                        message: format!(
                            "the SMTP server did not answer within {} s",
                            timeout.as_secs()
                        ),
                    }),
                }
            }
            Transport::File(dir) => {
                let path = dir.join(format!("{label}.eml"));
                let bytes = message.formatted();
                let dir = dir.clone();
                let target = path.clone();
                let written = tokio::task::spawn_blocking(move || {
                    std::fs::create_dir_all(&dir)?;
                    std::fs::write(&target, bytes)
                })
                .await;
                match written {
                    Ok(Ok(())) => {
                        tracing::info!(path = %path.display(), "mail written");
                        Ok(path.display().to_string())
                    }
                    Ok(Err(e)) => Err(SendFailure {
                        permanent: false,
                        message: format!("cannot write {}: {e}", path.display()),
                    }),
                    Err(e) => Err(SendFailure {
                        permanent: false,
                        message: e.to_string(),
                    }),
                }
            }
            Transport::Memory(sent) => {
                let raw = String::from_utf8_lossy(&message.formatted()).into_owned();
                match sent.lock() {
                    Ok(mut list) => list.push(raw),
                    Err(poisoned) => poisoned.into_inner().push(raw),
                }
                Ok("memory".into())
            }
        }
    }
}

fn describe_smtp_error(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        text.push_str(" (timeout)");
    }
    text
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

/// Builds the message for a leased outbox row: multipart text + HTML, a stable `Message-ID`,
/// `Auto-Submitted`, and the RFC 8058 unsubscribe headers when the mail belongs to a list.
pub fn build_message(mail: &Leased, from: &Mailbox) -> Result<Message, SendFailure> {
    let permanent = |message: String| SendFailure {
        permanent: true,
        message,
    };
    let to: Mailbox = mail
        .recipient
        .parse()
        .map_err(|e| permanent(format!("invalid recipient: {e}")))?;
    let date = std::time::SystemTime::UNIX_EPOCH
        + Duration::from_secs(mail.created_at.and_utc().timestamp().max(0) as u64);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(header_safe(&mail.subject))
        .message_id(Some(format!("<{}>", mail.message_id)))
        .date(date)
        .raw_header(header("Auto-Submitted", "auto-generated".into()));
    if let Some(url) = &mail.unsubscribe_url {
        builder = builder
            .raw_header(header("List-Unsubscribe", format!("<{url}>")))
            .raw_header(header(
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.body_text.clone(),
            mail.body_html.clone(),
        ))
        .map_err(|e| permanent(format!("cannot build the message: {e}")))
}

/// Errors while setting up mail.
#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("mail.transport must be smtp, file or memory, not {0:?}")]
    UnknownTransport(String),
    #[error("mail.smtp_url is not a valid SMTP URL")]
    SmtpUrl(#[source] lettre::transport::smtp::Error),
    #[error("mail.from_address is not a valid address")]
    From(#[source] lettre::address::AddressError),
}

/// Replaces control characters (CR, LF, tabs…) with spaces, so that a subject or a name can never
/// add a header line.
pub fn header_safe(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}
