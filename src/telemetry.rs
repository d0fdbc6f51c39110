//! Logging setup: `tracing` with an env-filter (`RUST_LOG`), to standard error.
//!
//! The HTML parser behind the sanitiser (`html5ever`) warns once per misplaced element (one post
//! of misplaced table markup wrote tens of thousands of lines), so its warnings are silenced
//! unless the filter names `html5ever` itself.

use tracing_subscriber::EnvFilter;

/// The directive appended to every filter that does not mention `html5ever`.
const QUIET_HTML_PARSER: &str = "html5ever=error";

/// `spec` with [`QUIET_HTML_PARSER`] added, unless it already says something about `html5ever`
/// (or is empty: no directive at all logs no warning either).
fn with_quiet_html_parser(spec: &str) -> String {
    if spec.contains("html5ever") || spec.trim().is_empty() {
        spec.to_owned()
    } else {
        format!("{spec},{QUIET_HTML_PARSER}")
    }
}

/// Installs the global subscriber once; later calls (tests) do nothing.
pub fn init(default_filter: &str) {
    let from_env = std::env::var(EnvFilter::DEFAULT_ENV)
        .ok()
        .map(|spec| with_quiet_html_parser(&spec))
        .and_then(|spec| EnvFilter::try_new(spec).ok());
    let filter = from_env.unwrap_or_else(|| EnvFilter::new(with_quiet_html_parser(default_filter)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_parser_is_quiet_unless_named() {
        assert_eq!(
            with_quiet_html_parser("info,actix_server=warn"),
            "info,actix_server=warn,html5ever=error"
        );
        assert_eq!(with_quiet_html_parser("warn"), "warn,html5ever=error");
        assert_eq!(with_quiet_html_parser(""), "");
        assert_eq!(with_quiet_html_parser("html5ever=warn"), "html5ever=warn");
    }
}
