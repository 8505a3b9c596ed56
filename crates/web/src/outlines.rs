//! Country outlines (Natural Earth, shipped for the offline map), to refuse a hub placed in
//! the wrong country: a pin dropped on the wrong side of a border sends refugees to the wrong
//! place. The outlines are simplified, so a point near a border is accepted within a margin.

use std::collections::HashMap;
use std::sync::LazyLock;

use bluedot_core::Country;
use bluedot_core::geo::Point;
use geo::{Contains, Coord, Distance, Haversine, LineString, MultiPolygon, Polygon};

/// How far outside its simplified outline a point may lie and still count as in the country.
pub const BORDER_MARGIN_KM: f64 = 5.0;

static OUTLINES: LazyLock<HashMap<Country, MultiPolygon<f64>>> = LazyLock::new(|| {
    let file = crate::assets::file("vendor/countries.geojson").unwrap_or_default();
    let parsed: serde_json::Value = serde_json::from_slice(&file).unwrap_or_default();
    let mut outlines = HashMap::new();
    for feature in parsed["features"].as_array().into_iter().flatten() {
        let Some(country) = feature["properties"]["name"]
            .as_str()
            .and_then(country_named)
        else {
            continue;
        };
        let geometry = &feature["geometry"];
        let polygons: Vec<Polygon<f64>> = match geometry["type"].as_str() {
            Some("Polygon") => polygon(&geometry["coordinates"]).into_iter().collect(),
            Some("MultiPolygon") => geometry["coordinates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(polygon)
                .collect(),
            _ => vec![],
        };
        outlines.insert(country, MultiPolygon::new(polygons));
    }
    outlines
});

/// The outline file names countries in English (Natural Earth's `name`).
fn country_named(name: &str) -> Option<Country> {
    Some(match name {
        "Bulgaria" => Country::Bulgaria,
        "Hungary" => Country::Hungary,
        "Italy" => Country::Italy,
        "Moldova" => Country::Moldova,
        "Poland" => Country::Poland,
        "Romania" => Country::Romania,
        "Slovakia" => Country::Slovakia,
        _ => return None,
    })
}

fn ring(value: &serde_json::Value) -> Option<LineString<f64>> {
    value
        .as_array()?
        .iter()
        .map(|p| {
            Some(Coord {
                x: p.get(0)?.as_f64()?,
                y: p.get(1)?.as_f64()?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .map(LineString::new)
}

fn polygon(value: &serde_json::Value) -> Option<Polygon<f64>> {
    let mut rings = value.as_array()?.iter().map(ring);
    let exterior = rings.next()??;
    Some(Polygon::new(exterior, rings.collect::<Option<Vec<_>>>()?))
}

/// Whether `point` lies in `country`, within the margin; true where no outline is known.
pub fn in_country(country: Country, point: Point) -> bool {
    let Some(outline) = OUTLINES.get(&country) else {
        return true;
    };
    let p = geo::Point::new(point.lon, point.lat);
    if outline.contains(&p) {
        return true;
    }
    outline.iter().any(|polygon| {
        polygon
            .exterior()
            .lines()
            .any(|line| nearest_km(line, p) <= BORDER_MARGIN_KM)
    })
}

/// The distance in km from `p` to a segment of an outline (short segments: the nearest point
/// found in degrees, the distance measured on the sphere).
fn nearest_km(line: geo::Line<f64>, p: geo::Point<f64>) -> f64 {
    use geo::ClosestPoint;
    match line.closest_point(&p) {
        geo::Closest::Intersection(q) | geo::Closest::SinglePoint(q) => {
            Haversine.distance(p, q) / 1000.0
        }
        geo::Closest::Indeterminate => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_hub_is_in_its_country() {
        for hub in bluedot_demo::hubs(chrono::Utc::now()) {
            assert!(
                in_country(hub.country, hub.location),
                "{} at {:?}",
                hub.slug,
                hub.location
            );
        }
    }

    #[test]
    fn a_point_across_the_border_is_refused() {
        // Lviv, Ukraine, is not in Poland; Kraków is.
        let lviv = Point {
            lat: 49.84,
            lon: 24.03,
        };
        let krakow = Point {
            lat: 50.06,
            lon: 19.94,
        };
        assert!(!in_country(Country::Poland, lviv));
        assert!(in_country(Country::Poland, krakow));
        // Chișinău is in Moldova, not Romania.
        let chisinau = Point {
            lat: 47.01,
            lon: 28.86,
        };
        assert!(!in_country(Country::Romania, chisinau));
        assert!(in_country(Country::Moldova, chisinau));
    }
}
