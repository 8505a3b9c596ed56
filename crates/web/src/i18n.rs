//! UI strings through Project Fluent, one `.ftl` file per language under `locales/`, compiled
//! into the binary. Messages missing in a language fall back to English, so a half-translated
//! language still shows whole pages.

use std::collections::HashMap;

use bluedot_core::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../../locales/"]
#[include = "*.ftl"]
struct Locales;

pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
    /// Messages without arguments, formatted once at load: most of a page's strings.
    plain: HashMap<Lang, HashMap<String, String>>,
}

impl I18n {
    /// Loads every language's messages. A syntax error in a translation is a build mistake,
    /// so it stops the server with the file and message named.
    pub fn load() -> Result<I18n, String> {
        let mut bundles = HashMap::new();
        for lang in Lang::ALL {
            let path = format!("{}/main.ftl", lang.code());
            let file = Locales::get(&path).ok_or_else(|| format!("missing locales/{path}"))?;
            let source = String::from_utf8(file.data.into_owned())
                .map_err(|_| format!("locales/{path} is not UTF-8"))?;
            let resource = FluentResource::try_new(source)
                .map_err(|(_, errors)| format!("locales/{path}: {errors:?}"))?;
            let langid = lang.code().parse().map_err(|e| format!("{lang}: {e:?}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // Every script we show is left-to-right; isolation marks would only add noise.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| format!("locales/{path}: {errors:?}"))?;
            // Staff pages' messages, in the languages they are translated into so far.
            let staff_path = format!("{}/staff.ftl", lang.code());
            if let Some(file) = Locales::get(&staff_path) {
                let source = String::from_utf8(file.data.into_owned())
                    .map_err(|_| format!("locales/{staff_path} is not UTF-8"))?;
                let resource = FluentResource::try_new(source)
                    .map_err(|(_, errors)| format!("locales/{staff_path}: {errors:?}"))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| format!("locales/{staff_path}: {errors:?}"))?;
            }
            bundles.insert(lang, bundle);
        }
        let mut i18n = I18n {
            bundles,
            plain: HashMap::new(),
        };
        for lang in Lang::ALL {
            let bundle = &i18n.bundles[&lang];
            let mut plain = HashMap::new();
            let staff = Self::ids_in(&format!("{}/staff.ftl", lang.code()));
            for id in i18n.ids(lang).into_iter().chain(staff) {
                if let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) {
                    let mut errors = vec![];
                    let text = bundle.format_pattern(pattern, None, &mut errors);
                    if errors.is_empty() {
                        plain.insert(id, text.into_owned());
                    }
                }
            }
            i18n.plain.insert(lang, plain);
        }
        Ok(i18n)
    }

    /// The message `id` in `lang`, else in English, else the id itself (visible in tests).
    pub fn message(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        if args.is_none() {
            for l in [lang, Lang::FALLBACK] {
                if let Some(text) = self.plain[&l].get(id) {
                    return text.clone();
                }
            }
        }
        for l in [lang, Lang::FALLBACK] {
            let bundle = &self.bundles[&l];
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(%lang, id, ?errors, "translation formatting error");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(%lang, id, "missing translation");
        id.to_owned()
    }

    /// The languages the staff pages are translated into (English first).
    pub fn staff_languages(&self) -> Vec<Lang> {
        Lang::ALL
            .iter()
            .copied()
            .filter(|l| {
                *l == Lang::FALLBACK || Locales::get(&format!("{}/staff.ftl", l.code())).is_some()
            })
            .collect()
    }

    /// Whether `lang` has its own message `id` (no fallback): used by the completeness test.
    pub fn has_own(&self, lang: Lang, id: &str) -> bool {
        self.bundles[&lang].has_message(id)
    }

    /// All message ids of a language's public-site file.
    pub fn ids(&self, lang: Lang) -> Vec<String> {
        Self::ids_in(&format!("{}/main.ftl", lang.code()))
    }

    fn ids_in(path: &str) -> Vec<String> {
        let Some(file) = Locales::get(path) else {
            return vec![];
        };
        String::from_utf8_lossy(&file.data)
            .lines()
            .filter_map(|l| {
                let (id, _) = l.split_once(" =")?;
                let id = id.trim();
                (!id.is_empty() && !l.starts_with([' ', '#', '.'])).then(|| id.to_owned())
            })
            .collect()
    }
}

/// Builds Fluent arguments from pairs, numbers kept as numbers so plural rules apply.
pub fn args<'a>(pairs: &[(&'a str, FluentValue<'a>)]) -> FluentArgs<'a> {
    let mut args = FluentArgs::new();
    for (k, v) in pairs {
        args.set(*k, v.clone());
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message() {
        let i18n = I18n::load().unwrap();
        let english = i18n.ids(Lang::En);
        assert!(english.len() > 150);
        for lang in Lang::ALL {
            let missing: Vec<_> = english
                .iter()
                .filter(|id| !i18n.has_own(lang, id))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let i18n = I18n::load().unwrap();
        let count = |lang, n: usize| {
            i18n.message(
                lang,
                "hubs-count",
                Some(&args(&[("count", FluentValue::from(n))])),
            )
        };
        assert_eq!(count(Lang::Uk, 1), "1 пункт");
        assert_eq!(count(Lang::Uk, 3), "3 пункти");
        assert_eq!(count(Lang::Uk, 11), "11 пунктів");
        assert_eq!(count(Lang::Ru, 22), "22 пункта");
        assert_eq!(count(Lang::Pl, 5), "5 punktów");
        assert_eq!(count(Lang::En, 1), "1 hub");
    }
}
