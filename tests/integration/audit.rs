//! The audit log is append-only and its hash chain exposes tampering, on both backends.

use bluedot_store::Store;
use bluedot_store::audit::{AuditEvent, AuditQuery, ChainCheck};
use uuid::Uuid;

use crate::on_both_backends;

fn event(n: usize, hub: Option<Uuid>) -> AuditEvent {
    AuditEvent {
        actor_id: Some(Uuid::from_u128(7)),
        action: if n.is_multiple_of(2) {
            "person.view".into()
        } else {
            "sign-in".into()
        },
        subject: format!("person:{n}"),
        hub_id: hub,
        country: Some("RO".into()),
        source: "127.0.0.1".into(),
        outcome: "ok".into(),
    }
}

/// Runs raw SQL as someone with direct database access would.
async fn raw(url: &str, sql: &str) -> Result<(), sqlx::Error> {
    if url.starts_with("sqlite://") {
        let pool = sqlx::SqlitePool::connect(url).await?;
        sqlx::query(sql).execute(&pool).await.map(|_| ())
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        sqlx::query(sql).execute(&pool).await.map(|_| ())
    }
}

#[tokio::test]
async fn concurrent_appends_form_one_intact_chain() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        let hub = Uuid::from_u128(42);
        let tasks: Vec<_> = (0..24)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    store
                        .audit(&event(n, n.is_multiple_of(3).then_some(hub)))
                        .await
                })
            })
            .collect();
        let mut seqs = vec![];
        for t in tasks {
            seqs.push(t.await.unwrap().unwrap());
        }
        seqs.sort();
        assert_eq!(seqs, (1..=24).collect::<Vec<i64>>(), "{backend}");
        assert_eq!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { entries: 24 }
        );

        let views = store
            .search_audit(&AuditQuery {
                action_prefix: Some("person.".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(views.len(), 12, "{backend}");
        assert!(
            views.windows(2).all(|w| w[0].seq > w[1].seq),
            "newest first"
        );
        let at_hub = store
            .search_audit(&AuditQuery {
                hubs: Some(vec![hub]),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(at_hub.len(), 8, "{backend}");
        let limited = store
            .search_audit(&AuditQuery {
                limit: 5,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(limited.len(), 5);
    });
}

#[tokio::test]
async fn the_log_refuses_changes_and_the_chain_exposes_them() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        for n in 0..5 {
            store.audit(&event(n, None)).await.unwrap();
        }
        assert!(
            raw(
                &url,
                "UPDATE audit_log SET outcome = 'denied' WHERE seq = 3"
            )
            .await
            .is_err(),
            "{backend}"
        );
        assert!(
            raw(&url, "DELETE FROM audit_log WHERE seq = 5")
                .await
                .is_err(),
            "{backend}"
        );
        assert_eq!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { entries: 5 }
        );

        // Someone with full control of the database removes the guard and rewrites an entry.
        let disable = if backend == "sqlite" {
            "DROP TRIGGER audit_log_no_update"
        } else {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"
        };
        raw(&url, disable).await.unwrap();
        raw(
            &url,
            "UPDATE audit_log SET subject = 'person:999' WHERE seq = 3",
        )
        .await
        .unwrap();
        match store.verify_audit_chain().await.unwrap() {
            ChainCheck::Broken { seq, .. } => assert_eq!(seq, 3, "{backend}"),
            intact => panic!("{backend}: tampering not found: {intact:?}"),
        }
    });
}
