//! Validated values of private messages: a conversation's subject, the list of people it is
//! addressed to, a report's reason, and the limits (at most 20 people in a conversation).

use crate::accounts::domain::username_key;
use crate::validation::{clean_text, FieldError};

/// Most people in one conversation, its starter included.
pub const MAX_PARTICIPANTS: usize = 20;

/// Messages per page (a conversation's page and the API).
pub const MESSAGES_PER_PAGE: i64 = 50;

/// Conversations per page of the list.
pub const CONVERSATIONS_PER_PAGE: i64 = 30;

/// Longest report text, in characters.
pub const MAX_REPORT_CHARS: usize = 1000;

/// A conversation's subject: 1 to 150 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(String);

impl Subject {
    /// Parses a subject.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let subject = clean_text(input, false).trim().to_owned();
        let len = subject.chars().count();
        if len == 0 {
            return Err(FieldError::new("subject", "error-message-subject-empty"));
        }
        if len > 150 {
            return Err(FieldError::new("subject", "error-message-subject-long"));
        }
        Ok(Subject(subject))
    }

    /// The subject text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The people a conversation is addressed to (or who are added to it): username keys, without
/// duplicates, at least one, at most `room` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipients(Vec<String>);

impl Recipients {
    /// Parses names separated by commas, spaces or new lines (an `@` before a name is fine).
    /// `room` is how many more people the conversation may take.
    pub fn parse(input: &str, room: usize) -> Result<Self, FieldError> {
        let mut keys: Vec<String> = Vec::new();
        for name in input.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
            let name = name.trim().trim_start_matches('@');
            if name.is_empty() {
                continue;
            }
            let key = username_key(name);
            if !keys.contains(&key) {
                keys.push(key);
            }
            if keys.len() > MAX_PARTICIPANTS {
                break;
            }
        }
        if keys.is_empty() {
            return Err(FieldError::new("to", "error-message-to-empty"));
        }
        if keys.len() > room {
            return Err(FieldError::new("to", "error-message-too-many"));
        }
        Ok(Recipients(keys))
    }

    /// The username keys.
    pub fn keys(&self) -> &[String] {
        &self.0
    }
}

/// Why a message is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportReason {
    Spam,
    Abuse,
    Illegal,
    Other,
}

impl ReportReason {
    /// Every reason, in the order the form lists them.
    pub const ALL: [ReportReason; 4] = [
        ReportReason::Spam,
        ReportReason::Abuse,
        ReportReason::Illegal,
        ReportReason::Other,
    ];

    /// Parses a submitted or stored reason.
    pub fn parse(s: &str) -> Option<ReportReason> {
        match s {
            "spam" => Some(ReportReason::Spam),
            "abuse" => Some(ReportReason::Abuse),
            "illegal" => Some(ReportReason::Illegal),
            "other" => Some(ReportReason::Other),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Abuse => "abuse",
            ReportReason::Illegal => "illegal",
            ReportReason::Other => "other",
        }
    }
}

/// A validated report: its reason and text (`other` needs a text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub reason: ReportReason,
    pub text: String,
}

impl Report {
    /// Parses a report's fields.
    pub fn parse(reason: &str, text: &str) -> Result<Report, FieldError> {
        let reason = ReportReason::parse(reason)
            .ok_or(FieldError::new("reason", "error-message-report-reason"))?;
        let text = clean_text(text, true).trim().to_owned();
        if text.chars().count() > MAX_REPORT_CHARS {
            return Err(FieldError::new("text", "error-message-report-long"));
        }
        if reason == ReportReason::Other && text.is_empty() {
            return Err(FieldError::new("text", "error-message-report-text"));
        }
        Ok(Report { reason, text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_split_deduplicated_and_bounded() {
        let r = Recipients::parse("@Alice, bob\nalice  carol", 19).expect("valid");
        assert_eq!(r.keys(), ["alice", "bob", "carol"]);
        assert_eq!(
            Recipients::parse(" , ", 19).unwrap_err().key,
            "error-message-to-empty"
        );
        assert_eq!(
            Recipients::parse("a b c", 2).unwrap_err().key,
            "error-message-too-many"
        );
        let many: Vec<String> = (0..30).map(|i| format!("m{i}")).collect();
        assert!(Recipients::parse(&many.join(" "), 19).is_err());
    }

    #[test]
    fn subjects_and_reports_are_checked() {
        assert!(Subject::parse("  ").is_err());
        assert!(Subject::parse(&"x".repeat(151)).is_err());
        assert_eq!(Subject::parse(" Réunion ").expect("ok").as_str(), "Réunion");
        assert!(Report::parse("other", " ").is_err());
        assert!(Report::parse("nonsense", "").is_err());
        assert_eq!(
            Report::parse("spam", "").expect("ok").reason,
            ReportReason::Spam
        );
    }
}
