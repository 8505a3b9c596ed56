//! Staff sign-in with two factors, roles and scopes, CSRF and the audit trail, over HTTP on
//! both backends.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bluedot_core::Country;
use bluedot_core::policy::{Role, Scope};
use bluedot_store::Store;
use bluedot_store::audit::{AuditQuery, ChainCheck};
use bluedot_store::crypto::KeyRing;
use bluedot_web::staff::credentials::{current_totp, totp_code};
use bluedot_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::on_both_backends;

const PASSWORD: &str = "a long staff passphrase";

pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cookie: Option<String>,
    pub cache_control: Option<String>,
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
    pub body: String,
    pub bytes: Vec<u8>,
}

pub async fn send(
    app: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> Reply {
    let body = form.map(|f| ("application/x-www-form-urlencoded", f.as_bytes().to_vec()));
    send_body(app, method, path, cookie, body).await
}

/// A `multipart/form-data` body with text fields and one file, and its content type.
pub fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "bluedot-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (name, file_name, bytes) = file;
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn send_body(
    app: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    send_with_headers(app, method, path, cookie, body, &[]).await
}

/// A request as a browser sends it, with more headers (its language, say).
pub async fn send_with_headers(
    app: &Router,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "staff.test");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, format!("bluedot_staff={c}"));
    }
    let body = match body {
        Some((content_type, bytes)) => {
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let header = |name| {
        res.headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let location = header(header::LOCATION);
    let cache_control = header(header::CACHE_CONTROL);
    let content_type = header(header::CONTENT_TYPE);
    let content_disposition = header(header::CONTENT_DISPOSITION);
    let cookie = header(header::SET_COOKIE)
        .and_then(|c| c.split(';').next().map(str::to_owned))
        .and_then(|c| c.strip_prefix("bluedot_staff=").map(str::to_owned));
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        location,
        cookie,
        cache_control,
        content_type,
        content_disposition,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// The value of `<... id="{id}" ...>{value}<` or of a hidden input named `name`.
pub fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let from = body
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {body}"))
        + start.len();
    &body[from..from + body[from..].find(end).unwrap()]
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(body: &str) -> String {
    between(body, "name=\"csrf\" value=\"", "\"").to_owned()
}

/// The case version a case page's forms carry.
pub fn version_of(body: &str) -> String {
    between(body, "name=\"version\" value=\"", "\"").to_owned()
}

/// Registers a person at `hub` through the staff form; `fields` are the rest of the form
/// (names, sex, age, needs, consent). Returns the record's address.
pub async fn register(app: &Router, cookie: &str, hub: uuid::Uuid, fields: &str) -> String {
    let csrf = csrf_of(
        &send(app, "GET", "/staff/people/new", Some(cookie), None)
            .await
            .body,
    );
    let created = send(
        app,
        "POST",
        "/staff/people",
        Some(cookie),
        Some(&format!("csrf={csrf}&hub={hub}&{fields}")),
    )
    .await;
    created
        .location
        .unwrap_or_else(|| panic!("registration refused: {}", created.body))
}

/// Opens a case from a child's record through the record page's form; `fields` are the rest
/// of the form (concerns, risk, case worker, screening). Returns the case's address.
pub async fn open_case(app: &Router, cookie: &str, person: &str, fields: &str) -> String {
    let record = send(app, "GET", person, Some(cookie), None).await;
    let opened = send(
        app,
        "POST",
        &format!("{person}/cases"),
        Some(cookie),
        Some(&format!("csrf={}&{fields}", csrf_of(&record.body))),
    )
    .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
    opened.location.expect("the case's address")
}

pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub fn app(store: &Store) -> Router {
    app_and_keys(store).0
}

/// The staff site and the keys it encrypts with, for tests that read what it wrote.
pub fn app_and_keys(store: &Store) -> (Router, KeyRing) {
    let keys = KeyRing::parse(&KeyRing::generate_spec("t1")).unwrap();
    let app = bluedot_web::router(
        AppState::new(store.clone(), WebConfig::default()).with_keys(keys.clone()),
    );
    (app, keys)
}

/// Creates an account, completes its set-up link in the browser's way, and signs it in with
/// both factors. Returns the session cookie.
pub async fn account_signed_in(
    app: &Router,
    store: &Store,
    username: &str,
    role: Role,
    scope: Scope,
) -> String {
    let secret = account_set_up(app, store, username, role, scope).await;
    sign_in(app, username, &secret).await
}

/// Creates an account and completes its set-up link; returns its second-factor secret.
pub async fn account_set_up(
    app: &Router,
    store: &Store,
    username: &str,
    role: Role,
    scope: Scope,
) -> String {
    let user = store
        .create_user(username, username, role, &scope, crate::support::system())
        .await
        .unwrap();
    let token = store
        .create_setup_link(
            user.id,
            chrono::Duration::hours(1),
            crate::support::system(),
            "user.setup-link",
        )
        .await
        .unwrap();
    let page = send(app, "GET", &format!("/staff/setup/{token}"), None, None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let secret = between(&page.body, "id=\"totp-secret\">", "<").to_owned();
    // The key also as a QR code for a phone to scan, drawn inline by the server.
    let qr = between(&page.body, "id=\"totp-qr\">", "</figure>");
    assert!(qr.starts_with("<svg role=\"img\""), "{qr}");
    assert!(
        qr.matches("<path").count() + qr.matches("<rect").count() > 0,
        "{qr}"
    );
    let code = current_totp(&secret, username).unwrap();
    let done = send(
        app,
        "POST",
        &format!("/staff/setup/{token}"),
        None,
        Some(&format!(
            "password={p}&password_again={p}&secret={secret}&code={code}",
            p = encode(PASSWORD)
        )),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("id=\"recovery-codes\""));
    secret
}

/// The password step of signing in, as the login form sends it.
pub async fn password_step(app: &Router, username: &str) -> Reply {
    send(
        app,
        "POST",
        "/staff/login",
        None,
        Some(&format!(
            "username={username}&password={}",
            encode(PASSWORD)
        )),
    )
    .await
}

pub async fn sign_in(app: &Router, username: &str, secret: &str) -> String {
    let login = password_step(app, username).await;
    assert_eq!(
        login.location.as_deref(),
        Some("/staff/2fa"),
        "{}",
        login.body
    );
    let cookie = login.cookie.unwrap();
    let form = send(app, "GET", "/staff/2fa", Some(&cookie), None).await;
    let csrf = between(&form.body, "name=\"csrf\" value=\"", "\"").to_owned();
    // The set-up spent the current code; the authenticator's next one is accepted as drift.
    let code = totp_code(secret, username, 1).unwrap();
    let done = send(
        app,
        "POST",
        "/staff/2fa",
        Some(&cookie),
        Some(&format!("code={code}&csrf={csrf}")),
    )
    .await;
    assert_eq!(done.location.as_deref(), Some("/staff"), "{}", done.body);
    done.cookie
        .expect("a new session id after the second factor")
}

pub fn romania() -> Scope {
    Scope {
        countries: vec![Country::Romania],
        ..Scope::default()
    }
}

#[tokio::test]
async fn staff_sign_in_with_two_factors_and_see_only_their_part() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        // Nobody gets in without signing in.
        let r = send(&app, "GET", "/staff", None, None).await;
        assert_eq!(r.location.as_deref(), Some("/staff/login"), "{backend}");

        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let admin = account_signed_in(
            &app,
            &store,
            "admin",
            Role::SystemAdministrator,
            Scope {
                everywhere: true,
                ..Scope::default()
            },
        )
        .await;
        let coordinator = account_signed_in(
            &app,
            &store,
            "coord.ro",
            Role::CountryCoordinator,
            romania(),
        )
        .await;
        let worker = account_signed_in(
            &app,
            &store,
            "worker",
            Role::SocialWorker,
            Scope {
                hubs: vec![siret.id],
                ..Scope::default()
            },
        )
        .await;

        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        assert_eq!(home.status, StatusCode::OK);
        assert_eq!(home.cache_control.as_deref(), Some("no-store"), "{backend}");
        assert!(home.body.contains("Social worker") && home.body.contains("Blue Dot Siret"));
        assert!(!home.body.contains("href=\"/staff/users\""));
        // The worker may not manage accounts nor read the audit log.
        assert_eq!(
            send(&app, "GET", "/staff/users", Some(&worker), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send(&app, "GET", "/staff/audit", Some(&worker), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // The coordinator sees Romania's entries overdue for checking.
        let home = send(&app, "GET", "/staff", Some(&coordinator), None).await;
        assert!(home.body.contains("brasov-station"), "{backend}");
        assert!(
            !home.body.contains("krakow-station"),
            "{backend}: Poland is not in scope"
        );
        assert_eq!(
            send(&app, "GET", "/staff/users", Some(&coordinator), None)
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // The administrator creates an account; the page shows its one-time link.
        let users = send(&app, "GET", "/staff/users", Some(&admin), None).await;
        assert_eq!(users.status, StatusCode::OK);
        let csrf = between(&users.body, "name=\"csrf\" value=\"", "\"").to_owned();
        let created = send(
            &app,
            "POST",
            "/staff/users",
            Some(&admin),
            Some(&format!(
                "csrf={csrf}&username=legal.pl&display_name=Ewa&role=legal-aid&country=PL"
            )),
        )
        .await;
        assert_eq!(created.status, StatusCode::OK, "{}", created.body);
        assert!(
            created.body.contains("http://staff.test/staff/setup/"),
            "{backend}"
        );
        // A refused account keeps everything typed: the same username again is taken.
        let again = send(
            &app,
            "POST",
            "/staff/users",
            Some(&admin),
            Some(&format!(
                "csrf={csrf}&username=legal.pl&display_name=Ewa%20Nowak&role=legal-aid&country=PL"
            )),
        )
        .await;
        assert!(again.body.contains("id=\"error-message\""), "{backend}");
        assert!(again.body.contains("value=\"legal.pl\""), "{backend}");
        assert!(again.body.contains("value=\"Ewa Nowak\""), "{backend}");
        assert!(
            again.body.contains("value=\"legal-aid\" selected"),
            "{backend}"
        );
        assert!(again.body.contains("value=\"PL\" checked"), "{backend}");
        // Hubs are offered by country; two hubs of one name are told apart by their address.
        assert!(
            users.body.contains("<optgroup label=\"Moldova\">"),
            "{backend}"
        );
        assert_eq!(
            users.body.matches(">Blue Dot Chișinău<").count(),
            0,
            "{backend}: same-named hubs carry their address"
        );
        // Without the form's token nothing happens.
        let forged = send(
            &app,
            "POST",
            "/staff/users",
            Some(&admin),
            Some("csrf=guess&username=evil&display_name=E&role=system-administrator&country=PL"),
        )
        .await;
        assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(store.user_by_username("evil").await.unwrap().is_none());

        // The audit log holds the sign-ins and the account creation; the chain is intact.
        let audit = send(
            &app,
            "GET",
            "/staff/audit?action=user.create",
            Some(&admin),
            None,
        )
        .await;
        assert_eq!(audit.status, StatusCode::OK);
        assert!(audit.body.contains("user.create"));
        let csv = send(&app, "GET", "/staff/audit?format=csv", Some(&admin), None).await;
        assert!(
            csv.body
                .starts_with("seq,at,actor,role,action,record,hub,source,outcome\n")
        );
        let entries = store.search_audit(&AuditQuery::default()).await.unwrap();
        assert!(
            entries
                .iter()
                .filter(|e| e.action == "sign-in" && e.outcome == "ok")
                .count()
                >= 3
        );
        assert!(
            entries
                .iter()
                .any(|e| e.action == "user.create" && e.outcome == "ok")
        );
        assert!(matches!(
            store.verify_audit_chain(&Default::default()).await.unwrap(),
            ChainCheck::Intact { .. }
        ));

        // Second-factor secrets are not stored in the clear.
        let user = store.user_by_username("worker").await.unwrap().unwrap();
        assert!(
            user.totp_secret.unwrap().starts_with("enc:v1:t1:"),
            "{backend}"
        );
        assert!(user.password_hash.unwrap().starts_with("$argon2id$"));
        let _ = url;

        // Signing out ends the session.
        let home = send(&app, "GET", "/staff", Some(&worker), None).await;
        let csrf = between(&home.body, "name=\"csrf\" value=\"", "\"").to_owned();
        let out = send(
            &app,
            "POST",
            "/staff/logout",
            Some(&worker),
            Some(&format!("csrf={csrf}")),
        )
        .await;
        assert_eq!(out.location.as_deref(), Some("/staff/login"));
        assert_eq!(
            send(&app, "GET", "/staff", Some(&worker), None)
                .await
                .location
                .as_deref(),
            Some("/staff/login")
        );
    });
}

#[tokio::test]
async fn failed_sign_ins_lock_and_never_tell_which_part_was_wrong() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app(&store);
        account_signed_in(&app, &store, "ana", Role::LegalAid, romania()).await;
        let unknown = send(
            &app,
            "POST",
            "/staff/login",
            None,
            Some("username=nobody&password=whatever123"),
        )
        .await;
        let wrong = send(
            &app,
            "POST",
            "/staff/login",
            None,
            Some("username=ana&password=wrong-password"),
        )
        .await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{backend}");
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let message = |b: &str| between(b, "id=\"error-message\">", "<").to_owned();
        assert_eq!(
            message(&unknown.body),
            message(&wrong.body),
            "no account enumeration"
        );
        for _ in 0..4 {
            send(
                &app,
                "POST",
                "/staff/login",
                None,
                Some("username=ana&password=wrong-password"),
            )
            .await;
        }
        // Locked now: even the right password is refused.
        let right = password_step(&app, "ana").await;
        assert_eq!(right.status, StatusCode::UNAUTHORIZED, "{backend}");
        let locked = crate::support::audit_entries(&store, "sign-in").await;
        assert!(locked.iter().any(|e| e.outcome == "locked"), "{backend}");
        assert!(locked.iter().any(|e| e.outcome == "unknown-user"));
    });
}

#[tokio::test]
async fn one_address_cannot_keep_guessing_across_accounts() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app(&store);
        // Different usernames each time, so no account's own lock-out ever triggers.
        let mut statuses = Vec::new();
        for i in 0..80 {
            let r = send(
                &app,
                "POST",
                "/staff/login",
                None,
                Some(&format!("username=guess{i}&password=whatever123")),
            )
            .await;
            statuses.push(r.status);
        }
        let limited = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert!(
            statuses[..60]
                .iter()
                .all(|s| *s == StatusCode::UNAUTHORIZED),
            "{backend}: the first burst is answered"
        );
        // One attempt comes back every two seconds, so a slow machine may let one or two more in.
        assert!(limited >= 10, "{backend}: only {limited} refused");
        let entries = crate::support::audit_entries(&store, "sign-in").await;
        assert!(
            entries.iter().any(|e| e.outcome == "rate-limited"),
            "{backend}"
        );
    });
}

#[tokio::test]
async fn a_second_factor_code_works_only_once() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app(&store);
        let secret = account_set_up(&app, &store, "ana", Role::LegalAid, romania()).await;
        let code = totp_code(&secret, "ana", 1).unwrap();
        let second_factor = async |code: &str| {
            let login = password_step(&app, "ana").await;
            let cookie = login.cookie.unwrap();
            let form = send(&app, "GET", "/staff/2fa", Some(&cookie), None).await;
            let csrf = between(&form.body, "name=\"csrf\" value=\"", "\"").to_owned();
            send(
                &app,
                "POST",
                "/staff/2fa",
                Some(&cookie),
                Some(&format!("code={code}&csrf={csrf}")),
            )
            .await
            .status
        };
        assert_eq!(
            second_factor(&code).await,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        // The same code, seen over a shoulder, does not open a second session.
        assert_eq!(
            second_factor(&code).await,
            StatusCode::UNAUTHORIZED,
            "{backend}"
        );
        // Nor does the set-up's earlier one.
        let earlier = current_totp(&secret, "ana").unwrap();
        assert_eq!(
            second_factor(&earlier).await,
            StatusCode::UNAUTHORIZED,
            "{backend}"
        );
    });
}

#[tokio::test]
async fn a_password_alone_does_not_open_staff_pages() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app(&store);
        account_signed_in(&app, &store, "ion", Role::HubCoordinator, romania()).await;
        let login = password_step(&app, "ion").await;
        let cookie = login.cookie.unwrap();
        let home = send(&app, "GET", "/staff", Some(&cookie), None).await;
        assert_eq!(home.location.as_deref(), Some("/staff/2fa"), "{backend}");
        let form = send(&app, "GET", "/staff/2fa", Some(&cookie), None).await;
        let csrf = between(&form.body, "name=\"csrf\" value=\"", "\"").to_owned();
        let bad = send(
            &app,
            "POST",
            "/staff/2fa",
            Some(&cookie),
            Some(&format!("code=000000&csrf={csrf}")),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED, "{backend}");
        assert_eq!(
            send(&app, "GET", "/staff/audit", Some(&cookie), None)
                .await
                .location
                .as_deref(),
            Some("/staff/2fa")
        );
        // A used set-up link does not work again.
        let user = store.user_by_username("ion").await.unwrap().unwrap();
        let token = store
            .create_setup_link(
                user.id,
                chrono::Duration::hours(1),
                crate::support::system(),
                "user.setup-link",
            )
            .await
            .unwrap();
        assert!(store.consume_setup_link(&token).await.unwrap().is_some());
        assert_eq!(
            send(&app, "GET", &format!("/staff/setup/{token}"), None, None)
                .await
                .status,
            StatusCode::BAD_REQUEST
        );
    });
}

#[tokio::test]
async fn parallel_guesses_check_at_most_the_allowed_number() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app(&store);
        account_set_up(&app, &store, "ana", Role::LegalAid, romania()).await;
        let guesses = (0..40).map(|i| {
            let app = app.clone();
            async move {
                send(
                    &app,
                    "POST",
                    "/staff/login",
                    None,
                    Some(&format!("username=ana&password=wrong-guess-{i}")),
                )
                .await
                .status
            }
        });
        // All forty in flight at once: each waits on the database between its steps.
        let statuses = futures::future::join_all(guesses).await;
        assert!(
            statuses.iter().all(|s| *s != StatusCode::SEE_OTHER),
            "{backend}"
        );
        let right = password_step(&app, "ana").await;
        assert!(
            matches!(
                right.status,
                StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
            ),
            "{backend}: the right password is refused after the parallel guesses"
        );
        let ana = store.user_by_username("ana").await.unwrap().unwrap();
        assert!(
            ana.locked_until.is_some(),
            "{backend}: and the account locked"
        );
        let entries = crate::support::audit_entries(&store, "sign-in").await;
        let checked = entries
            .iter()
            .filter(|e| e.outcome == "bad-password")
            .count();
        assert_eq!(checked, 5, "{backend}: only five guesses were checked");
    });
}

#[tokio::test]
async fn the_session_id_changes_when_the_second_factor_is_passed() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let app = app(&store);
        let secret = account_set_up(&app, &store, "ion", Role::HubCoordinator, romania()).await;
        let login = password_step(&app, "ion").await;
        let copied = login.cookie.unwrap();
        let form = send(&app, "GET", "/staff/2fa", Some(&copied), None).await;
        let csrf = csrf_of(&form.body);
        let code = totp_code(&secret, "ion", 1).unwrap();
        let done = send(
            &app,
            "POST",
            "/staff/2fa",
            Some(&copied),
            Some(&format!("code={code}&csrf={csrf}")),
        )
        .await;
        let fresh = done.cookie.expect("a new session id");
        assert_ne!(fresh, copied, "{backend}");
        assert_eq!(
            send(&app, "GET", "/staff", Some(&copied), None)
                .await
                .location
                .as_deref(),
            Some("/staff/login"),
            "{backend}: the cookie copied after the password step opens nothing"
        );
        assert_eq!(
            send(&app, "GET", "/staff", Some(&fresh), None).await.status,
            StatusCode::OK
        );
        // Signing in again from a browser that holds a session ends the old one.
        let again = send(
            &app,
            "POST",
            "/staff/login",
            Some(&fresh),
            Some(&format!("username=ion&password={}", encode(PASSWORD))),
        )
        .await;
        assert_ne!(again.cookie.as_deref(), Some(fresh.as_str()));
        assert_eq!(
            send(&app, "GET", "/staff", Some(&fresh), None)
                .await
                .location
                .as_deref(),
            Some("/staff/login"),
            "{backend}"
        );
    });
}

/// A sign-in that reached the server through a proxy at `peer` for a client at `forwarded`.
async fn login_via(app: &Router, peer: &str, forwarded: &str, form: &str) -> StatusCode {
    let mut req = Request::builder()
        .method("POST")
        .uri("/staff/login")
        .header(header::HOST, "staff.test")
        .header("x-forwarded-for", forwarded)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_owned()))
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo::<std::net::SocketAddr>(
            format!("{peer}:40000").parse().unwrap(),
        ));
    app.clone().oneshot(req).await.unwrap().status()
}

#[tokio::test]
async fn behind_a_proxy_one_attacker_does_not_lock_out_colleagues() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let keys = KeyRing::parse(&KeyRing::generate_spec("t1")).unwrap();
        let config = WebConfig {
            trusted_proxies: vec!["10.0.0.0/8".parse().unwrap()],
            ..WebConfig::default()
        };
        let app = bluedot_web::router(AppState::new(store.clone(), config).with_keys(keys));
        account_set_up(&app, &store, "ana", Role::LegalAid, romania()).await;
        // An attacker behind the proxy spends the limit for a made-up account...
        let mut limited = 0;
        for _ in 0..35 {
            let s = login_via(
                &app,
                "10.0.0.2",
                "198.51.100.66",
                "username=victim&password=whatever123",
            )
            .await;
            limited += usize::from(s == StatusCode::TOO_MANY_REQUESTS);
        }
        assert!(limited >= 3, "{backend}: only {limited} refused");
        // ...yet a colleague on the same address still signs in,
        let colleague = login_via(
            &app,
            "10.0.0.2",
            "198.51.100.66",
            &format!("username=ana&password={}", encode(PASSWORD)),
        )
        .await;
        assert_eq!(colleague, StatusCode::SEE_OTHER, "{backend}");
        // and the audit names the real client, not the proxy.
        let entries = crate::support::audit_entries(&store, "sign-in").await;
        assert!(
            entries.iter().all(|e| e.source == "198.51.100.66"),
            "{backend}"
        );
        // A client that is not a proxy cannot choose its address.
        let forged = login_via(
            &app,
            "203.0.113.9",
            "198.51.100.1",
            "username=nobody&password=whatever123",
        )
        .await;
        assert_eq!(forged, StatusCode::UNAUTHORIZED);
        let newest = &store
            .search_audit(&AuditQuery {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap()[0];
        assert_eq!(newest.source, "203.0.113.9", "{backend}");
    });
}
