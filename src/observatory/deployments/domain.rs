//! The deployment record itself, with no database: its statuses and their rank, the limits, a
//! source, the whole record as proposed (`Snapshot`) and its validation, the record as pages show
//! it (`Deployment`), the filters of the published list, and the states of a revision.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::validation::{clean_text, valid_url, FieldError};

/// How far a deployment has gone.
pub const STATUSES: [&str; 6] = [
    "announced",
    "trial",
    "deployed",
    "suspended",
    "abandoned",
    "ruled_unlawful",
];

/// How advanced a status is, for the map's colour (the most advanced wins in a city).
pub fn status_rank(status: &str) -> i32 {
    match status {
        "deployed" => 6,
        "trial" => 5,
        "announced" => 4,
        "suspended" => 3,
        "ruled_unlawful" => 2,
        "abandoned" => 1,
        _ => 0,
    }
}

/// Shortest title (as a thread's: it names the discussion thread too).
pub const MIN_TITLE_CHARS: usize = 3;
/// Longest title (as a thread's).
pub const MAX_TITLE_CHARS: usize = 150;
/// Longest description (Markdown).
pub const MAX_DESCRIPTION_CHARS: usize = 20_000;
/// Most sources on one deployment.
pub const MAX_SOURCES: usize = 30;
/// Most companies on one deployment.
pub const MAX_COMPANIES: usize = 10;

/// A source backing a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Source {
    pub url: String,
    pub title: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub archive_url: Option<String>,
}

/// A whole deployment record, as proposed and as stored in each revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
pub struct Snapshot {
    pub title: String,
    /// Technology slug.
    pub technology: String,
    /// City slug.
    pub city: String,
    pub status: String,
    /// `YYYY-MM` or `YYYY-MM-DD`.
    pub started: String,
    #[serde(default)]
    pub ended: Option<String>,
    #[serde(default)]
    pub companies: Vec<String>,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// A date with month precision allowed: `YYYY-MM` or `YYYY-MM-DD`, a real date. Returns the
/// first day it stands for (for ordering) and the normalised text.
pub fn parse_date(raw: &str) -> Option<(NaiveDate, String)> {
    let raw = raw.trim();
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return (raw.len() == 10).then(|| (d, d.format("%Y-%m-%d").to_string()));
    }
    let (y, m) = raw.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    Some((d, d.format("%Y-%m").to_string()))
}

/// The last day a date stands for (a month ends on its last day).
fn date_end(raw: &str) -> Option<NaiveDate> {
    let (first, text) = parse_date(raw)?;
    if text.len() == 10 {
        return Some(first);
    }
    let next = if first.format("%m").to_string() == "12" {
        NaiveDate::from_ymd_opt(
            first.format("%Y").to_string().parse::<i32>().ok()? + 1,
            1,
            1,
        )
    } else {
        first.checked_add_months(chrono::Months::new(1))
    }?;
    next.pred_opt()
}

fn text(raw: &str, field: &'static str, max: usize, required: bool) -> Result<String, FieldError> {
    let v = clean_text(raw, false).trim().to_owned();
    if required && v.is_empty() {
        return Err(FieldError::new(field, "error-deployment-required"));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, "error-deployment-too-long"));
    }
    Ok(v)
}

/// Checks and normalises a proposed record (every field, sources included). The technology and
/// city are checked against the database by `resolve`.
pub fn validate(input: &Snapshot) -> Result<Snapshot, FieldError> {
    let title = text(&input.title, "title", MAX_TITLE_CHARS, true)?;
    if title.chars().count() < MIN_TITLE_CHARS {
        return Err(FieldError::new("title", "error-deployment-title-short"));
    }
    let status = STATUSES
        .into_iter()
        .find(|s| *s == input.status.trim())
        .ok_or(FieldError::new("status", "error-deployment-status"))?
        .to_owned();
    let (start, started) =
        parse_date(&input.started).ok_or(FieldError::new("started", "error-deployment-date"))?;
    let ended = match input
        .ended
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(raw) => {
            let (_, text) =
                parse_date(raw).ok_or(FieldError::new("ended", "error-deployment-date"))?;
            let end = date_end(&text).ok_or(FieldError::new("ended", "error-deployment-date"))?;
            if end < start {
                return Err(FieldError::new(
                    "ended",
                    "error-deployment-end-before-start",
                ));
            }
            Some(text)
        }
    };
    let mut companies: Vec<String> = Vec::new();
    for c in &input.companies {
        let name = text(c, "companies", 120, false)?;
        // One company, however written (case, accents, spacing): the catalogue's key decides.
        let key = crate::observatory::catalogue::company_key(&name);
        if !name.is_empty()
            && !companies
                .iter()
                .any(|n| crate::observatory::catalogue::company_key(n) == key)
        {
            companies.push(name);
        }
    }
    if companies.len() > MAX_COMPANIES {
        return Err(FieldError::new("companies", "error-deployment-too-many"));
    }
    let funding = text(&input.funding, "funding", 1000, false)?;
    let description = clean_text(&input.description, true).trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::new("description", "error-deployment-too-long"));
    }
    crate::markdown::check_nesting(&description, "description")?;
    if input.sources.len() > MAX_SOURCES {
        return Err(FieldError::new("sources", "error-deployment-too-many"));
    }
    let mut sources = Vec::new();
    for s in &input.sources {
        if s.url.trim().is_empty() && s.title.trim().is_empty() {
            continue;
        }
        if !valid_url(&s.url) {
            return Err(FieldError::new("sources", "error-deployment-source-url"));
        }
        let title = text(&s.title, "sources", 300, true)?;
        let publisher = text(&s.publisher, "sources", 200, false)?;
        let date = match s.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(
                parse_date(d)
                    .ok_or(FieldError::new("sources", "error-deployment-source-date"))?
                    .1,
            ),
        };
        let archive_url = match s
            .archive_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            None => None,
            Some(u) if valid_url(u) => Some(u.to_owned()),
            Some(_) => return Err(FieldError::new("sources", "error-deployment-source-url")),
        };
        sources.push(Source {
            url: s.url.trim().to_owned(),
            title,
            publisher,
            date,
            archive_url,
        });
    }
    Ok(Snapshot {
        title,
        technology: input.technology.trim().to_owned(),
        city: input.city.trim().to_owned(),
        status,
        started,
        ended,
        companies,
        funding,
        description,
        sources,
    })
}

/// The comparison key of a title (for duplicates).
pub fn title_key(title: &str) -> String {
    crate::validation::slugify(title, 200)
}

/// Revision states.
pub const PENDING: &str = "pending";
pub(super) const PUBLISHED: &str = "published";
pub(super) const REJECTED: &str = "rejected";

/// A deployment as pages and the API show it.
#[derive(Debug, Clone, Serialize)]
pub struct Deployment {
    pub id: i64,
    pub title: String,
    pub technology: String,
    pub technology_name: String,
    pub technology_name_en: String,
    pub city: String,
    pub city_name: String,
    /// The city's English name, when not the French one (`city_name`).
    pub city_name_en: Option<String>,
    pub country: String,
    pub region: String,
    pub latitude: f64,
    pub longitude: f64,
    pub status: String,
    pub started: String,
    pub ended: Option<String>,
    pub funding: String,
    pub description_md: String,
    pub description_html: String,
    pub thread_id: Option<i64>,
    pub proposed_by: Option<i64>,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub companies: Vec<CompanyRef>,
    pub sources: Vec<Source>,
}

impl Deployment {
    /// Shows the city under its name in `lang` (`city_name` is the French one).
    pub fn localise(&mut self, lang: crate::i18n::Lang) {
        if let (crate::i18n::Lang::En, Some(en)) = (lang, &self.city_name_en) {
            self.city_name = en.clone();
        }
    }
}

/// A company as a deployment names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompanyRef {
    pub slug: String,
    pub name: String,
}

/// Filters of the published list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    #[serde(default)]
    pub technology: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
}

impl Filters {
    fn clean(v: &Option<String>) -> Option<String> {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// The filters with empty values dropped.
    pub fn normalised(&self) -> Filters {
        Filters {
            technology: Self::clean(&self.technology),
            status: Self::clean(&self.status),
            country: Self::clean(&self.country).map(|c| c.to_uppercase()),
            region: Self::clean(&self.region),
            company: Self::clean(&self.company),
            city: Self::clean(&self.city),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_allow_months_and_must_be_real() {
        assert_eq!(parse_date("2024-03").map(|d| d.1), Some("2024-03".into()));
        assert_eq!(
            parse_date("2024-02-29").map(|d| d.1),
            Some("2024-02-29".into())
        );
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-13").is_none());
        assert!(parse_date("24-03").is_none());
        assert_eq!(date_end("2024-02"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(date_end("2024-12"), NaiveDate::from_ymd_opt(2024, 12, 31));
    }

    #[test]
    fn only_web_urls_are_sources() {
        assert!(valid_url("https://www.laquadrature.net/2023/vsa"));
        assert!(valid_url("http://exemple.fr"));
        assert!(!valid_url("javascript:alert(1)"));
        assert!(!valid_url("ftp://exemple.fr/x"));
        assert!(!valid_url("exemple.fr"));
    }

    #[test]
    fn an_end_before_the_start_is_refused_even_within_a_month() {
        let mut s = Snapshot {
            title: "VSA au stade".into(),
            technology: "vsa".into(),
            city: "nice".into(),
            status: "trial".into(),
            started: "2024-05".into(),
            ended: Some("2024-04".into()),
            ..Snapshot::default()
        };
        assert_eq!(validate(&s).unwrap_err().field, "ended");
        s.ended = Some("2024-05".into());
        assert!(validate(&s).is_ok(), "the same month is fine");
        s.started = "2024-05-20".into();
        s.ended = Some("2024-05".into());
        assert!(validate(&s).is_ok(), "a month ends on its last day");
    }
}
