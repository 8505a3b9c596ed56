//! Translators' PO files: exported per language with the translations so far, imported back
//! with every text whose source changed since refused and reported.

use bluedot_core::article::Topic;
use bluedot_core::{Country, Lang};
use bluedot_store::Store;
use bluedot_store::directory::{Edit, Expected};
use bluedot_web::directory_package::{Importer, translations};
use polib::catalog::Catalog;
use polib::message::{MessageMutView, MessageView};

use crate::on_both_backends;

fn parse(po: &str) -> Catalog {
    polib::po_file::parse_from_reader(po.as_bytes()).expect("the export is a PO file")
}

fn write(catalog: &Catalog) -> Vec<u8> {
    let mut out = std::io::BufWriter::new(vec![]);
    polib::po_file::write(catalog, &mut out).unwrap();
    out.into_inner().unwrap()
}

/// Translates the messages whose context starts with one of `prefixes`, as a translator would.
fn translate(catalog: &mut Catalog, prefixes: &[&str]) {
    for mut message in catalog.messages_mut() {
        let context = message.msgctxt().unwrap_or_default().to_owned();
        if prefixes.iter().any(|p| context.starts_with(p)) {
            let translated = format!("RO: {}", message.msgid());
            message.set_msgstr(translated).unwrap();
        }
    }
}

#[tokio::test]
async fn translations_go_out_and_come_back_and_a_changed_source_is_refused() {
    on_both_backends!(async |store: Store, backend: &str, _url: String| {
        // The directory before anyone wrote it in Romanian.
        crate::support::load_demo_in(&store, &[Lang::En, Lang::Uk, Lang::Ru]).await;
        let change = bluedot_store::audit::Change::by_system("test");
        let hub = store.list_hubs().await.unwrap().remove(0);
        let po = translations::export(&store, Importer::System, Lang::Ro, Lang::En)
            .await
            .unwrap();
        let mut catalog = parse(&po);
        assert_eq!(catalog.metadata.language, "ro", "{backend}");
        let hub_prefix = format!("en/hub/{}/", hub.id);
        let contexts: Vec<String> = catalog
            .messages()
            .map(|m| m.msgctxt().unwrap_or_default().to_owned())
            .collect();
        assert!(
            contexts.contains(&format!("{hub_prefix}name")),
            "{backend}: the hub's name is offered for translation"
        );
        assert!(
            contexts.contains(&"en/page/RO/rights/body".to_owned()),
            "{backend}: {contexts:?}"
        );
        assert!(
            catalog
                .messages()
                .filter(|m| m.msgctxt().unwrap_or_default().starts_with("en/page/"))
                .all(|m| m.msgstr().unwrap().is_empty()),
            "{backend}: no page is in Romanian yet"
        );

        // A page begun but not finished (its title only) is left for later, not refused.
        translate(
            &mut catalog,
            &[
                &hub_prefix,
                "en/page/RO/rights/",
                "en/page/RO/services/title",
            ],
        );
        let translated = write(&catalog);
        let dry = translations::import(&store, &change, Importer::System, &translated, false)
            .await
            .unwrap();
        assert!(dry.refused.is_empty(), "{backend}: {:?}", dry.refused);
        assert_eq!(
            dry.created,
            vec!["page RO/rights/ro".to_owned()],
            "{backend}"
        );
        assert_eq!(dry.changed, vec![format!("hub {}", hub.slug)], "{backend}");
        assert_eq!(dry.skipped.len(), 1, "{backend}: {:?}", dry.skipped);
        assert_eq!(dry.skipped[0].0, "page RO/services/ro", "{backend}");
        assert!(
            store
                .article_for_edit(Country::Romania, Topic::Rights, Lang::Ro)
                .await
                .unwrap()
                .is_none(),
            "{backend}: a check writes nothing"
        );

        translations::import(&store, &change, Importer::System, &translated, true)
            .await
            .unwrap();
        let (page, _) = store
            .article_for_edit(Country::Romania, Topic::Rights, Lang::Ro)
            .await
            .unwrap()
            .unwrap();
        assert!(page.title.starts_with("RO: "), "{backend}: {}", page.title);
        assert_eq!(page.source_lang, Some(Lang::En), "{backend}");
        let (saved_hub, hub_version) = store.hub_for_edit(hub.id).await.unwrap().unwrap();
        assert_eq!(
            saved_hub.name.0.get(&Lang::Ro),
            Some(&format!("RO: {}", hub.name.0[&Lang::En])),
            "{backend}"
        );
        // The same file again changes nothing.
        let again = translations::import(&store, &change, Importer::System, &translated, true)
            .await
            .unwrap();
        assert!(
            again.created.is_empty() && again.changed.is_empty(),
            "{backend}: {}",
            again.summary()
        );

        // The English source of the page and the hub's name change after the export: those
        // texts are refused, and nothing of the file is written.
        let (mut source, version) = store
            .article_for_edit(Country::Romania, Topic::Rights, Lang::En)
            .await
            .unwrap()
            .unwrap();
        source.body.push_str("\n\nA new paragraph.");
        store
            .save_article(&change, &source, Expected::Version(version), Edit::Edit)
            .await
            .unwrap();
        let mut renamed = saved_hub.clone();
        renamed
            .name
            .0
            .insert(Lang::En, format!("{} (new)", hub.name.0[&Lang::En]));
        store
            .save_hub(
                &change,
                &renamed,
                Expected::Version(hub_version),
                Edit::Edit,
            )
            .await
            .unwrap();
        let mut stale = catalog.clone();
        for mut message in stale.messages_mut() {
            if message
                .msgctxt()
                .unwrap_or_default()
                .starts_with(&hub_prefix)
            {
                let retranslated = format!("RO2: {}", message.msgid());
                message.set_msgstr(retranslated).unwrap();
            }
        }
        let report = translations::import(&store, &change, Importer::System, &write(&stale), true)
            .await
            .unwrap();
        let refused: Vec<&str> = report.refused.iter().map(|(at, _)| at.as_str()).collect();
        assert!(
            refused.contains(&"page RO/rights/ro body"),
            "{backend}: {refused:?}"
        );
        assert!(
            refused.contains(&format!("hub {} name", hub.slug).as_str()),
            "{backend}: {refused:?}"
        );
        assert!(
            report
                .refused
                .iter()
                .all(|(_, why)| why.contains("source text changed"))
        );
        let (unchanged_hub, _) = store.hub_for_edit(hub.id).await.unwrap().unwrap();
        assert_eq!(
            unchanged_hub.description.0.get(&Lang::Ro),
            saved_hub.description.0.get(&Lang::Ro),
            "{backend}: nothing of a refused file is written"
        );

        // A new export offers the changed page with its outdated translation marked fuzzy.
        let fresh = parse(
            &translations::export(&store, Importer::System, Lang::Ro, Lang::En)
                .await
                .unwrap(),
        );
        let body = fresh
            .messages()
            .find(|m| m.msgctxt() == Some("en/page/RO/rights/body"))
            .unwrap();
        assert!(
            body.is_fuzzy(),
            "{backend}: an outdated translation is fuzzy"
        );
        assert!(body.msgstr().unwrap().starts_with("RO: "), "{backend}");

        // A broken file is refused whole.
        let broken = translations::import(&store, &change, Importer::System, b"msgid \"x", true)
            .await
            .unwrap();
        assert_eq!(broken.refused.len(), 1, "{backend}: {:?}", broken.refused);
    });
}
