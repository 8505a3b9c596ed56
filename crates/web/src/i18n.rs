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

/// Checks that each translation of the staff pages says what English says: every message, with
/// the same variables, and a plural variant for every plural form of the language.
#[cfg(test)]
mod staff_translation_tests {
    use std::collections::{BTreeMap, BTreeSet};

    use bluedot_core::Lang;
    use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
    use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};

    use super::Locales;

    /// What a message needs from its caller and which numbers it selects on.
    #[derive(Default, Debug)]
    struct Shape {
        variables: BTreeSet<String>,
        /// For each select expression on a variable: its variant keys.
        selects: Vec<(String, BTreeSet<String>)>,
    }

    fn shapes(lang: Lang) -> BTreeMap<String, Shape> {
        let path = format!("{}/staff.ftl", lang.code());
        let file = Locales::get(&path).unwrap_or_else(|| panic!("locales/{path} is missing"));
        let source = String::from_utf8(file.data.into_owned()).unwrap();
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("locales/{path}: {errors:?}"));
        let mut shapes = BTreeMap::new();
        for entry in resource.body {
            if let Entry::Message(message) = entry {
                let mut shape = Shape::default();
                if let Some(pattern) = &message.value {
                    walk_pattern(pattern, &mut shape);
                }
                let id = message.id.name.to_owned();
                assert!(
                    shapes.insert(id.clone(), shape).is_none(),
                    "locales/{path}: {id} is defined twice"
                );
            }
        }
        shapes
    }

    fn walk_pattern(pattern: &Pattern<&str>, shape: &mut Shape) {
        for element in &pattern.elements {
            if let PatternElement::Placeable { expression } = element {
                walk_expression(expression, shape);
            }
        }
    }

    fn walk_expression(expression: &Expression<&str>, shape: &mut Shape) {
        match expression {
            Expression::Inline(inline) => walk_inline(inline, shape),
            Expression::Select { selector, variants } => {
                walk_inline(selector, shape);
                if let InlineExpression::VariableReference { id } = selector {
                    let keys = variants
                        .iter()
                        .map(|v| match &v.key {
                            fluent_syntax::ast::VariantKey::Identifier { name } => {
                                (*name).to_owned()
                            }
                            fluent_syntax::ast::VariantKey::NumberLiteral { value } => {
                                (*value).to_owned()
                            }
                        })
                        .collect();
                    shape.selects.push((id.name.to_owned(), keys));
                }
                for variant in variants {
                    walk_pattern(&variant.value, shape);
                }
            }
        }
    }

    fn walk_inline(inline: &InlineExpression<&str>, shape: &mut Shape) {
        match inline {
            InlineExpression::VariableReference { id } => {
                shape.variables.insert(id.name.to_owned());
            }
            InlineExpression::Placeable { expression } => walk_expression(expression, shape),
            InlineExpression::FunctionReference { arguments, .. } => {
                for argument in &arguments.positional {
                    walk_inline(argument, shape);
                }
            }
            _ => {}
        }
    }

    /// The plural forms a language distinguishes, other than "other".
    fn plural_forms(lang: Lang) -> BTreeSet<String> {
        let rules = PluralRules::create(
            lang.code()
                .parse::<unic_langid::LanguageIdentifier>()
                .unwrap(),
            PluralRuleType::CARDINAL,
        )
        .unwrap();
        (0..1000)
            .filter_map(|n| match rules.select(n).unwrap() {
                PluralCategory::OTHER => None,
                category => Some(format!("{category:?}").to_lowercase()),
            })
            .collect()
    }

    #[test]
    fn staff_pages_are_translated_into_every_language() {
        let english = shapes(Lang::En);
        assert!(english.len() > 800);
        let mut problems = vec![];
        for lang in Lang::ALL {
            let translated = shapes(lang);
            for (id, source) in &english {
                let Some(shape) = translated.get(id) else {
                    problems.push(format!("{lang}: {id} is missing"));
                    continue;
                };
                if shape.variables != source.variables {
                    problems.push(format!(
                        "{lang}: {id} uses {:?}, English {:?}",
                        shape.variables, source.variables
                    ));
                }
                for (variable, keys) in &shape.selects {
                    let missing: Vec<_> = plural_forms(lang)
                        .into_iter()
                        .filter(|form| !keys.contains(form))
                        .collect();
                    if !missing.is_empty() {
                        problems.push(format!(
                            "{lang}: {id} selects on ${variable} without the forms {missing:?}"
                        ));
                    }
                }
            }
            for id in translated.keys().filter(|id| !english.contains_key(*id)) {
                problems.push(format!("{lang}: {id} is not an English message"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
