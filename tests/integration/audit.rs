//! The audit log is append-only and its hash chain exposes tampering, on both backends.

use bluedot_store::Store;
use bluedot_store::audit::{AuditEvent, AuditKeys, AuditQuery, ChainCheck, ChainProof, Checkpoint};
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
            store.verify_audit_chain(&Default::default()).await.unwrap(),
            ChainCheck::Intact { entries: 24 }
        );

        let views = crate::support::audit_entries(&store, "person.").await;
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
            store.verify_audit_chain(&Default::default()).await.unwrap(),
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
        match store.verify_audit_chain(&Default::default()).await.unwrap() {
            ChainCheck::Broken { seq, .. } => assert_eq!(seq, 3, "{backend}"),
            intact => panic!("{backend}: tampering not found: {intact:?}"),
        }
    });
}

/// Rewrites entry 3 and re-chains every hash after it with plain SHA-256, the way the chain was
/// made before it was keyed: what someone with write access to the database but not the audit
/// key can do. `key_id` is what the forger writes into each entry.
async fn rechain_with_sha256(store: &Store, url: &str, backend: &str, key_id: &str) {
    use sha2::{Digest, Sha256};
    let disable = if backend == "sqlite" {
        "DROP TRIGGER IF EXISTS audit_log_no_update"
    } else {
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"
    };
    raw(url, disable).await.unwrap();
    let mut entries = store.search_audit(&AuditQuery::default()).await.unwrap();
    entries.reverse();
    let mut prev = String::new();
    for mut e in entries {
        if e.seq == 3 {
            e.subject = "person:999".into();
        }
        let mut h = Sha256::new();
        for part in [
            e.seq.to_string(),
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            e.actor_id.map(|u| u.to_string()).unwrap_or_default(),
            e.action.clone(),
            e.subject.clone(),
            e.hub_id.map(|u| u.to_string()).unwrap_or_default(),
            e.country.clone().unwrap_or_default(),
            e.source.clone(),
            e.outcome.clone(),
            prev.clone(),
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        let hash = hex::encode(h.finalize());
        raw(
            url,
            &format!(
                "UPDATE audit_log SET subject = '{}', prev_hash = '{prev}', hash = '{hash}', key_id = '{key_id}' WHERE seq = {}",
                e.subject, e.seq
            ),
        )
        .await
        .unwrap();
        prev = hash;
    }
    raw(
        url,
        &format!("UPDATE audit_head SET hash = '{prev}' WHERE id = 1"),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_chain_rewritten_without_the_audit_key_does_not_verify() {
    for key_id in ["test-audit", ""] {
        on_both_backends!(async |store: Store, backend: &str, url: String| {
            for n in 0..5 {
                store.audit(&event(n, None)).await.unwrap();
            }
            rechain_with_sha256(&store, &url, backend, key_id).await;
            match store.verify_audit_chain(&Default::default()).await.unwrap() {
                ChainCheck::Broken { seq, .. } => assert_eq!(seq, 1, "{backend} {key_id:?}"),
                intact => panic!("{backend} {key_id:?}: forged chain accepted: {intact:?}"),
            }
        });
    }
}

#[tokio::test]
async fn a_chain_rewritten_under_another_key_does_not_verify() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        for n in 0..4 {
            store.audit(&event(n, None)).await.unwrap();
        }
        // The forger empties the log and writes it anew with the program's own code and a key
        // of their own.
        let (drop_update, drop_delete) = if backend == "sqlite" {
            (
                "DROP TRIGGER audit_log_no_update",
                "DROP TRIGGER audit_log_no_delete",
            )
        } else {
            (
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
                "SELECT 1",
            )
        };
        raw(&url, drop_update).await.unwrap();
        raw(&url, drop_delete).await.unwrap();
        raw(&url, "DELETE FROM audit_log").await.unwrap();
        raw(
            &url,
            "UPDATE audit_head SET seq = 0, hash = '' WHERE id = 1",
        )
        .await
        .unwrap();
        let forger = Store::connect(&url)
            .await
            .unwrap()
            .with_audit_keys(AuditKeys::generate("test-audit"));
        for n in 0..4 {
            forger.audit(&event(n + 10, None)).await.unwrap();
        }
        match store.verify_audit_chain(&Default::default()).await.unwrap() {
            ChainCheck::Broken { seq, reason } => {
                assert_eq!(seq, 1, "{backend}");
                assert!(reason.contains("changed"), "{reason}");
            }
            intact => panic!("{backend}: forged chain accepted: {intact:?}"),
        }
        forger.close().await;
    });
}

#[tokio::test]
async fn signed_checkpoints_expose_a_log_cut_short() {
    on_both_backends!(async |store: Store, backend: &str, url: String| {
        for n in 0..3 {
            store.audit(&event(n, None)).await.unwrap();
        }
        let early = store.audit_checkpoint().await.unwrap();
        assert_eq!(early.entries, 3);
        for n in 3..6 {
            store.audit(&event(n, None)).await.unwrap();
        }
        let late = store.audit_checkpoint().await.unwrap();
        let proof = ChainProof {
            checkpoints: vec![early.clone(), late.clone()],
            ..ChainProof::default()
        };
        assert_eq!(
            store.verify_audit_chain(&proof).await.unwrap(),
            ChainCheck::Intact { entries: 6 },
            "{backend}"
        );
        // A checkpoint whose numbers were edited no longer carries a valid signature.
        let edited = Checkpoint {
            entries: 2,
            ..early.clone()
        };
        let forged = ChainProof {
            checkpoints: vec![edited],
            ..ChainProof::default()
        };
        assert!(matches!(
            store.verify_audit_chain(&forged).await.unwrap(),
            ChainCheck::Broken { .. }
        ));
        // The last three entries are removed and the head row set back to match: the chain
        // alone still looks whole, the later checkpoint does not.
        let drop_delete = if backend == "sqlite" {
            "DROP TRIGGER audit_log_no_delete"
        } else {
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"
        };
        raw(&url, drop_delete).await.unwrap();
        raw(&url, "DELETE FROM audit_log WHERE seq > 3")
            .await
            .unwrap();
        raw(
            &url,
            &format!(
                "UPDATE audit_head SET seq = 3, hash = '{}' WHERE id = 1",
                early.head
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            store.verify_audit_chain(&Default::default()).await.unwrap(),
            ChainCheck::Intact { entries: 3 },
            "{backend}: without checkpoints a clean cut is invisible"
        );
        match store.verify_audit_chain(&proof).await.unwrap() {
            ChainCheck::Broken { seq, .. } => assert_eq!(seq, 4, "{backend}"),
            intact => panic!("{backend}: cut not found: {intact:?}"),
        }
    });
}
