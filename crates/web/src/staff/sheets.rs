//! Tables that leave the system as files: CSV (with the HXL hashtag row under the header when
//! asked, for humanitarian data tools) and XLSX. Text cells a spreadsheet would run as a
//! formula are neutralised, and counts stay numbers.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// One cell: text (never a formula) or a number.
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Cell {
    pub fn text(value: &str) -> Cell {
        Cell::Text(neutralise(value))
    }

    fn as_text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n}"),
        }
    }
}

/// A cell a spreadsheet would run as a formula starts with a quote instead.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// A table with its column names and their HXL hashtags.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub columns: &'a [&'a str],
    pub tags: &'a [&'a str],
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet<'_> {
    /// The table as CSV, `hxl` adding the hashtag row under the header.
    pub fn csv(&self, hxl: bool) -> String {
        let mut out = csv::Writer::from_writer(Vec::new());
        let _ = out.write_record(self.columns);
        if hxl {
            let _ = out.write_record(self.tags);
        }
        for row in &self.rows {
            let _ = out.write_record(row.iter().map(Cell::as_text));
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The table as an XLSX workbook with a bold, frozen, filterable header.
    pub fn xlsx(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use rust_xlsxwriter::{Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name(self.name)?;
        let bold = Format::new().set_bold();
        for (col, name) in self.columns.iter().enumerate() {
            sheet.write_string_with_format(0, col as u16, *name, &bold)?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            let r = i as u32 + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(t) => sheet.write_string(r, col as u16, t)?,
                    Cell::Number(n) => sheet.write_number(r, col as u16, *n)?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        let last = self.columns.len().saturating_sub(1) as u16;
        sheet.autofilter(0, 0, self.rows.len() as u32, last)?;
        book.save_to_buffer()
    }
}

/// What file a reader asked for.
#[derive(Clone, Copy)]
pub enum Format {
    Csv { hxl: bool },
    Xlsx,
}

impl Format {
    /// The sheet as a download named `stem` with the format's extension.
    pub fn download(
        self,
        sheet: &Sheet,
        stem: &str,
    ) -> Result<Response, rust_xlsxwriter::XlsxError> {
        let (body, kind, name) = match self {
            Format::Csv { hxl } => (
                sheet.csv(hxl).into_bytes(),
                "text/csv; charset=utf-8",
                format!("{stem}.csv"),
            ),
            Format::Xlsx => (
                sheet.xlsx()?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}.xlsx"),
            ),
        };
        Ok((
            [
                (header::CONTENT_TYPE, kind.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            body,
        )
            .into_response())
    }
}
