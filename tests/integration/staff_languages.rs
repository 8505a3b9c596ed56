//! The staff pages in the nine languages: the language an account chooses, and every page each
//! role reaches rendered in every language with no message left as its id.

use std::collections::{BTreeSet, HashSet, VecDeque};

use axum::Router;
use axum::http::StatusCode;
use bluedot_core::Lang;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;

use crate::on_both_backends;
use crate::staff::{
    account_signed_in, app, csrf_of, open_case, register, romania, send, send_with_headers,
};

/// Every message id of the staff and public files: a page showing one of them as text shows
/// a message that was never written.
fn message_ids() -> HashSet<String> {
    [
        include_str!("../../locales/en/staff.ftl"),
        include_str!("../../locales/en/main.ftl"),
    ]
    .iter()
    .flat_map(|file| file.lines())
    .filter(|l| !l.starts_with([' ', '#', '.', '*', '[', '}']))
    .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
    // Ids of one word ("language") are also words of the texts themselves.
    .filter(|id| id.contains('-'))
    .collect()
}

/// The text a reader sees: tags, scripts and styles taken out.
fn visible_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        text.push(' ');
        rest = &rest[start..];
        let skip_to = ["<script", "<style"]
            .iter()
            .find(|tag| rest.starts_with(**tag))
            .map(|tag| format!("</{}>", &tag[1..]));
        let end = match skip_to {
            Some(close) => rest.find(&close).map(|i| i + close.len()),
            None => rest.find('>').map(|i| i + 1),
        };
        rest = &rest[end.unwrap_or(rest.len())..];
    }
    text.push_str(rest);
    text
}

/// The staff pages linked from `body`, without query strings or fragments.
/// The first date written the machine's way (2026-12-01) in `text`: pages write dates as the
/// reader's language does.
fn iso_day_in(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let shape = bytes[i..i + 10].iter().enumerate().all(|(k, b)| match k {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        let alone = |at: Option<&u8>| at.is_none_or(|b| !b.is_ascii_alphanumeric());
        (shape && alone(i.checked_sub(1).and_then(|p| bytes.get(p))) && alone(bytes.get(i + 10)))
            .then(|| &text[i..i + 10])
    })
}

fn staff_links(body: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|href| href.starts_with("/staff"))
        .map(|href| href.split(['?', '#']).next().unwrap().to_owned())
        .collect()
}

/// The staff HTML pages an account reaches from its home page, two links deep, with at most
/// three pages of each kind (three hubs' forms, three case files …).
async fn pages_reached(app: &Router, cookie: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut per_kind: std::collections::HashMap<String, usize> = Default::default();
    let mut queue = VecDeque::from([("/staff".to_owned(), 0)]);
    while let Some((path, depth)) = queue.pop_front() {
        let kind: String = path.split('/').take(4).collect::<Vec<_>>().join("/");
        let of_kind = per_kind.entry(kind).or_default();
        if *of_kind >= 3 || !seen.insert(path.clone()) {
            continue;
        }
        *of_kind += 1;
        let page = send(app, "GET", &path, Some(cookie), None).await;
        let html = page
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("text/html"));
        if page.status != StatusCode::OK || !html {
            seen.remove(&path);
            continue;
        }
        if depth < 2 {
            for link in staff_links(&page.body) {
                queue.push_back((link, depth + 1));
            }
        }
    }
    seen
}

#[tokio::test]
async fn an_account_chooses_the_language_of_its_pages() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let cookie =
            account_signed_in(&app, &store, "lucia", Role::CountryCoordinator, romania()).await;
        let ukrainian = [("accept-language", "uk-UA,uk;q=0.9")];
        let home = |cookie: String| {
            let app = app.clone();
            async move {
                send_with_headers(&app, "GET", "/staff", Some(&cookie), None, &ukrainian).await
            }
        };
        // At first the pages follow the browser.
        let page = home(cookie.clone()).await;
        assert!(page.body.contains("<html lang=\"uk\""), "{backend}");
        assert!(page.body.contains("Головна"), "{backend}");

        // Chosen for the account, Romanian wins over the browser's Ukrainian.
        let form = format!("csrf={}&lang=ro", csrf_of(&page.body));
        let set = send(&app, "POST", "/staff/language", Some(&cookie), Some(&form)).await;
        assert_eq!(set.location.as_deref(), Some("/staff"), "{backend}");
        let page = home(cookie.clone()).await;
        assert!(page.body.contains("<html lang=\"ro\""), "{backend}");
        assert!(page.body.contains(">Acasă<"), "{backend}");
        assert!(
            page.body
                .contains("<option value=\"ro\" lang=\"ro\" selected>"),
            "{backend}: the switch shows the choice"
        );
        let audit = crate::support::audit_entries(&store, "user.language").await;
        assert_eq!(audit.len(), 1, "{backend}");

        // A language the pages do not have is refused, in the account's language.
        let form = format!("csrf={}&lang=de", csrf_of(&page.body));
        let refused = send(&app, "POST", "/staff/language", Some(&cookie), Some(&form)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            refused.body.contains("Alegeți o limbă din listă."),
            "{backend}"
        );

        // Back to following the browser.
        let form = format!("csrf={}&lang=", csrf_of(&page.body));
        send(&app, "POST", "/staff/language", Some(&cookie), Some(&form)).await;
        assert!(
            home(cookie).await.body.contains("<html lang=\"uk\""),
            "{backend}"
        );
    });
}

#[tokio::test]
async fn every_staff_page_reads_whole_in_every_language() {
    let db = crate::support::sqlite().await;
    let store = db.store.clone();
    bluedot_cli::load_demo(&store).await.unwrap();
    // Rounds of inclusion assessment and a month of arrivals, so their pages are walked too.
    bluedot_cli::load_demo_inclusion(&store).await.unwrap();
    let first = chrono::Utc::now().date_naive() - chrono::Days::new(30);
    bluedot_cli::planning::load_demo(&store, first, 30)
        .await
        .unwrap();
    let app = app(&store);
    let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
    let at_siret = || Scope {
        hubs: vec![siret.id],
        ..Scope::default()
    };
    let everywhere = Scope {
        everywhere: true,
        ..Scope::default()
    };
    let accounts = [
        ("desk", Role::InformationDesk, at_siret()),
        ("worker", Role::SocialWorker, at_siret()),
        ("coordinator", Role::CountryCoordinator, romania()),
        ("editor", Role::ContentEditor, romania()),
        ("analyst", Role::DataAnalyst, everywhere.clone()),
        ("admin", Role::SystemAdministrator, everywhere),
    ];
    // A child's record and case at Siret, so the record and case pages are walked too.
    let worker = account_signed_in(&app, &store, "registrar", Role::SocialWorker, at_siret()).await;
    let person = register(
        &app,
        &worker,
        siret.id,
        "given_name=Olena&family_name=Kravchenko&sex=female&age=9&languages=uk&need=separated-child&consent_by=parent",
    )
    .await;
    let registrar = store.user_by_username("registrar").await.unwrap().unwrap();
    open_case(
        &app,
        &worker,
        &person,
        &format!(
            "concern=separated&risk=medium&assigned_to={}&screening=seen",
            registrar.id
        ),
    )
    .await;
    let ids = message_ids();
    let mut problems = vec![];
    let mut pages_checked = 0;
    for (username, role, scope) in accounts {
        let cookie = account_signed_in(&app, &store, username, role, scope).await;
        let pages = pages_reached(&app, &cookie).await;
        assert!(pages.len() >= 2, "{username} reaches {pages:?}");
        for lang in Lang::ALL {
            let home = send(&app, "GET", "/staff", Some(&cookie), None).await;
            let form = format!("csrf={}&lang={}", csrf_of(&home.body), lang.code());
            send(&app, "POST", "/staff/language", Some(&cookie), Some(&form)).await;
            let home_label = bluedot_web::I18N.message(lang, "staff-home", None);
            for path in &pages {
                let page = send(&app, "GET", path, Some(&cookie), None).await;
                pages_checked += 1;
                if !page
                    .body
                    .contains(&format!("<html lang=\"{}\"", lang.code()))
                {
                    problems.push(format!("{username} {lang} {path}: wrong lang"));
                }
                let text = visible_text(&page.body);
                let untranslated: BTreeSet<&str> = text
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                    .filter(|word| ids.contains(*word))
                    .collect();
                if !untranslated.is_empty() {
                    problems.push(format!("{username} {lang} {path}: shows {untranslated:?}"));
                }
                if let Some(day) = iso_day_in(&text)
                    && lang != Lang::En
                {
                    problems.push(format!("{username} {lang} {path}: a date as {day}"));
                }
                if !text.contains(&home_label) {
                    problems.push(format!("{username} {lang} {path}: no '{home_label}'"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(pages_checked > 200, "only {pages_checked} pages");
    db.drop_database().await;
}
