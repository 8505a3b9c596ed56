//! A directory package, or a translators' PO file, brought in from a coordinator's screen: the
//! same imports as `bluedot directory import` and `bluedot directory translations import`,
//! checked first or written at once, limited to the entries the editor could change by hand,
//! with the report of what they did or would do; and the matching downloads.

use std::collections::BTreeMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use bluedot_core::Lang;
use serde::Deserialize;

use super::admin::SelectOption;
use super::directory::Editor;
use super::{ClientAddr, Nav, StaffError, StaffResult, Upload};
use crate::AppState;
use crate::directory_package::{Importer, Package, Report, import, translations};
use crate::view::{Ctx, render, render_form};

/// The largest package accepted from the screen; a whole national directory is far smaller.
pub const MAX_PACKAGE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Template)]
#[template(path = "staff/directory_import.html")]
struct ImportPage {
    ctx: Ctx,
    nav: Nav,
    csrf: String,
    error: Option<String>,
    report: Option<ReportView>,
    langs: Vec<SelectOption>,
}

struct ReportView {
    /// Whether the package was written (or only checked).
    written: bool,
    summary: String,
    refused: Vec<(String, String)>,
    skipped: Vec<(String, String)>,
    created: Vec<String>,
    changed: Vec<String>,
}

impl ReportView {
    fn new(report: Report, written: bool) -> ReportView {
        ReportView {
            written,
            summary: report.summary(),
            refused: report.refused,
            skipped: report.skipped,
            created: report.created,
            changed: report.changed,
        }
    }
}

fn page(editor: &Editor, error: Option<String>, report: Option<ReportView>) -> ImportPage {
    ImportPage {
        ctx: editor.ctx(),
        nav: editor.nav(),
        csrf: editor.staff.session.csrf_token.clone(),
        error,
        report,
        langs: Lang::ALL
            .iter()
            .map(|l| SelectOption {
                value: l.code().to_owned(),
                label: l.native_name().to_owned(),
            })
            .collect(),
    }
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    Ok(render(&page(&editor, None, None)))
}

pub async fn run(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let (write, files) = read_upload(&editor, &headers, &mut multipart).await?;
    let package = match Package::from_files(files) {
        Ok(package) => package,
        Err(message) => return Ok(render_form(&page(&editor, Some(message), None), true)),
    };
    let change = editor.staff.change_in(&from, None);
    let report = import(
        &state.store,
        &change,
        Importer::Editor(&editor.staff.actor),
        &package,
        write,
    )
    .await
    .map_err(|e| editor.internal(e))?;
    Ok(answer(&state, &editor, report, write).await)
}

/// The import page with the report of an import, written or only checked.
async fn answer(state: &AppState, editor: &Editor, report: Report, write: bool) -> Response {
    let refused = !report.refused.is_empty();
    let written = write && !refused;
    if written {
        state.directory.invalidate().await;
    }
    let view = ReportView::new(report, written);
    render_form(&page(editor, None, Some(view)), refused)
}

/// The files of an import form by file name, once its CSRF token is checked, and whether to
/// write.
async fn read_upload(
    editor: &Editor,
    headers: &HeaderMap,
    multipart: &mut Multipart,
) -> StaffResult<(bool, BTreeMap<String, Vec<u8>>)> {
    let upload = Upload::read(&editor.staff, headers, multipart, "dir-import-too-big").await?;
    let write = upload.field("write") == "1";
    let files = upload
        .files
        .into_iter()
        .filter(|(field, _, _)| field == "files")
        .map(|(_, name, bytes)| (name, bytes))
        .collect();
    Ok((write, files))
}

#[derive(Deserialize)]
pub struct TranslationsQuery {
    lang: String,
    from: Option<String>,
}

/// The PO file of every text this editor may translate into a language.
pub async fn translations_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TranslationsQuery>,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let bad = || StaffError::BadRequest(editor.staff.lang, editor.ctx().t("dir-translations-lang"));
    let lang: Lang = q.lang.parse().map_err(|_| bad())?;
    let from: Lang = q
        .from
        .as_deref()
        .unwrap_or("en")
        .parse()
        .map_err(|_| bad())?;
    let po = translations::export(
        &state.store,
        Importer::Editor(&editor.staff.actor),
        lang,
        from,
    )
    .await
    .map_err(|e| editor.internal(e))?;
    let disposition = format!("attachment; filename=\"bluedot-{}.po\"", lang.code());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/x-gettext-translation; charset=utf-8".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        po,
    )
        .into_response())
}

/// A translated PO file brought back: checked, or written when nothing is refused.
pub async fn import_translations(
    State(state): State<AppState>,
    Extension(from): Extension<ClientAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let (write, files) = read_upload(&editor, &headers, &mut multipart).await?;
    let Some(po) = files.into_values().next() else {
        let message = editor.ctx().t("dir-translations-choose");
        return Ok(render_form(&page(&editor, Some(message), None), true));
    };
    let change = editor.staff.change_in(&from, None);
    let report = translations::import(
        &state.store,
        &change,
        Importer::Editor(&editor.staff.actor),
        &po,
        write,
    )
    .await
    .map_err(|e| editor.internal(e))?;
    Ok(answer(&state, &editor, report, write).await)
}

/// The whole directory as an HSDS 3 JSON package: what the open-data API publishes, with the
/// entries whole, for a coordinator to keep or move to another deployment.
pub async fn export(State(state): State<AppState>, headers: HeaderMap) -> StaffResult {
    let editor = Editor::open(&state, &headers).await?;
    let package = crate::directory_package::export_hsds_json(&state.store)
        .await
        .map_err(|e| editor.internal(e))?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"bluedot-directory.json\"",
        )],
        axum::Json(package),
    )
        .into_response())
}
