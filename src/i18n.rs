//! Languages: the message catalogues under `locales/`, the choice of a language for a request, the
//! `t` template helper and dates written the way each language writes them.
//!
//! Every user-facing string comes from `locales/<lang>/main.ftl` (pages) and
//! `locales/<lang>/emails.ftl` (mails); nothing here holds prose.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDateTime, Timelike};
use dashmap::DashMap;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, RenderError,
    RenderErrorReason, ScopedJson,
};
use serde_json::Value as Json;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The languages Vigie speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    /// Every supported language, in the order the switcher lists them.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The BCP 47 code (`fr`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// Parses a code such as `fr`, `fr-BE` or `en-GB`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best language in an `Accept-Language` header, if any is supported.
    ///
    /// Ranges are tried by quality, highest first, and matched on their primary subtag (the
    /// "lookup" of RFC 4647, §3.4: `en-US` falls back to `en`, `fr-CH` to `fr`); a range with
    /// `q=0` means "not this one" and is skipped.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        accept_language::parse_with_quality(header)
            .into_iter()
            .filter(|(_, quality)| *quality > 0.0)
            .find_map(|(range, _)| Lang::parse(&range))
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Fr => unic_langid::langid!("fr"),
            Lang::En => unic_langid::langid!("en"),
        }
    }

    /// The message `key` in this language.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.id(), key)
    }

    /// The message `key` with arguments.
    pub fn t_args(self, key: &str, args: &[(&str, FluentArg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_owned()), v.to_fluent()))
            .collect();
        LOCALES.lookup_with_args(&self.id(), key, &map)
    }

    /// A date and time as this language writes it, in UTC.
    pub fn datetime(self, at: NaiveDateTime) -> String {
        const FR: [&str; 12] = [
            "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
            "nov.", "déc.",
        ];
        const EN: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = at.month0() as usize;
        match self {
            Lang::Fr => format!(
                "{} {} {} à {:02}:{:02}",
                at.day(),
                FR[month],
                at.year(),
                at.hour(),
                at.minute()
            ),
            Lang::En => format!(
                "{} {}, {} at {:02}:{:02}",
                EN[month],
                at.day(),
                at.year(),
                at.hour(),
                at.minute()
            ),
        }
    }

    /// A whole number with the language's thousands separator: `1 019 022` (a narrow no-break
    /// space) in French, `1,019,022` in English.
    pub fn number(self, n: i64) -> String {
        let digits = n.unsigned_abs().to_string();
        let separator = match self {
            Lang::Fr => "\u{202f}",
            Lang::En => ",",
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(separator);
            }
            out.push(digit);
        }
        out
    }

    /// A date that may stop at the month, as the observatory stores them (`2022-02` or
    /// `2022-02-14`), in words: "février 2022", "14 février 2022"; "February 2022",
    /// "February 14, 2022". Anything else comes back as it is.
    pub fn partial_date(self, raw: &str) -> String {
        const FR: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let mut parts = raw.trim().splitn(3, '-');
        let (Some(year), Some(month)) = (parts.next(), parts.next()) else {
            return raw.to_owned();
        };
        let day = parts.next();
        let (Ok(year), Ok(month)) = (year.parse::<i32>(), month.parse::<usize>()) else {
            return raw.to_owned();
        };
        if !(1..=12).contains(&month) {
            return raw.to_owned();
        }
        let day = match day.map(str::parse::<u32>) {
            None => None,
            Some(Ok(d)) if (1..=31).contains(&d) => Some(d),
            Some(_) => return raw.to_owned(),
        };
        match (self, day) {
            (Lang::Fr, None) => format!("{} {year}", FR[month - 1]),
            (Lang::Fr, Some(1)) => format!("1er {} {year}", FR[month - 1]),
            (Lang::Fr, Some(d)) => format!("{d} {} {year}", FR[month - 1]),
            (Lang::En, None) => format!("{} {year}", EN[month - 1]),
            (Lang::En, Some(d)) => format!("{} {d}, {year}", EN[month - 1]),
        }
    }

    /// A date without the time.
    pub fn date(self, at: NaiveDateTime) -> String {
        let full = self.datetime(at);
        match self {
            Lang::Fr => full.split(" à ").next().unwrap_or_default().to_owned(),
            Lang::En => full.split(" at ").next().unwrap_or_default().to_owned(),
        }
    }
}

/// An argument to a message.
#[derive(Debug, Clone)]
pub enum FluentArg {
    Str(String),
    Num(i64),
}

impl FluentArg {
    fn to_fluent(&self) -> FluentValue<'static> {
        match self {
            FluentArg::Str(s) => FluentValue::String(Cow::Owned(s.clone())),
            FluentArg::Num(n) => FluentValue::from(*n),
        }
    }
}

fn context_lang(ctx: &Context) -> Lang {
    ctx.data()
        .get("lang")
        .and_then(Json::as_str)
        .and_then(Lang::parse)
        .unwrap_or(Lang::Fr)
}

/// `{{t "key" name=value}}`: the message in the page's language (`lang` at the context root),
/// HTML-escaped like any other template output.
pub fn t_helper(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    write_translation(h, ctx, out, true)
}

pub fn t_text_helper(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    write_translation(h, ctx, out, false)
}

/// Translations without arguments, as written into pages (escaped) and into mails' text parts
/// (as is), kept per language after their first use: a page calls `t` a hundred times, and
/// Fluent formats a new `String` on each call.
struct Memo {
    escaped: DashMap<Box<str>, Box<str>>,
    plain: DashMap<Box<str>, Box<str>>,
}

/// At most this many keys are kept per language and form (the templates use a few hundred).
const MEMO_LIMIT: usize = 4096;

static MEMO: LazyLock<[Memo; 2]> = LazyLock::new(|| {
    [(), ()].map(|_| Memo {
        escaped: DashMap::new(),
        plain: DashMap::new(),
    })
});

fn write_translation(
    h: &Helper,
    ctx: &Context,
    out: &mut dyn Output,
    escape: bool,
) -> HelperResult {
    if h.hash().is_empty() {
        let key = h
            .param(0)
            .and_then(|p| p.value().as_str())
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
        let lang = context_lang(ctx);
        let memo = &MEMO[lang as usize];
        let memo = if escape { &memo.escaped } else { &memo.plain };
        if let Some(text) = memo.get(key) {
            out.write(&text)?;
            return Ok(());
        }
        let text = lang.t(key);
        let text = if escape {
            handlebars::html_escape(&text)
        } else {
            text
        };
        out.write(&text)?;
        if memo.len() < MEMO_LIMIT {
            memo.insert(key.into(), text.into_boxed_str());
        }
        return Ok(());
    }
    let text = translate(h, ctx)?;
    if escape {
        out.write(&handlebars::html_escape(&text))?;
    } else {
        out.write(&text)?;
    }
    Ok(())
}

fn translate(h: &Helper, ctx: &Context) -> Result<String, handlebars::RenderError> {
    let key = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .ok_or(RenderErrorReason::ParamNotFoundForIndex("t", 0))?;
    let lang = context_lang(ctx);
    let args: Vec<(String, FluentArg)> = h
        .hash()
        .iter()
        .map(|(k, v)| {
            let arg = match v.value() {
                Json::Number(n) => FluentArg::Num(n.as_i64().unwrap_or_default()),
                Json::String(s) => FluentArg::Str(s.clone()),
                Json::Null => FluentArg::Str(String::new()),
                other => FluentArg::Str(other.to_string()),
            };
            ((*k).to_owned(), arg)
        })
        .collect();
    let text = if args.is_empty() {
        lang.t(key)
    } else {
        let borrowed: Vec<(&str, FluentArg)> =
            args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        lang.t_args(key, &borrowed)
    };
    Ok(text)
}

/// Reads `YYYY-MM-DDTHH:MM:SS[.ffffff]` (how timestamps reach templates) by position: this
/// runs for every date on every page, and a format-string parse cost more than the rest.
fn parse_timestamp(raw: &str) -> Option<NaiveDateTime> {
    let b = raw.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| raw.get(range)?.parse::<u32>().ok();
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)
}

/// `{{datetime value}}`: a `<time>` element for a timestamp (`YYYY-MM-DDTHH:MM:SS`).
pub fn datetime_helper(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let raw = h
        .param(0)
        .and_then(|p| p.value().as_str())
        .unwrap_or_default();
    let date_only = h
        .hash_get("date")
        .and_then(|v| v.value().as_bool())
        .unwrap_or(false);
    let Some(at) = parse_timestamp(raw) else {
        return Ok(());
    };
    let lang = context_lang(ctx);
    let text = if date_only {
        lang.date(at)
    } else {
        lang.datetime(at)
    };
    out.write("<time datetime=\"")?;
    out.write(&raw[..19])?;
    out.write("Z\">")?;
    out.write(&text)?;
    out.write("</time>")?;
    Ok(())
}

/// A helper that turns its one parameter into text in the page's language; usable as
/// `{{partial_date started}}` and as a subexpression (`{{t "key" started=(partial_date started)}}`).
pub struct LangHelper(pub fn(Lang, &Json) -> String);

impl HelperDef for LangHelper {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let value = h.param(0).map(|p| p.value()).unwrap_or(&Json::Null);
        Ok(ScopedJson::Derived(Json::String((self.0)(
            context_lang(ctx),
            value,
        ))))
    }
}

/// `{{partial_date d}}`: `2022-02` as "février 2022" / "February 2022".
pub fn partial_date_text(lang: Lang, value: &Json) -> String {
    value
        .as_str()
        .map(|raw| lang.partial_date(raw))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_partial_dates_read_naturally() {
        assert_eq!(Lang::Fr.number(1_019_022), "1\u{202f}019\u{202f}022");
        assert_eq!(Lang::En.number(1_019_022), "1,019,022");
        assert_eq!(Lang::En.number(999), "999");
        assert_eq!(Lang::En.number(-1000), "-1,000");
        assert_eq!(Lang::Fr.partial_date("2022-02"), "février 2022");
        assert_eq!(Lang::En.partial_date("2022-02"), "February 2022");
        assert_eq!(Lang::Fr.partial_date("2022-02-01"), "1er février 2022");
        assert_eq!(Lang::En.partial_date("2022-02-14"), "February 14, 2022");
        assert_eq!(Lang::En.partial_date("soon"), "soon");
        assert_eq!(Lang::En.partial_date("2022-13"), "2022-13");
    }

    #[test]
    fn accept_language_picks_a_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("de-DE,fr;q=0.5"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de-DE"), None);
        assert_eq!(Lang::from_accept_language("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("fr-BE,en;q=0.5"), Some(Lang::Fr));
        assert_eq!(
            Lang::from_accept_language("de-CH,fr-CH;q=0.8"),
            Some(Lang::Fr)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0,fr-CH;q=0.3"),
            Some(Lang::Fr)
        );
    }

    #[test]
    fn timestamps_parse_by_position() {
        let at = parse_timestamp("2026-11-28T15:04:05.123456").expect("parsed");
        assert_eq!(at.to_string(), "2026-11-28 15:04:05");
        assert!(parse_timestamp("2026-11-28 15:04").is_none());
        assert!(parse_timestamp("2026-13-28T15:04:05").is_none());
    }

    #[test]
    fn dates_follow_the_language() {
        let at = NaiveDateTime::parse_from_str("2026-11-28 15:04:00", "%Y-%m-%d %H:%M:%S")
            .expect("valid date");
        assert_eq!(Lang::Fr.datetime(at), "28 nov. 2026 à 15:04");
        assert_eq!(Lang::En.datetime(at), "Nov 28, 2026 at 15:04");
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let keys = |path: &str| -> std::collections::BTreeSet<String> {
            std::fs::read_to_string(path)
                .expect("catalogue readable")
                .lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .filter_map(|l| l.split(" =").next().map(str::to_owned))
                .collect()
        };
        // Every catalogue file of a language (main, emails, and one per feature).
        let all = |lang: &str| -> std::collections::BTreeSet<String> {
            std::fs::read_dir(format!("locales/{lang}"))
                .expect("catalogue folder readable")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .flat_map(|p| keys(&p.to_string_lossy()))
                .collect()
        };
        let fr = all("fr");
        let en = all("en");
        let only_fr: Vec<_> = fr.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&fr).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
    }
}
