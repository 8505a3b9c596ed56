//! Demo information articles for every country in the site's nine languages: English,
//! Ukrainian and Russian here, the other six in `articles_more`. Facts are general and public
//! (temporary protection, emergency numbers); all articles are marked as demo content.

use bluedot_core::article::{Article, Topic};
use bluedot_core::{Country, Lang};
use chrono::{DateTime, Utc};

use crate::days_ago;

/// What the article templates need to know about a country, in each of the three languages.
struct Facts {
    name: [&'static str; 3],
    /// The status refugees from Ukraine receive and where they apply.
    status: [&'static str; 3],
    authority: [&'static str; 3],
}

fn facts(country: Country) -> Facts {
    match country {
        Country::Bulgaria => Facts {
            name: ["Bulgaria", "Болгарії", "Болгарии"],
            status: [
                "temporary protection",
                "тимчасовий захист",
                "временная защита",
            ],
            authority: [
                "the State Agency for Refugees",
                "Державному агентстві у справах біженців",
                "Государственном агентстве по делам беженцев",
            ],
        },
        Country::Hungary => Facts {
            name: ["Hungary", "Угорщині", "Венгрии"],
            status: [
                "temporary protection",
                "тимчасовий захист",
                "временная защита",
            ],
            authority: [
                "the National Directorate-General for Aliens Policing",
                "Національному генеральному директораті у справах іноземців",
                "Национальном генеральном директорате по делам иностранцев",
            ],
        },
        Country::Italy => Facts {
            name: ["Italy", "Італії", "Италии"],
            status: [
                "temporary protection",
                "тимчасовий захист",
                "временная защита",
            ],
            authority: [
                "the Questura (provincial police headquarters)",
                "квестурі (провінційному управлінні поліції)",
                "квестуре (провинциальном управлении полиции)",
            ],
        },
        Country::Moldova => Facts {
            name: ["Moldova", "Молдові", "Молдове"],
            status: [
                "temporary protection",
                "тимчасовий захист",
                "временная защита",
            ],
            authority: [
                "the General Inspectorate for Migration",
                "Генеральному інспектораті з питань міграції",
                "Генеральном инспекторате по миграции",
            ],
        },
        Country::Poland => Facts {
            name: ["Poland", "Польщі", "Польше"],
            status: [
                "temporary protection (PESEL UKR)",
                "тимчасовий захист (PESEL UKR)",
                "временная защита (PESEL UKR)",
            ],
            authority: [
                "your municipal office (urząd gminy)",
                "міському або гмінному управлінні (urząd gminy)",
                "городском или гминном управлении (urząd gminy)",
            ],
        },
        Country::Romania => Facts {
            name: ["Romania", "Румунії", "Румынии"],
            status: [
                "temporary protection",
                "тимчасовий захист",
                "временная защита",
            ],
            authority: [
                "the General Inspectorate for Immigration",
                "Генеральному інспектораті з питань імміграції",
                "Генеральном инспекторате по иммиграции",
            ],
        },
        Country::Slovakia => Facts {
            name: ["Slovakia", "Словаччині", "Словакии"],
            status: [
                "temporary refuge",
                "тимчасовий притулок",
                "временное убежище",
            ],
            authority: [
                "the Foreign Police",
                "іноземній поліції",
                "иностранной полиции",
            ],
        },
    }
}

const DEMO_NOTE: [&str; 3] = [
    "*Demo content: check the details with a Blue Dot before you act on them.*",
    "*Демонстраційний текст: перевірте подробиці в Блакитній точці, перш ніж діяти.*",
    "*Демонстрационный текст: уточните подробности в Голубой точке, прежде чем действовать.*",
];

/// Title, summary and body of one topic in one of the three languages (0 en, 1 uk, 2 ru).
fn write(topic: Topic, country: Country, i: usize) -> (String, String, String) {
    let f = facts(country);
    let (name, status, authority) = (f.name[i], f.status[i], f.authority[i]);
    let numbers = country
        .emergency_numbers()
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>();
    let (general, child) = (numbers[0], numbers[1]);
    match (topic, i) {
        (Topic::Rights, 0) => (
            format!("Your rights in {name}"),
            format!("People fleeing Ukraine can receive {status} in {name}."),
            format!(
                "People who fled the war in Ukraine can receive **{status}** in {name}. You apply at {authority}; the application is free.\n\nWith this status you may:\n\n- stay legally and receive a residence document;\n- work without a separate permit;\n- use public health care;\n- send your children to school and kindergarten;\n- receive social assistance and help with housing.\n\nKeep your passport or birth certificates with you. Children without documents can still be registered: a Blue Dot lawyer will help."
            ),
        ),
        (Topic::Rights, 1) => (
            format!("Ваші права в {name}"),
            format!("Люди, які виїхали з України, можуть отримати {status} в {name}."),
            format!(
                "Люди, які рятуються від війни в Україні, можуть отримати **{status}** в {name}. Заяву подають у {authority}; це безоплатно.\n\nЦей статус дає право:\n\n- законно перебувати в країні й отримати документ про проживання;\n- працювати без окремого дозволу;\n- користуватися державною медичною допомогою;\n- віддати дітей до школи й садочка;\n- отримувати соціальну допомогу та допомогу з житлом.\n\nМайте при собі паспорт або свідоцтва про народження. Дітей без документів теж можна зареєструвати: юрист Блакитної точки допоможе."
            ),
        ),
        (Topic::Rights, _) => (
            format!("Ваши права в {name}"),
            format!("Люди, уехавшие из Украины, могут получить {status} в {name}."),
            format!(
                "Люди, спасающиеся от войны в Украине, могут получить **{status}** в {name}. Заявление подают в {authority}; это бесплатно.\n\nЭтот статус даёт право:\n\n- законно находиться в стране и получить документ о проживании;\n- работать без отдельного разрешения;\n- пользоваться государственной медицинской помощью;\n- отдать детей в школу и детский сад;\n- получать социальную помощь и помощь с жильём.\n\nИмейте при себе паспорт или свидетельства о рождении. Детей без документов тоже можно зарегистрировать: юрист Голубой точки поможет."
            ),
        ),
        (Topic::Services, 0) => (
            "Where to get help".to_owned(),
            format!("Which services exist in {name}, who provides them and how to reach them."),
            format!(
                "Every Blue Dot has social workers, psychologists, lawyers and interpreters, and can refer you to national services in {name}: child protection, health care, schools, social assistance and housing.\n\nTo reach a service, come to the nearest Blue Dot or call it; staff will explain who provides the service, whether it is free, and go with you or call ahead if you need. The directory on this site lists hubs and other providers with their opening hours."
            ),
        ),
        (Topic::Services, 1) => (
            "Де отримати допомогу".to_owned(),
            format!("Які послуги є в {name}, хто їх надає і як до них дістатися."),
            format!(
                "У кожній Блакитній точці працюють соціальні працівники, психологи, юристи й перекладачі; вони можуть скерувати вас до державних служб у {name}: захисту дітей, медичної допомоги, шкіл, соціальної допомоги та житла.\n\nЩоб отримати послугу, прийдіть до найближчої Блакитної точки або зателефонуйте: працівники пояснять, хто надає послугу, чи вона безоплатна, і за потреби підуть із вами або домовляться заздалегідь. У довіднику на цьому сайті є пункти та інші організації з годинами роботи."
            ),
        ),
        (Topic::Services, _) => (
            "Где получить помощь".to_owned(),
            format!("Какие услуги есть в {name}, кто их оказывает и как до них добраться."),
            format!(
                "В каждой Голубой точке работают социальные работники, психологи, юристы и переводчики; они могут направить вас в государственные службы в {name}: защиты детей, медицинской помощи, школы, социальной помощи и жилья.\n\nЧтобы получить услугу, придите в ближайшую Голубую точку или позвоните: сотрудники объяснят, кто оказывает услугу, бесплатна ли она, и при необходимости пойдут с вами или договорятся заранее. В справочнике на этом сайте есть пункты и другие организации с часами работы."
            ),
        ),
        (Topic::StayingSafe, 0) => (
            "Staying safe".to_owned(),
            "Warning signs of trafficking, and what no one may ask of you.".to_owned(),
            format!(
                "Most offers of help are genuine, but traffickers also wait at borders and stations.\n\n**Be careful if someone:**\n\n- offers free transport, housing or a well-paid job abroad without a written contract;\n- asks to keep your passport or your children's documents;\n- asks you to leave your children with them or to travel without them;\n- refuses to show their own identity document.\n\n**No one may ask you** for money, sex or your documents in return for help, transport or housing. Help at a Blue Dot is always free.\n\nTake a photo of the driver, the car's number plate and their document, and send it to someone you trust. If you feel unsafe, call **{general}**."
            ),
        ),
        (Topic::StayingSafe, 1) => (
            "Як убезпечити себе".to_owned(),
            "Ознаки торгівлі людьми і чого ніхто не має права від вас вимагати.".to_owned(),
            format!(
                "Більшість пропозицій допомоги щирі, але торговці людьми теж чекають на кордонах і вокзалах.\n\n**Будьте обережні, якщо хтось:**\n\n- пропонує безкоштовний транспорт, житло або добре оплачувану роботу за кордоном без письмового договору;\n- просить залишити йому ваш паспорт або документи дітей;\n- просить залишити з ним дітей або їхати без них;\n- відмовляється показати власний документ.\n\n**Ніхто не має права вимагати** гроші, секс або ваші документи в обмін на допомогу, транспорт чи житло. Допомога в Блакитній точці завжди безоплатна.\n\nСфотографуйте водія, номер автомобіля та його документ і надішліть тому, кому довіряєте. Якщо почуваєтеся в небезпеці, телефонуйте **{general}**."
            ),
        ),
        (Topic::StayingSafe, _) => (
            "Как обезопасить себя".to_owned(),
            "Признаки торговли людьми и чего никто не вправе от вас требовать.".to_owned(),
            format!(
                "Большинство предложений помощи искренни, но торговцы людьми тоже ждут на границах и вокзалах.\n\n**Будьте осторожны, если кто-то:**\n\n- предлагает бесплатный транспорт, жильё или хорошо оплачиваемую работу за границей без письменного договора;\n- просит оставить ему ваш паспорт или документы детей;\n- просит оставить с ним детей или ехать без них;\n- отказывается показать собственный документ.\n\n**Никто не вправе требовать** деньги, секс или ваши документы в обмен на помощь, транспорт или жильё. Помощь в Голубой точке всегда бесплатна.\n\nСфотографируйте водителя, номер автомобиля и его документ и отправьте тому, кому доверяете. Если чувствуете опасность, звоните **{general}**."
            ),
        ),
        (Topic::FamilyReunification, 0) => (
            "Finding family and reunification".to_owned(),
            "If you lost contact with a child or a relative on the way.".to_owned(),
            format!(
                "If you were separated from a child or a relative, tell the staff of any Blue Dot at once. Social workers register the search, compare it with children registered at hubs and work with the child protection services of {name} and other countries.\n\nFor your child's safety, we never tell anyone where a child is until the family relationship has been checked. Bring any document or photo that shows you are related. Reunification is arranged together with the child protection authorities."
            ),
        ),
        (Topic::FamilyReunification, 1) => (
            "Пошук рідних і возз'єднання".to_owned(),
            "Якщо ви втратили зв'язок із дитиною чи родичем у дорозі.".to_owned(),
            format!(
                "Якщо ви розлучилися з дитиною чи родичем, одразу скажіть про це працівникам будь-якої Блакитної точки. Соціальні працівники зареєструють пошук, порівняють його з дітьми, зареєстрованими в пунктах, і працюватимуть зі службами захисту дітей у {name} та інших країнах.\n\nЗаради безпеки дитини ми нікому не кажемо, де вона перебуває, доки не перевірено родинний зв'язок. Принесіть документ або фото, що підтверджує спорідненість. Возз'єднання організовують разом зі службами захисту дітей."
            ),
        ),
        (Topic::FamilyReunification, _) => (
            "Поиск родных и воссоединение".to_owned(),
            "Если вы потеряли связь с ребёнком или родственником в дороге.".to_owned(),
            format!(
                "Если вы разлучились с ребёнком или родственником, сразу скажите об этом сотрудникам любой Голубой точки. Социальные работники зарегистрируют поиск, сравнят его с детьми, зарегистрированными в пунктах, и будут работать со службами защиты детей в {name} и других странах.\n\nРади безопасности ребёнка мы никому не сообщаем, где он находится, пока не проверено родство. Принесите документ или фото, подтверждающее родство. Воссоединение организуют вместе со службами защиты детей."
            ),
        ),
        (Topic::Emergency, 0) => (
            "Emergency numbers".to_owned(),
            format!("Call {general} for police, ambulance or fire; {child} for children."),
            format!(
                "- **{general}**: police, ambulance, fire brigade. Free from any phone, also without a SIM card.\n- **{child}**: helpline for children and for adults worried about a child.\n\nSay where you are, what happened and how many people need help. If you do not speak the local language, say \"Ukrainian\" or \"English\": an interpreter can often be connected."
            ),
        ),
        (Topic::Emergency, 1) => (
            "Екстрені номери".to_owned(),
            format!("{general}: поліція, швидка, пожежна; {child}: допомога дітям."),
            format!(
                "- **{general}**: поліція, швидка допомога, пожежна служба. Безкоштовно з будь-якого телефону, також без SIM-картки.\n- **{child}**: лінія допомоги дітям і дорослим, які хвилюються за дитину.\n\nСкажіть, де ви, що сталося і скільки людей потребують допомоги. Якщо не володієте місцевою мовою, скажіть «Ukrainian» або «English»: часто можуть під'єднати перекладача."
            ),
        ),
        (Topic::Emergency, _) => (
            "Экстренные номера".to_owned(),
            format!("{general}: полиция, скорая, пожарные; {child}: помощь детям."),
            format!(
                "- **{general}**: полиция, скорая помощь, пожарная служба. Бесплатно с любого телефона, также без SIM-карты.\n- **{child}**: линия помощи детям и взрослым, которые беспокоятся о ребёнке.\n\nСкажите, где вы, что случилось и сколько людей нуждаются в помощи. Если вы не говорите на местном языке, скажите «Ukrainian» или «English»: часто могут подключить переводчика."
            ),
        ),
    }
}

pub fn articles(now: DateTime<Utc>) -> Vec<Article> {
    let mut out = Vec::new();
    for (c, country) in Country::ALL.into_iter().enumerate() {
        for topic in Topic::ALL {
            for (i, lang) in [Lang::En, Lang::Uk, Lang::Ru].into_iter().enumerate() {
                let (title, summary, body) = write(*topic, country, i);
                out.push(Article {
                    country,
                    topic: *topic,
                    lang,
                    title,
                    summary,
                    body: format!("{body}\n\n{}", DEMO_NOTE[i]),
                    source_lang: (lang != Lang::En).then_some(Lang::En),
                    verified_at: days_ago(now, 2 + c as i64),
                    is_demo: true,
                });
            }
            for language in &crate::articles_more::LANGUAGES {
                let (title, summary, body) = language.write(*topic, country);
                out.push(Article {
                    country,
                    topic: *topic,
                    lang: language.lang,
                    title,
                    summary,
                    body: format!("{body}\n\n{}", language.demo_note),
                    source_lang: Some(Lang::En),
                    verified_at: days_ago(now, 2 + c as i64),
                    is_demo: true,
                });
            }
        }
    }
    out
}
