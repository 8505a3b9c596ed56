//! The public Digital Blue Dot site: every page under `/{lang}/`, rendered on the server and
//! usable before any script runs.

mod figures;
mod hub_places;
mod info;
mod pages;
mod tracing;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::root))
        .route("/{lang}", get(pages::lang_root))
        .route("/{lang}/", get(pages::home))
        .route("/{lang}/hubs", get(pages::hub_list))
        .route("/{lang}/hubs/{slug}", get(pages::hub_page))
        .route("/{lang}/map", get(pages::map_page))
        .route("/{lang}/offline", get(pages::offline_page))
        .route("/{lang}/open-data", get(pages::open_data_page))
        .route("/{lang}/map/hubs.geojson", get(pages::map_data))
        .route("/{lang}/map/places.geojson", get(pages::map_places))
        .route("/{lang}/tracing", get(tracing::form).post(tracing::send))
        .route("/{lang}/figures", get(figures::page))
        .route("/{lang}/info", get(info::countries))
        .route("/{lang}/info/{country}", get(info::country))
        .route("/{lang}/info/{country}/{topic}", get(info::article))
}
