//! Words for codes: the regions (France's regions, Belgium's regions, Switzerland's cantons,
//! Luxembourg's cantons) behind GeoNames' first-level codes, and the countries, in the reader's
//! language. The table is `data/regions.csv`, built into the binary.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::i18n::Lang;

/// One region: its country, its GeoNames code, its French and English names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub country: &'static str,
    pub code: &'static str,
    pub fr: &'static str,
    pub en: &'static str,
}

impl Region {
    /// The region's name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        }
    }
}

static TABLE: &str = include_str!("../../data/regions.csv");

static REGIONS: LazyLock<Vec<Region>> = LazyLock::new(|| {
    TABLE
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split(',');
            Some(Region {
                country: cols.next()?,
                code: cols.next()?,
                fr: cols.next()?,
                en: cols.next()?,
            })
        })
        .collect()
});

static BY_CODE: LazyLock<HashMap<(&'static str, &'static str), &'static Region>> =
    LazyLock::new(|| REGIONS.iter().map(|r| ((r.country, r.code), r)).collect());

/// The region of `country` with GeoNames code `code`.
pub fn region(country: &str, code: &str) -> Option<&'static Region> {
    BY_CODE.get(&(country, code)).copied()
}

/// The name of a region in `lang`, or the code when it is unknown.
pub fn region_name(country: &str, code: &str, lang: Lang) -> String {
    region(country, code)
        .map(|r| r.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// Every region, by country (France, Belgium, Switzerland, Luxembourg) then by name in `lang`.
pub fn all(lang: Lang) -> Vec<&'static Region> {
    let mut list: Vec<&'static Region> = REGIONS.iter().collect();
    let rank = |c: &str| ["FR", "BE", "CH", "LU"].iter().position(|x| *x == c);
    list.sort_by(|a, b| {
        rank(a.country).cmp(&rank(b.country)).then_with(|| {
            crate::validation::slugify(a.name(lang), 120)
                .cmp(&crate::validation::slugify(b.name(lang), 120))
        })
    });
    list
}

/// The name of a country (ISO 3166-1 alpha-2) in `lang`, or the code when it is unknown.
pub fn country_name(code: &str, lang: Lang) -> String {
    let key = format!("country-{}", code.to_ascii_lowercase());
    let name = lang.t(&key);
    if name.is_empty() || name == key {
        code.to_owned()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_of_the_city_list_has_a_name() {
        let cities = include_str!("../../data/cities-fr-be-ch-lu.csv");
        for line in cities.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let (country, code) = (cols[3], cols[4]);
            assert!(
                region(country, code).is_some(),
                "no name for {country} {code}"
            );
        }
        assert_eq!(
            region_name("FR", "93", Lang::Fr),
            "Provence-Alpes-Côte d’Azur"
        );
        assert_eq!(region_name("CH", "GE", Lang::En), "Geneva");
        assert_eq!(country_name("BE", Lang::Fr), "Belgique");
        assert_eq!(country_name("CH", Lang::En), "Switzerland");
    }
}
