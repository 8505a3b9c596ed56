//! Distances on the Earth's surface.

use serde::{Deserialize, Serialize};

use crate::ValidationError;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    /// A point with a valid latitude and longitude, or an error naming the bad one.
    pub fn new(lat: f64, lon: f64) -> Result<Point, ValidationError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(ValidationError::new(
                "lat",
                "latitude must be between -90 and 90",
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(ValidationError::new(
                "lon",
                "longitude must be between -180 and 180",
            ));
        }
        Ok(Point { lat, lon })
    }

    /// Great-circle distance in kilometres (haversine; plenty for "how far is the hub").
    pub fn distance_km(self, other: Point) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0088;
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucharest_to_iasi_is_about_330_km() {
        let bucharest = Point::new(44.4268, 26.1025).unwrap();
        let iasi = Point::new(47.1585, 27.6014).unwrap();
        let d = bucharest.distance_km(iasi);
        assert!((320.0..340.0).contains(&d), "{d}");
        assert_eq!(bucharest.distance_km(bucharest), 0.0);
    }

    #[test]
    fn rejects_impossible_coordinates() {
        assert_eq!(Point::new(91.0, 0.0).unwrap_err().field, "lat");
        assert_eq!(Point::new(0.0, f64::NAN).unwrap_err().field, "lon");
    }
}
