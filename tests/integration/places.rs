//! Every hub's town, as visitors type it in each of the site's languages and scripts, with and
//! without diacritics and with a slip of the finger, resolves to that town: a place that
//! resolves elsewhere sends a refugee to the wrong country.

use bluedot_core::Lang;

/// The town part of every hub's name in `lang`: what follows the words all hubs share there
/// ("Блакитна точка Серет" → "Серет").
fn towns_in(hubs: &[bluedot_core::Hub], lang: Lang) -> Vec<String> {
    let names: Vec<&str> = hubs.iter().map(|h| h.name.text(lang)).collect();
    let shared = names.iter().fold(names[0].to_owned(), |prefix, name| {
        prefix
            .chars()
            .zip(name.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect()
    });
    // Back to a word boundary: "Blue Dot B" shared by Bălți and Brașov is not a prefix.
    let cut = shared.rfind(' ').map_or(0, |i| i + 1);
    names.iter().map(|n| n[cut..].trim().to_owned()).collect()
}

/// One slip: two neighbouring letters in the middle of the name typed the wrong way round.
fn with_a_slip(name: &str) -> Option<String> {
    let mut letters: Vec<char> = name.chars().collect();
    if letters.len() < 6 || letters.iter().any(|c| !c.is_alphabetic()) {
        return None;
    }
    let at = letters.len() / 2;
    if letters[at] == letters[at - 1] {
        return None;
    }
    letters.swap(at - 1, at);
    Some(letters.into_iter().collect())
}

/// The hub the first result card of the home page's search for `query` links to.
async fn first_hub(app: &axum::Router, lang: Lang, query: &str) -> Option<String> {
    let path = format!("/{}/?q={}", lang.code(), crate::staff::encode(query));
    let page = crate::staff::send(app, "GET", &path, None, None).await;
    assert_eq!(page.status, 200, "{path}");
    let at = page.body.find("class=\"card-name\" href=\"")?;
    let href = &page.body[at..];
    let start = href.find("/hubs/")? + "/hubs/".len();
    let end = start + href[start..].find('"')?;
    Some(href[start..end].to_owned())
}

#[tokio::test]
async fn every_hubs_town_is_found_however_it_is_typed() {
    let db = crate::support::sqlite().await;
    bluedot_cli::load_demo(&db.store).await.unwrap();
    let app = crate::staff::app(&db.store);
    let hubs = bluedot_demo::hubs(chrono::Utc::now());
    let near = |slug: &str, hub: &bluedot_core::Hub| {
        hubs.iter().any(|h| {
            h.slug == slug
                && h.country == hub.country
                && h.location.distance_km(hub.location) < 30.0
        })
    };
    let mut wrong = vec![];
    let mut tried = 0;
    for lang in Lang::ALL {
        for (hub, town) in hubs.iter().zip(towns_in(&hubs, lang)) {
            let mut queries = vec![town.clone(), deunicode::deunicode(&town)];
            queries.extend(with_a_slip(&town));
            for query in queries {
                tried += 1;
                // Typed by a visitor of any language: a Romanian may type the Ukrainian form.
                let visitor = Lang::ALL[tried % Lang::ALL.len()];
                let got = first_hub(&app, visitor, &query).await;
                if !got.as_deref().is_some_and(|slug| near(slug, hub)) {
                    wrong.push(format!("{visitor:?} {query:?} for {}: {got:?}", hub.slug));
                }
            }
        }
    }
    assert!(tried > 500, "{tried} queries");
    assert!(
        wrong.is_empty(),
        "{} of {tried}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    db.drop_database().await;
}
