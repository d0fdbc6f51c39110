//! The settings administrators change from the site: name, description, default language,
//! registration mode and question, new-account limits, the auto-hide threshold and the public
//! moderation log. The configuration file gives the defaults; rows of `site_config` override
//! them. Every instance keeps the current values in memory and reloads them every few seconds
//! (and at once after its own change), so requests read them without a query.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use diesel::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

use crate::db::schema::site_config;
use crate::db::DbConnection;
use crate::settings::Settings;
use crate::validation::{clean_text, FieldError};

/// How people may open an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationMode {
    /// Anyone may register.
    Open,
    /// Applicants answer the admins' question and wait for approval.
    Approval,
    /// Only with an invitation link.
    Invite,
    /// Nobody may register.
    Closed,
}

impl RegistrationMode {
    /// Every mode, in the order the settings page lists them.
    pub const ALL: [RegistrationMode; 4] = [
        RegistrationMode::Open,
        RegistrationMode::Approval,
        RegistrationMode::Invite,
        RegistrationMode::Closed,
    ];

    /// Parses a stored or submitted mode.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationMode::Open => "open",
            RegistrationMode::Approval => "approval",
            RegistrationMode::Invite => "invite",
            RegistrationMode::Closed => "closed",
        }
    }
}

/// Who may create a local group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GroupCreation {
    /// Any member with a verified address.
    Members,
    /// Moderators and administrators only.
    Staff,
    /// Nobody (existing groups go on).
    Off,
}

impl GroupCreation {
    /// Every choice, in the order the settings page lists them.
    pub const ALL: [GroupCreation; 3] = [
        GroupCreation::Members,
        GroupCreation::Staff,
        GroupCreation::Off,
    ];

    /// Parses a stored or submitted choice.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupCreation::Members => "members",
            GroupCreation::Staff => "staff",
            GroupCreation::Off => "off",
        }
    }
}

/// The current values.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SiteConfig {
    pub site_name: String,
    pub description: String,
    pub description_en: String,
    pub default_language: String,
    pub registration_mode: RegistrationMode,
    pub registration_question: String,
    pub new_account_days: i64,
    pub new_account_posts_per_hour: i64,
    pub new_account_links_per_post: i64,
    pub new_account_mentions_per_post: i64,
    pub member_posts_per_hour: i64,
    pub auto_hide_reports: i64,
    pub public_modlog: bool,
    pub observatory_board: String,
    pub data_licence: String,
    pub data_licence_url: String,
    pub group_creation: GroupCreation,
    /// Moderators and administrators must turn on two-factor sign-in before any staff page or
    /// action.
    pub require_staff_2fa: bool,
}

/// What kind of value a setting holds, and its bounds.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text {
        max: usize,
        required: bool,
        multiline: bool,
    },
    Number {
        max: i64,
    },
    Flag,
    Language,
    Mode,
    /// Who may create groups.
    GroupCreation,
    /// An http(s) address.
    Url,
}

/// The settings, by the names the page, the API and the table use.
const FIELDS: [(&str, Kind); 18] = [
    (
        "site_name",
        Kind::Text {
            max: 80,
            required: true,
            multiline: false,
        },
    ),
    (
        "description",
        Kind::Text {
            max: 500,
            required: false,
            multiline: true,
        },
    ),
    (
        "description_en",
        Kind::Text {
            max: 500,
            required: false,
            multiline: true,
        },
    ),
    ("default_language", Kind::Language),
    ("registration_mode", Kind::Mode),
    (
        "registration_question",
        Kind::Text {
            max: 500,
            required: false,
            multiline: true,
        },
    ),
    ("new_account_days", Kind::Number { max: 365 }),
    ("new_account_posts_per_hour", Kind::Number { max: 1_000 }),
    ("new_account_links_per_post", Kind::Number { max: 1_000 }),
    ("new_account_mentions_per_post", Kind::Number { max: 1_000 }),
    // The check reads up to this many of the member's latest posts.
    ("member_posts_per_hour", Kind::Number { max: 1_000 }),
    ("auto_hide_reports", Kind::Number { max: 1_000 }),
    ("public_modlog", Kind::Flag),
    (
        "observatory_board",
        Kind::Text {
            max: 64,
            required: true,
            multiline: false,
        },
    ),
    (
        "data_licence",
        Kind::Text {
            max: 80,
            required: true,
            multiline: false,
        },
    ),
    ("data_licence_url", Kind::Url),
    ("group_creation", Kind::GroupCreation),
    ("require_staff_2fa", Kind::Flag),
];

/// The names of every setting, in page order.
pub fn names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|(n, _)| *n)
}

fn static_name(name: &str) -> Option<(&'static str, Kind)> {
    FIELDS.iter().find(|(n, _)| *n == name).copied()
}

impl SiteConfig {
    /// The values of the configuration file.
    pub fn defaults(settings: &Settings) -> Self {
        let c = &settings.community;
        SiteConfig {
            site_name: settings.site.name.clone(),
            description: settings.site.description.clone(),
            description_en: settings.site.description_en.clone(),
            default_language: settings.site.default_language.clone(),
            registration_mode: RegistrationMode::parse(&c.registration_mode)
                .unwrap_or(RegistrationMode::Open),
            registration_question: c.registration_question.clone(),
            new_account_days: c.new_account_days,
            new_account_posts_per_hour: c.new_account_posts_per_hour,
            new_account_links_per_post: c.new_account_links_per_post,
            new_account_mentions_per_post: c.new_account_mentions_per_post,
            member_posts_per_hour: c.member_posts_per_hour,
            auto_hide_reports: c.auto_hide_reports,
            public_modlog: c.public_modlog,
            observatory_board: settings.observatory.board.clone(),
            data_licence: settings.observatory.licence.clone(),
            data_licence_url: settings.observatory.licence_url.clone(),
            group_creation: GroupCreation::parse(&c.group_creation)
                .unwrap_or(GroupCreation::Members),
            require_staff_2fa: c.require_staff_2fa,
        }
    }

    /// One setting as text (the form's value and the stored one).
    pub fn get(&self, name: &str) -> Option<String> {
        Some(match name {
            "site_name" => self.site_name.clone(),
            "description" => self.description.clone(),
            "description_en" => self.description_en.clone(),
            "default_language" => self.default_language.clone(),
            "registration_mode" => self.registration_mode.as_str().to_owned(),
            "registration_question" => self.registration_question.clone(),
            "new_account_days" => self.new_account_days.to_string(),
            "new_account_posts_per_hour" => self.new_account_posts_per_hour.to_string(),
            "new_account_links_per_post" => self.new_account_links_per_post.to_string(),
            "new_account_mentions_per_post" => self.new_account_mentions_per_post.to_string(),
            "member_posts_per_hour" => self.member_posts_per_hour.to_string(),
            "auto_hide_reports" => self.auto_hide_reports.to_string(),
            "public_modlog" => self.public_modlog.to_string(),
            "observatory_board" => self.observatory_board.clone(),
            "data_licence" => self.data_licence.clone(),
            "data_licence_url" => self.data_licence_url.clone(),
            "group_creation" => self.group_creation.as_str().to_owned(),
            "require_staff_2fa" => self.require_staff_2fa.to_string(),
            _ => return None,
        })
    }

    /// Sets one setting from text, checking it; returns the normalised text.
    pub fn set(&mut self, name: &str, raw: &str) -> Result<String, FieldError> {
        let (field, kind) =
            static_name(name).ok_or(FieldError::new("name", "error-setting-unknown"))?;
        let value = match kind {
            Kind::Text {
                max,
                required,
                multiline,
            } => {
                let v = clean_text(raw, multiline).trim().to_owned();
                if required && v.is_empty() {
                    return Err(FieldError::new(field, "error-setting-required"));
                }
                if v.chars().count() > max {
                    return Err(FieldError::new(field, "error-setting-too-long"));
                }
                v
            }
            Kind::Number { max } => {
                let n: i64 = raw
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| (0..=max).contains(n))
                    .ok_or(FieldError::new(field, "error-setting-number"))?;
                n.to_string()
            }
            Kind::Flag => match raw.trim() {
                "true" | "on" | "1" => "true".to_owned(),
                "false" | "off" | "0" | "" => "false".to_owned(),
                _ => return Err(FieldError::new(field, "error-setting-flag")),
            },
            Kind::Language => crate::i18n::Lang::parse(raw.trim())
                .map(|l| l.code().to_owned())
                .ok_or(FieldError::new(field, "error-setting-language"))?,
            Kind::Url => {
                let v = raw.trim().to_owned();
                if !crate::validation::valid_url(&v) {
                    return Err(FieldError::new(field, "error-setting-url"));
                }
                v
            }
            Kind::Mode => RegistrationMode::parse(raw.trim())
                .map(|m| m.as_str().to_owned())
                .ok_or(FieldError::new(field, "error-setting-mode"))?,
            Kind::GroupCreation => GroupCreation::parse(raw.trim())
                .map(|m| m.as_str().to_owned())
                .ok_or(FieldError::new(field, "error-setting-mode"))?,
        };
        let number = || value.parse::<i64>().unwrap_or(0);
        match field {
            "site_name" => self.site_name = value.clone(),
            "description" => self.description = value.clone(),
            "description_en" => self.description_en = value.clone(),
            "default_language" => self.default_language = value.clone(),
            "registration_mode" => {
                self.registration_mode =
                    RegistrationMode::parse(&value).unwrap_or(RegistrationMode::Open)
            }
            "registration_question" => self.registration_question = value.clone(),
            "new_account_days" => self.new_account_days = number(),
            "new_account_posts_per_hour" => self.new_account_posts_per_hour = number(),
            "new_account_links_per_post" => self.new_account_links_per_post = number(),
            "new_account_mentions_per_post" => self.new_account_mentions_per_post = number(),
            "member_posts_per_hour" => self.member_posts_per_hour = number(),
            "auto_hide_reports" => self.auto_hide_reports = number(),
            "public_modlog" => self.public_modlog = value == "true",
            "observatory_board" => self.observatory_board = value.clone(),
            "data_licence" => self.data_licence = value.clone(),
            "data_licence_url" => self.data_licence_url = value.clone(),
            "group_creation" => {
                self.group_creation = GroupCreation::parse(&value).unwrap_or(GroupCreation::Members)
            }
            "require_staff_2fa" => self.require_staff_2fa = value == "true",
            _ => {}
        }
        Ok(value)
    }

    /// The site block every page and mail template gets (`site.name`, `site.description`, …).
    pub fn page_json(&self, lang: crate::i18n::Lang) -> Value {
        json!({
            "name": self.site_name,
            "description": self.description_in(lang),
            "public_modlog": self.public_modlog,
            "registration_open": self.registration_open(),
            "version": env!("CARGO_PKG_VERSION"),
        })
    }

    /// Anyone may still register (openly or on application).
    pub fn registration_open(&self) -> bool {
        self.registration_mode != RegistrationMode::Closed
    }

    /// The language of the site when nobody chose one.
    pub fn default_lang(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::parse(&self.default_language).unwrap_or(crate::i18n::Lang::Fr)
    }

    /// The description in a language (the English one falls back to the French).
    pub fn description_in(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::En if !self.description_en.is_empty() => &self.description_en,
            _ => &self.description,
        }
    }

    /// Every setting as JSON (for the API and the page).
    pub fn to_json(&self) -> Value {
        json!(self)
    }
}

/// Reads the stored overrides on top of the file's defaults. A stored value that no longer
/// parses (a setting renamed or narrowed) is skipped with a warning.
pub fn load(conn: &mut DbConnection, defaults: &SiteConfig) -> QueryResult<SiteConfig> {
    // Other features keep their own rows in the table (the manifesto's text): only ours.
    let rows: Vec<(String, String)> = site_config::table
        .filter(site_config::name.eq_any(names().collect::<Vec<_>>()))
        .select((site_config::name, site_config::value))
        .load(conn)?;
    let mut config = defaults.clone();
    for (name, value) in rows {
        if let Err(e) = config.set(&name, &value) {
            tracing::warn!(setting = %name, error = e.key, "stored setting ignored");
        }
    }
    Ok(config)
}

/// One changed setting: its name, the old text and the new.
pub type Change = (&'static str, String, String);

/// Checks submitted values against the current ones: the new configuration and, by name, what
/// changes (old and new text). Every field error is returned at once.
pub fn apply_changes(
    current: &SiteConfig,
    submitted: &BTreeMap<String, String>,
) -> Result<(SiteConfig, Vec<Change>), Vec<FieldError>> {
    let mut next = current.clone();
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for (name, raw) in submitted {
        let Some((field, _)) = static_name(name) else {
            errors.push(FieldError::new("name", "error-setting-unknown"));
            continue;
        };
        let old = current.get(field).unwrap_or_default();
        match next.set(field, raw) {
            Ok(new) if new != old => changes.push((field, old, new)),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    let touches_registration = submitted.contains_key("registration_mode")
        || submitted.contains_key("registration_question");
    if touches_registration
        && next.registration_mode == RegistrationMode::Approval
        && next.registration_question.is_empty()
        && !errors.iter().any(|e| e.field == "registration_question")
    {
        // Applicants answer it: approval without a question would admit nobody.
        errors.push(FieldError::new(
            "registration_question",
            "error-setting-question-required",
        ));
    }
    if errors.is_empty() {
        Ok((next, changes))
    } else {
        Err(errors)
    }
}

/// Stores changed values and writes one moderation-log row naming them (inside a transaction
/// that moves the content version, so cached pages show the new name at once).
pub fn save(conn: &mut DbConnection, actor_id: i64, changes: &[Change]) -> QueryResult<()> {
    let at = crate::db::now();
    for (name, _, new) in changes {
        diesel::delete(site_config::table.filter(site_config::name.eq(*name))).execute(conn)?;
        diesel::insert_into(site_config::table)
            .values((
                site_config::name.eq(*name),
                site_config::value.eq(new),
                site_config::updated_by.eq(Some(actor_id)),
                site_config::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    let label = changes
        .iter()
        .map(|(n, _, _)| *n)
        .collect::<Vec<_>>()
        .join(", ");
    let detail = changes
        .iter()
        .map(|(n, old, new)| format!("{n}: {} → {}", shorten(old), shorten(new)))
        .collect::<Vec<_>>()
        .join("; ");
    crate::audit::record(conn, actor_id, "settings", "site", 0, &label, &detail, None)
}

fn shorten(s: &str) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(60).collect::<String>())
    } else {
        one_line
    }
}

/// The in-memory copy every request reads.
pub struct ConfigCache {
    defaults: SiteConfig,
    current: RwLock<Arc<SiteConfig>>,
}

impl ConfigCache {
    /// A cache holding the file's defaults until the first load.
    pub fn new(settings: &Settings) -> Self {
        let defaults = SiteConfig::defaults(settings);
        ConfigCache {
            current: RwLock::new(Arc::new(defaults.clone())),
            defaults,
        }
    }

    /// The current values.
    pub fn get(&self) -> Arc<SiteConfig> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the current values.
    pub fn replace(&self, config: SiteConfig) {
        let mut g = match self.current.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *g = Arc::new(config);
    }

    /// Reads the stored values again.
    pub fn reload(&self, conn: &mut DbConnection) -> QueryResult<()> {
        let config = load(conn, &self.defaults)?;
        if *self.get() != config {
            self.replace(config);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SiteConfig {
        SiteConfig::defaults(
            &Settings::load_env(std::path::Path::new("config"), "test").expect("settings"),
        )
    }

    #[test]
    fn every_setting_reads_back_what_was_set() {
        let mut c = sample();
        for name in names() {
            let v = c.get(name).expect("known");
            assert_eq!(c.set(name, &v).expect("valid"), v, "{name}");
        }
    }

    #[test]
    fn bad_values_are_refused_by_field() {
        let mut c = sample();
        assert_eq!(
            c.set("new_account_days", "-1").unwrap_err().key,
            "error-setting-number"
        );
        assert_eq!(
            c.set("registration_mode", "maybe").unwrap_err().key,
            "error-setting-mode"
        );
        assert_eq!(
            c.set("default_language", "de").unwrap_err().key,
            "error-setting-language"
        );
        assert_eq!(
            c.set("site_name", "  ").unwrap_err().key,
            "error-setting-required"
        );
        assert_eq!(
            c.set("public_modlog", "perhaps").unwrap_err().key,
            "error-setting-flag"
        );
        assert!(c.set("nope", "1").is_err());
    }

    #[test]
    fn changes_list_only_what_differs() {
        let c = sample();
        let mut submitted = BTreeMap::new();
        submitted.insert("site_name".to_owned(), c.site_name.clone());
        submitted.insert("auto_hide_reports".to_owned(), "7".to_owned());
        let (next, changes) = apply_changes(&c, &submitted).expect("valid");
        assert_eq!(next.auto_hide_reports, 7);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].0, "auto_hide_reports");
    }
}
