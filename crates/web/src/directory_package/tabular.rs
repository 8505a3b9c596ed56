//! The directory as an HSDS 3 tabular data package: one CSV file per HSDS object (organizations,
//! services, locations and their parts) described by a `datapackage.json`, the form spreadsheet
//! tools and other HSDS publishers exchange. The whole entries travel beside the tables in
//! `x_bluedot.json`, so a round trip loses nothing; a package without it (from another tool) is
//! read from its tables, and a row that cannot be read is refused with its file and line.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

/// One CSV file of the package: the HSDS columns in the specification's order, then the
/// `x_` columns bluedot adds.
struct Table {
    name: &'static str,
    path: &'static str,
    columns: &'static [&'static str],
}

const ORGANIZATIONS: Table = Table {
    name: "organization",
    path: "organizations.csv",
    columns: &[
        "id",
        "name",
        "alternate_name",
        "description",
        "email",
        "website",
        "tax_status",
        "tax_id",
        "year_incorporated",
        "legal_status",
        "logo",
        "uri",
        "parent_organization_id",
    ],
};
const SERVICES: Table = Table {
    name: "service",
    path: "services.csv",
    columns: &[
        "id",
        "organization_id",
        "program_id",
        "name",
        "alternate_name",
        "description",
        "url",
        "email",
        "status",
        "interpretation_services",
        "application_process",
        "fees_description",
        "wait_time",
        "fees",
        "accreditations",
        "eligibility_description",
        "minimum_age",
        "maximum_age",
        "assured_date",
        "assurer_email",
        "licenses",
        "alert",
        "last_modified",
    ],
};
const ATTRIBUTES: Table = Table {
    name: "attribute",
    path: "attributes.csv",
    columns: &[
        "id",
        "link_id",
        "taxonomy_term_id",
        "link_type",
        "link_entity",
        "value",
    ],
};
const TAXONOMY_TERMS: Table = Table {
    name: "taxonomy_term",
    path: "taxonomy_terms.csv",
    columns: &[
        "id",
        "code",
        "name",
        "description",
        "parent_id",
        "taxonomy",
        "language",
        "taxonomy_id",
        "term_uri",
    ],
};
const SERVICE_AT_LOCATION: Table = Table {
    name: "service_at_location",
    path: "service_at_location.csv",
    columns: &["id", "service_id", "location_id", "description"],
};
const LOCATIONS: Table = Table {
    name: "location",
    path: "locations.csv",
    columns: &[
        "id",
        "location_type",
        "url",
        "organization_id",
        "name",
        "alternate_name",
        "description",
        "transportation",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
        "x_slug",
        "x_hub_kind",
    ],
};
const PHONES: Table = Table {
    name: "phone",
    path: "phones.csv",
    columns: &[
        "id",
        "location_id",
        "service_id",
        "organization_id",
        "contact_id",
        "service_at_location_id",
        "number",
        "extension",
        "type",
        "description",
    ],
};
const ADDRESSES: Table = Table {
    name: "address",
    path: "addresses.csv",
    columns: &[
        "id",
        "location_id",
        "attention",
        "address_1",
        "address_2",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
};
const SCHEDULES: Table = Table {
    name: "schedule",
    path: "schedules.csv",
    columns: &[
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "valid_from",
        "valid_to",
        "dtstart",
        "timezone",
        "until",
        "count",
        "wkst",
        "freq",
        "interval",
        "byday",
        "byweekno",
        "bymonthday",
        "byyearday",
        "description",
        "opens_at",
        "closes_at",
        "schedule_link",
        "attending_type",
        "notes",
        "x_opening_hours",
    ],
};
const LANGUAGES: Table = Table {
    name: "language",
    path: "languages.csv",
    columns: &[
        "id",
        "service_id",
        "location_id",
        "phone_id",
        "name",
        "code",
        "note",
    ],
};
const ACCESSIBILITY: Table = Table {
    name: "accessibility",
    path: "accessibility.csv",
    columns: &["id", "location_id", "description", "details", "url"],
};

const TABLES: [&Table; 11] = [
    &ORGANIZATIONS,
    &SERVICES,
    &ATTRIBUTES,
    &TAXONOMY_TERMS,
    &SERVICE_AT_LOCATION,
    &LOCATIONS,
    &PHONES,
    &ADDRESSES,
    &SCHEDULES,
    &LANGUAGES,
    &ACCESSIBILITY,
];

/// Columns holding numbers; every other column is text.
const NUMBER_COLUMNS: [&str; 2] = ["latitude", "longitude"];

/// The parts of a location, by the key the JSON package nests them under.
const LOCATION_PARTS: [(&str, &Table); 5] = [
    ("addresses", &ADDRESSES),
    ("phones", &PHONES),
    ("languages", &LANGUAGES),
    ("accessibility", &ACCESSIBILITY),
    ("schedules", &SCHEDULES),
];
/// The parts of a service; its attributes are linked by `link_id`, the rest by `service_id`.
const SERVICE_PARTS: [(&str, &Table); 3] = [
    ("phones", &PHONES),
    ("languages", &LANGUAGES),
    ("schedules", &SCHEDULES),
];

pub const DESCRIPTOR: &str = "datapackage.json";
pub const ENTRIES: &str = "x_bluedot.json";

type Row = Map<String, Value>;

/// The files of the tabular package made from an HSDS JSON package, by file name.
pub fn write(package: &Value) -> Result<BTreeMap<String, Vec<u8>>, csv::Error> {
    let mut rows: HashMap<&str, Vec<Row>> = HashMap::new();
    let mut add = |table: &Table, row: &Value, link: Option<(&str, &Value)>| {
        let mut row = row.as_object().cloned().unwrap_or_default();
        if let Some((column, id)) = link {
            row.entry(column).or_insert_with(|| id.clone());
        }
        rows.entry(table.name).or_default().push(row);
    };
    for organization in list(&package["organizations"]) {
        add(&ORGANIZATIONS, organization, None);
    }
    for location in list(&package["locations"]) {
        add(&LOCATIONS, location, None);
        for (key, table) in LOCATION_PARTS {
            for part in list(&location[key]) {
                add(table, part, Some(("location_id", &location["id"])));
            }
        }
    }
    let mut terms: BTreeMap<String, Value> = BTreeMap::new();
    for service in list(&package["services"]) {
        add(&SERVICES, service, None);
        for (key, table) in SERVICE_PARTS {
            for part in list(&service[key]) {
                add(table, part, Some(("service_id", &service["id"])));
            }
        }
        for attribute in list(&service["attributes"]) {
            add(&ATTRIBUTES, attribute, Some(("link_id", &service["id"])));
            let term = &attribute["taxonomy_term"];
            if let Some(id) = term["id"].as_str() {
                terms.insert(id.to_owned(), term.clone());
            }
        }
        let service_id = service["id"].as_str().and_then(|id| id.parse().ok());
        for location_id in list(&service["schedules"]).filter_map(|s| s.get("location_id")) {
            let at = json!({
                "id": service_id.map(crate::hsds::service_at_location_id),
                "service_id": service["id"],
                "location_id": location_id,
            });
            add(&SERVICE_AT_LOCATION, &at, None);
        }
    }
    for term in terms.values() {
        add(&TAXONOMY_TERMS, term, None);
    }
    let mut files = BTreeMap::new();
    for table in TABLES {
        let mut out = csv::Writer::from_writer(vec![]);
        out.write_record(table.columns)?;
        for row in rows.get(table.name).into_iter().flatten() {
            out.write_record(table.columns.iter().map(|c| cell(row.get(*c))))?;
        }
        let bytes = out.into_inner().map_err(|e| e.into_error())?;
        files.insert(table.path.to_owned(), bytes);
    }
    files.insert(DESCRIPTOR.to_owned(), pretty(&descriptor()));
    files.insert(ENTRIES.to_owned(), pretty(&package["x_bluedot"]));
    Ok(files)
}

fn list(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

fn cell(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// The Frictionless descriptor of the package: each table with its columns and types, and the
/// entries file.
fn descriptor() -> Value {
    let mut resources: Vec<Value> = TABLES
        .iter()
        .map(|t| {
            let fields: Vec<Value> = t
                .columns
                .iter()
                .map(|c| {
                    let kind = if NUMBER_COLUMNS.contains(c) {
                        "number"
                    } else {
                        "string"
                    };
                    json!({"name": c, "type": kind})
                })
                .collect();
            json!({
                "name": t.name,
                "path": t.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"primaryKey": "id", "fields": fields},
            })
        })
        .collect();
    resources.push(json!({
        "name": "x_bluedot",
        "path": ENTRIES,
        "format": "json",
        "mediatype": "application/json",
        "description": "The whole directory entries (all languages, closures, verification), \
                        read instead of the tables when present",
    }));
    json!({
        "name": "bluedot-directory",
        "title": "Blue Dot hub directory",
        "profile": "tabular-data-package",
        "hsds_version": "3.0",
        "resources": resources,
    })
}

/// An HSDS JSON package read from the files of a tabular one: the entries file when present,
/// else locations and services rebuilt from the tables, each location marked with where it was
/// read. Rows that cannot be read are refused with their file and line.
pub fn read(files: &BTreeMap<String, Vec<u8>>) -> (Value, Vec<(String, String)>) {
    let mut refused = vec![];
    if let Some(bytes) = files.get(ENTRIES) {
        return match serde_json::from_slice::<Value>(bytes) {
            Ok(entries) => (json!({ "x_bluedot": entries }), refused),
            Err(e) => {
                refused.push((ENTRIES.to_owned(), format!("not JSON: {e}")));
                (Value::Null, refused)
            }
        };
    }
    if !files.contains_key(LOCATIONS.path) {
        refused.push((
            LOCATIONS.path.to_owned(),
            format!(
                "missing: a tabular package needs {} or {ENTRIES}",
                LOCATIONS.path
            ),
        ));
        return (Value::Null, refused);
    }
    let mut tables: HashMap<&str, Vec<(String, Row)>> = HashMap::new();
    for table in TABLES {
        if let Some(bytes) = files.get(table.path) {
            tables.insert(table.name, read_table(table.path, bytes, &mut refused));
        }
    }
    let rows = |table: &Table| tables.get(table.name).map(Vec::as_slice).unwrap_or(&[]);
    let linked = |table: &Table, column: &str, id: &Value| -> Vec<Value> {
        rows(table)
            .iter()
            .filter(|(_, row)| row.get(column) == Some(id))
            .map(|(_, row)| Value::Object(row.clone()))
            .collect()
    };
    let terms: HashMap<&Value, &Row> = rows(&TAXONOMY_TERMS)
        .iter()
        .filter_map(|(_, row)| Some((row.get("id")?, row)))
        .collect();
    let services: Vec<Value> = rows(&SERVICES)
        .iter()
        .map(|(_, row)| {
            let id = row.get("id").cloned().unwrap_or_default();
            let mut service = row.clone();
            for (key, table) in SERVICE_PARTS {
                service.insert(key.into(), linked(table, "service_id", &id).into());
            }
            let mut attributes = linked(&ATTRIBUTES, "link_id", &id);
            for attribute in &mut attributes {
                if let Some(term) = terms.get(&attribute["taxonomy_term_id"]) {
                    attribute["taxonomy_term"] = Value::Object((*term).clone());
                }
            }
            service.insert("attributes".into(), attributes.into());
            // A service is offered where service_at_location says, as well as where its
            // schedules are kept.
            let at: Vec<Value> = linked(&SERVICE_AT_LOCATION, "service_id", &id);
            service.insert("service_at_locations".into(), at.into());
            Value::Object(service)
        })
        .collect();
    let locations: Vec<Value> = rows(&LOCATIONS)
        .iter()
        .map(|(at, row)| {
            let id = row.get("id").cloned().unwrap_or_default();
            let mut location = row.clone();
            for (key, table) in LOCATION_PARTS {
                let mut parts = linked(table, "location_id", &id);
                // A service's schedule names its location too; only the location's own counts.
                parts.retain(|p| p.get("service_id").is_none());
                location.insert(key.into(), parts.into());
            }
            location.insert("x_read_from".into(), at.clone().into());
            Value::Object(location)
        })
        .collect();
    (
        json!({"hsds_version": "3.0", "locations": locations, "services": services}),
        refused,
    )
}

/// The rows of one CSV file, each with where it was read ("locations.csv line 4"); empty
/// cells are left out, number columns read as numbers.
fn read_table(path: &str, bytes: &[u8], refused: &mut Vec<(String, String)>) -> Vec<(String, Row)> {
    // Spreadsheet programs often start a UTF-8 file with a byte order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            refused.push((path.to_owned(), format!("cannot read the header: {e}")));
            return vec![];
        }
    };
    let mut rows = vec![];
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                refused.push((format!("{path} line {line}"), e.to_string()));
                continue;
            }
        };
        let at = format!(
            "{path} line {}",
            record.position().map(|p| p.line()).unwrap_or(0)
        );
        let mut row = Row::new();
        for (column, value) in headers.iter().zip(record.iter()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let value = if NUMBER_COLUMNS.contains(&column) {
                match value.parse::<f64>() {
                    Ok(n) => json!(n),
                    Err(_) => {
                        refused.push((at.clone(), format!("{column}: {value:?} is not a number")));
                        continue;
                    }
                }
            } else {
                json!(value)
            };
            row.insert(column.to_owned(), value);
        }
        rows.push((at, row));
    }
    rows
}
