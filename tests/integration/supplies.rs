//! Supplies on both backends: stock never negative with workers handing out at once,
//! transfers all-or-nothing, and a visit with too little in stock writes nothing.

use axum::http::StatusCode;
use bluedot_core::policy::{Role, Scope};
use bluedot_core::supply::{MovementKind, SupplyItem};
use bluedot_store::supplies::MovementBy;
use bluedot_store::{Store, StoreError};

use crate::on_both_backends;
use crate::people::demo_hub;
use crate::staff::{account_signed_in, app, between, send};
use crate::visits::{group, new_visit};

fn by() -> MovementBy {
    MovementBy {
        recorded_by: None,
        note: "test".into(),
    }
}

fn quantity(lines: &[bluedot_store::supplies::StockLine], item: SupplyItem) -> u32 {
    lines.iter().find(|l| l.item == item).unwrap().quantity
}

#[tokio::test]
async fn stock_never_goes_negative_with_workers_handing_out_at_once() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = demo_hub(&store, "siret-border").await;
        store
            .receive_stock(
                hub.id,
                SupplyItem::Blanket,
                10,
                &by(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let workers: Vec<_> = (0..25)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .distribute_stock(
                            hub.id,
                            SupplyItem::Blanket,
                            1,
                            &by(),
                            crate::support::system(),
                        )
                        .await
                })
            })
            .collect();
        let mut handed = 0;
        let mut refused = 0;
        for w in workers {
            match w.await.unwrap() {
                Ok(()) => handed += 1,
                Err(StoreError::OutOfStock { available: 0, .. }) => refused += 1,
                Err(e) => panic!("{backend}: {e}"),
            }
        }
        assert_eq!((handed, refused), (10, 15), "{backend}");
        assert_eq!(
            quantity(&store.stock(hub.id).await.unwrap(), SupplyItem::Blanket),
            0
        );
        let movements = store.stock_movements(hub.id, 100).await.unwrap();
        assert_eq!(
            movements
                .iter()
                .filter(|m| m.kind == MovementKind::Distribution)
                .count(),
            10
        );
        assert_eq!(
            movements.iter().map(|m| m.change).sum::<i32>(),
            0,
            "{backend}: the book balances"
        );
    });
}

#[tokio::test]
async fn transfers_and_visits_move_stock_all_or_nothing() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let siret = demo_hub(&store, "siret-border").await;
        let iasi = demo_hub(&store, "iasi-station").await;
        store
            .receive_stock(
                siret.id,
                SupplyItem::HygieneKit,
                5,
                &by(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let err = store
            .transfer_stock(
                siret.id,
                iasi.id,
                SupplyItem::HygieneKit,
                6,
                &by(),
                crate::support::system(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::OutOfStock { available: 5, .. }),
            "{backend}: {err}"
        );
        assert_eq!(
            quantity(&store.stock(iasi.id).await.unwrap(), SupplyItem::HygieneKit),
            0
        );
        store
            .transfer_stock(
                siret.id,
                iasi.id,
                SupplyItem::HygieneKit,
                3,
                &by(),
                crate::support::system(),
            )
            .await
            .unwrap();
        assert_eq!(
            quantity(
                &store.stock(siret.id).await.unwrap(),
                SupplyItem::HygieneKit
            ),
            2
        );
        assert_eq!(
            quantity(&store.stock(iasi.id).await.unwrap(), SupplyItem::HygieneKit),
            3
        );

        // A visit asking for more than is left records neither the visit nor anything handed out.
        let mut visit = new_visit(&siret, "with-kits", group(1, 1));
        visit.items = vec![(SupplyItem::HygieneKit, 1), (SupplyItem::Blanket, 1)];
        let err = store
            .record_visit(&visit, crate::support::system())
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::OutOfStock {
                    item: SupplyItem::Blanket,
                    available: 0
                }
            ),
            "{backend}"
        );
        assert!(
            store
                .visits_on(siret.id, visit.day)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            quantity(
                &store.stock(siret.id).await.unwrap(),
                SupplyItem::HygieneKit
            ),
            2
        );
        visit.items = vec![(SupplyItem::HygieneKit, 2)];
        let recorded = store
            .record_visit(&visit, crate::support::system())
            .await
            .unwrap();
        // Retried: neither the visit nor the distribution is counted twice.
        store
            .record_visit(&visit, crate::support::system())
            .await
            .unwrap();
        assert_eq!(
            quantity(
                &store.stock(siret.id).await.unwrap(),
                SupplyItem::HygieneKit
            ),
            0
        );
        let movements = store.stock_movements(siret.id, 100).await.unwrap();
        let for_visit: Vec<_> = movements
            .iter()
            .filter(|m| m.visit_id == Some(recorded.id))
            .collect();
        assert_eq!(for_visit.len(), 1, "{backend}");
        assert_eq!(for_visit[0].change, -2);

        // A shelf count replaces the book figure and keeps the difference.
        store
            .count_stock(
                siret.id,
                SupplyItem::Blanket,
                40,
                10,
                &by(),
                crate::support::system(),
            )
            .await
            .unwrap();
        let lines = store.stock(siret.id).await.unwrap();
        let blankets = lines
            .iter()
            .find(|l| l.item == SupplyItem::Blanket)
            .unwrap();
        assert_eq!(
            (blankets.quantity, blankets.low_at, blankets.is_low()),
            (40, 10, false)
        );
        assert!(
            lines
                .iter()
                .find(|l| l.item == SupplyItem::HygieneKit)
                .unwrap()
                .is_low()
        );
    });
}

#[tokio::test]
async fn hub_staff_receive_and_hand_out_in_the_browser_way() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        bluedot_cli::load_demo(&store).await.unwrap();
        let app = app(&store);
        let siret = store.hub_by_slug("siret-border").await.unwrap().unwrap();
        let scope = Scope {
            hubs: vec![siret.id],
            ..Scope::default()
        };
        let desk =
            account_signed_in(&app, &store, "desk", Role::InformationDesk, scope.clone()).await;
        let psy = account_signed_in(&app, &store, "psy", Role::Psychosocial, scope).await;
        let page = send(&app, "GET", "/staff/supplies", Some(&desk), None).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let csrf = between(&page.body, "name=\"csrf\" value=\"", "\"").to_owned();
        let r = send(
            &app,
            "POST",
            "/staff/supplies",
            Some(&desk),
            Some(&format!(
                "csrf={csrf}&hub={}&action=receive&item=blanket&quantity=30&note=UNICEF+truck",
                siret.id
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.body);
        let r = send(
            &app,
            "POST",
            "/staff/supplies",
            Some(&desk),
            Some(&format!(
                "csrf={csrf}&hub={}&action=receive&item=blanket&quantity=-3",
                siret.id
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(r.body.contains("whole number"));

        // The counter offers what is in stock and takes it with the visit.
        let counter = send(&app, "GET", "/staff/visits", Some(&desk), None).await;
        assert!(counter.body.contains("id=\"item-blanket\""), "{backend}");
        let key = between(&counter.body, "name=\"key\" value=\"", "\"").to_owned();
        let visit = |n: u32, key: &str| {
            format!(
                "csrf={csrf}&hub={}&key={key}&female-18-59=1&item-blanket={n}&nationality=UA",
                siret.id
            )
        };
        let too_many = send(
            &app,
            "POST",
            "/staff/visits",
            Some(&desk),
            Some(&visit(31, &key)),
        )
        .await;
        assert_eq!(too_many.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(
            too_many
                .body
                .contains("Not enough Blankets in stock: 30 left"),
            "{}",
            too_many.body
        );
        let ok = send(
            &app,
            "POST",
            "/staff/visits",
            Some(&desk),
            Some(&visit(2, &key)),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{backend}");
        let page = send(&app, "GET", "/staff/supplies", Some(&desk), None).await;
        assert!(
            page.body
                .contains("id=\"stock-blanket\"><td>Blankets</td><td>28"),
            "{backend}"
        );
        assert!(page.body.contains("UNICEF truck"));

        // A psychologist sees the stock but does not manage it.
        let page = send(&app, "GET", "/staff/supplies", Some(&psy), None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("id=\"receive\""));
        let home = send(&app, "GET", "/staff", Some(&psy), None).await;
        let psy_csrf = between(&home.body, "name=\"csrf\" value=\"", "\"").to_owned();
        let r = send(
            &app,
            "POST",
            "/staff/supplies",
            Some(&psy),
            Some(&format!(
                "csrf={psy_csrf}&hub={}&action=receive&item=toys&quantity=1",
                siret.id
            )),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
    });
}
