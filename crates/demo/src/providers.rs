//! Sample external providers: the kind of national services hubs refer people to.

use bluedot_core::hub::{Contact, MessagingApp};
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Localized, ServiceKind};
use chrono::{DateTime, Utc};

use crate::{days_ago, demo_id};

struct Sample {
    country: Country,
    /// As the organisation names itself, in the country's language.
    organization: &'static str,
    service: ServiceKind,
    /// In the order of `Lang::ALL`: uk, ru, en, pl, ro, hu, sk, bg, it.
    name: [&'static str; 9],
    eligibility: [&'static str; 9],
    free: bool,
    phone: &'static str,
}

const ANYONE_WHO_FLED: [&str; 9] = [
    "Усі, хто виїхав з України",
    "Все, кто уехал из Украины",
    "Anyone who fled Ukraine",
    "Każdy, kto uciekł z Ukrainy",
    "Oricine a fugit din Ucraina",
    "Bárki, aki Ukrajnából menekült",
    "Každý, kto utiekol z Ukrajiny",
    "Всеки, който е избягал от Украйна",
    "Chiunque sia fuggito dall'Ucraina",
];

const UKRAINIAN_CITIZENS_AND_FAMILIES: [&str; 9] = [
    "Громадяни України та члени їхніх родин",
    "Граждане Украины и члены их семей",
    "Citizens of Ukraine and their family members",
    "Obywatele Ukrainy i członkowie ich rodzin",
    "Cetățenii Ucrainei și membrii familiilor lor",
    "Ukrán állampolgárok és családtagjaik",
    "Občania Ukrajiny a ich rodinní príslušníci",
    "Граждани на Украйна и членовете на техните семейства",
    "Cittadini ucraini e i loro familiari",
];

#[rustfmt::skip]
const SAMPLES: &[Sample] = &[
    Sample {
        country: Country::Romania, organization: "Rețeaua de asistență juridică (demo)", service: ServiceKind::LegalCounselling,
        name: ["Безоплатні юридичні консультації для біженців", "Бесплатные юридические консультации для беженцев", "Free legal counselling for refugees", "Bezpłatne porady prawne dla uchodźców", "Consiliere juridică gratuită pentru refugiați", "Ingyenes jogi tanácsadás menekülteknek", "Bezplatné právne poradenstvo pre utečencov", "Безплатни правни консултации за бежанци", "Consulenza legale gratuita per rifugiati"],
        eligibility: ANYONE_WHO_FLED, free: true, phone: "+40 21 800 900 (demo)",
    },
    Sample {
        country: Country::Romania, organization: "Direcția Generală de Asistență Socială și Protecția Copilului (demo)", service: ServiceKind::ReferralChildProtection,
        name: ["Служба захисту дітей", "Служба защиты детей", "Child protection services", "Służby ochrony dzieci", "Servicii de protecție a copilului", "Gyermekvédelmi szolgálat", "Služby ochrany detí", "Служба за закрила на детето", "Servizi di tutela dei minori"],
        eligibility: ["Діти в групі ризику та діти без супроводу", "Дети в группе риска и дети без сопровождения", "Children at risk and unaccompanied children", "Dzieci zagrożone i dzieci bez opieki", "Copii în situație de risc și copii neînsoțiți", "Veszélyeztetett és kísérő nélküli gyermekek", "Ohrozené deti a deti bez sprievodu", "Деца в риск и непридружени деца", "Minori a rischio e minori non accompagnati"],
        free: true, phone: "119",
    },
    Sample {
        country: Country::Moldova, organization: "Centrul de drept (demo)", service: ServiceKind::TemporaryProtection,
        name: ["Допомога з оформленням тимчасового захисту", "Помощь с оформлением временной защиты", "Help with temporary protection applications", "Pomoc we wnioskach o ochronę czasową", "Ajutor pentru cererile de protecție temporară", "Segítség az ideiglenes védelem kérelmezéséhez", "Pomoc so žiadosťami o dočasnú ochranu", "Помощ при подаване на молби за временна закрила", "Aiuto per le domande di protezione temporanea"],
        eligibility: UKRAINIAN_CITIZENS_AND_FAMILIES, free: true, phone: "+373 22 800 900 (demo)",
    },
    Sample {
        country: Country::Moldova, organization: "Linia de sprijin psihologic (demo)", service: ServiceKind::PsychosocialSupport,
        name: ["Психологічна підтримка телефоном українською та російською", "Психологическая поддержка по телефону на украинском и русском", "Psychological support by phone in Ukrainian and Russian", "Wsparcie psychologiczne przez telefon po ukraińsku i rosyjsku", "Sprijin psihologic la telefon în ucraineană și rusă", "Lelki támogatás telefonon ukránul és oroszul", "Psychologická podpora po telefóne v ukrajinčine a ruštine", "Психологическа подкрепа по телефона на украински и руски", "Supporto psicologico al telefono in ucraino e russo"],
        eligibility: ["Усі охочі", "Все желающие", "Everyone", "Każdy", "Oricine", "Bárki", "Ktokoľvek", "Всеки", "Chiunque"],
        free: true, phone: "+373 22 800 901 (demo)",
    },
    Sample {
        country: Country::Poland, organization: "Fundacja Pomocy Prawnej (demo)", service: ServiceKind::LegalCounselling,
        name: ["Юридичні консультації щодо перебування та роботи", "Юридические консультации по пребыванию и работе", "Legal advice on residence and work", "Porady prawne w sprawie pobytu i pracy", "Consiliere juridică privind șederea și munca", "Jogi tanácsadás tartózkodásról és munkáról", "Právne poradenstvo k pobytu a práci", "Правни консултации за пребиваване и работа", "Consulenza legale su soggiorno e lavoro"],
        eligibility: ["Особи зі статусом PESEL UKR", "Лица со статусом PESEL UKR", "People with PESEL UKR status", "Osoby ze statusem PESEL UKR", "Persoanele cu statut PESEL UKR", "PESEL UKR státusszal rendelkezők", "Osoby so statusom PESEL UKR", "Лица със статут PESEL UKR", "Persone con lo status PESEL UKR"],
        free: true, phone: "+48 22 800 900 (demo)",
    },
    Sample {
        country: Country::Poland, organization: "Miejski Ośrodek Wsparcia Rodziny (demo)", service: ServiceKind::PsychosocialSupport,
        name: ["Підтримка та консультування родин", "Поддержка и консультирование семей", "Family support and counselling", "Wsparcie i poradnictwo dla rodzin", "Sprijin și consiliere pentru familii", "Családtámogatás és tanácsadás", "Podpora a poradenstvo pre rodiny", "Подкрепа и консултации за семейства", "Sostegno e consulenza per le famiglie"],
        eligibility: ["Родини з дітьми", "Семьи с детьми", "Families with children", "Rodziny z dziećmi", "Familii cu copii", "Gyermekes családok", "Rodiny s deťmi", "Семейства с деца", "Famiglie con bambini"],
        free: true, phone: "+48 22 800 901 (demo)",
    },
    Sample {
        country: Country::Bulgaria, organization: "Държавна агенция за бежанците (демо)", service: ServiceKind::TemporaryProtection,
        name: ["Реєстрація тимчасового захисту", "Регистрация временной защиты", "Temporary protection registration", "Rejestracja ochrony czasowej", "Înregistrarea pentru protecție temporară", "Ideiglenes védelem nyilvántartásba vétele", "Registrácia dočasnej ochrany", "Регистрация за временна закрила", "Registrazione della protezione temporanea"],
        eligibility: UKRAINIAN_CITIZENS_AND_FAMILIES, free: true, phone: "+359 2 800 900 (demo)",
    },
    Sample {
        country: Country::Bulgaria, organization: "Майчин дом (демо)", service: ServiceKind::HealthNutritionAdvice,
        name: ["Нагляд під час вагітності та огляди немовлят", "Наблюдение во время беременности и осмотры младенцев", "Antenatal care and baby health checks", "Opieka w ciąży i badania niemowląt", "Îngrijire prenatală și controale pentru bebeluși", "Terhesgondozás és csecsemővizsgálatok", "Starostlivosť v tehotenstve a prehliadky bábätiek", "Наблюдение на бременността и прегледи на бебета", "Assistenza in gravidanza e controlli per neonati"],
        eligibility: ["Вагітні жінки та діти до року", "Беременные женщины и дети до года", "Pregnant women and babies under one year", "Kobiety w ciąży i niemowlęta do roku", "Femei însărcinate și bebeluși sub un an", "Várandós nők és egy év alatti csecsemők", "Tehotné ženy a bábätká do jedného roka", "Бременни жени и бебета до една година", "Donne in gravidanza e bambini sotto l'anno"],
        free: true, phone: "+359 2 800 901 (demo)",
    },
    Sample {
        country: Country::Slovakia, organization: "Poradenské centrum (demo)", service: ServiceKind::LegalCounselling,
        name: ["Консультації щодо тимчасового притулку", "Консультации по временному убежищу", "Counselling on temporary refuge", "Poradnictwo w sprawie tymczasowego schronienia", "Consiliere privind refugiul temporar", "Tanácsadás az ideiglenes menedékről", "Poradenstvo k dočasnému útočisku", "Консултации за временно убежище", "Consulenza sul rifugio temporaneo"],
        eligibility: ["Особи з тимчасовим притулком", "Лица с временным убежищем", "Holders of temporary refuge", "Osoby z tymczasowym schronieniem", "Beneficiarii refugiului temporar", "Ideiglenes menedékben részesülők", "Držitelia dočasného útočiska", "Лица с временно убежище", "Titolari di rifugio temporaneo"],
        free: true, phone: "+421 2 800 900 (demo)",
    },
    Sample {
        country: Country::Slovakia, organization: "Súkromná jazyková škola (demo)", service: ServiceKind::EarlyLearning,
        name: ["Уроки словацької для дітей", "Уроки словацкого для детей", "Slovak lessons for children", "Lekcje słowackiego dla dzieci", "Lecții de slovacă pentru copii", "Szlovák nyelvórák gyerekeknek", "Hodiny slovenčiny pre deti", "Уроци по словашки за деца", "Lezioni di slovacco per bambini"],
        eligibility: ["Діти від 6 до 15 років", "Дети от 6 до 15 лет", "Children aged 6 to 15", "Dzieci w wieku od 6 do 15 lat", "Copii între 6 și 15 ani", "6 és 15 év közötti gyerekek", "Deti od 6 do 15 rokov", "Деца от 6 до 15 години", "Bambini dai 6 ai 15 anni"],
        free: false, phone: "+421 2 800 901 (demo)",
    },
    Sample {
        country: Country::Hungary, organization: "Menekültügyi jogsegélyszolgálat (demo)", service: ServiceKind::LegalCounselling,
        name: ["Правова допомога людям, які виїхали з України", "Правовая помощь людям, уехавшим из Украины", "Legal aid for people fleeing Ukraine", "Pomoc prawna dla osób uciekających z Ukrainy", "Asistență juridică pentru persoanele care fug din Ucraina", "Jogi segítség az Ukrajnából menekülőknek", "Právna pomoc pre ľudí utekajúcich z Ukrajiny", "Правна помощ за хората, избягали от Украйна", "Assistenza legale per chi fugge dall'Ucraina"],
        eligibility: ANYONE_WHO_FLED, free: true, phone: "+36 1 800 900 (demo)",
    },
    Sample {
        country: Country::Hungary, organization: "Női krízisvonal (demo)", service: ServiceKind::GbvSupport,
        name: ["Конфіденційна підтримка для постраждалих від насильства", "Конфиденциальная поддержка пострадавших от насилия", "Confidential support for survivors of violence", "Poufne wsparcie dla osób, które doświadczyły przemocy", "Sprijin confidențial pentru supraviețuitorii violenței", "Bizalmas támogatás erőszak túlélőinek", "Dôverná podpora pre ľudí, ktorí prežili násilie", "Поверителна подкрепа за преживели насилие", "Supporto riservato per chi ha subito violenza"],
        eligibility: ["Жінки та дівчата", "Женщины и девочки", "Women and girls", "Kobiety i dziewczęta", "Femei și fete", "Nők és lányok", "Ženy a dievčatá", "Жени и момичета", "Donne e ragazze"],
        free: true, phone: "+36 1 800 901 (demo)",
    },
    Sample {
        country: Country::Italy, organization: "Servizi sociali comunali (demo)", service: ServiceKind::DocumentationSupport,
        name: ["Допомога з дозволом на проживання та медичною карткою", "Помощь с видом на жительство и медицинской картой", "Help with residence permits and health card", "Pomoc w sprawie zezwolenia na pobyt i karty zdrowia", "Ajutor pentru permisul de ședere și cardul de sănătate", "Segítség a tartózkodási engedélyhez és az egészségügyi kártyához", "Pomoc s povolením na pobyt a zdravotnou kartou", "Помощ за разрешение за пребиваване и здравна карта", "Aiuto per permesso di soggiorno e tessera sanitaria"],
        eligibility: ["Особи з тимчасовим захистом", "Лица с временной защитой", "Holders of temporary protection", "Osoby objęte ochroną czasową", "Beneficiarii protecției temporare", "Ideiglenes védelemben részesülők", "Držitelia dočasnej ochrany", "Лица с временна закрила", "Titolari di protezione temporanea"],
        free: true, phone: "+39 06 800 900 (demo)",
    },
    Sample {
        country: Country::Italy, organization: "Telefono per l'infanzia (demo)", service: ServiceKind::ReferralChildProtection,
        name: ["Гаряча лінія для дітей і підлітків", "Горячая линия для детей и подростков", "Helpline for children and adolescents", "Telefon zaufania dla dzieci i młodzieży", "Linie de ajutor pentru copii și adolescenți", "Segélyvonal gyerekeknek és fiataloknak", "Linka pomoci pre deti a dospievajúcich", "Телефонна линия за деца и юноши", "Linea di ascolto per bambini e adolescenti"],
        eligibility: ["Діти, підлітки та батьки", "Дети, подростки и родители", "Children, adolescents and parents", "Dzieci, młodzież i rodzice", "Copii, adolescenți și părinți", "Gyerekek, fiatalok és szülők", "Deti, dospievajúci a rodičia", "Деца, юноши и родители", "Bambini, adolescenti e genitori"],
        free: true, phone: "114",
    },
];

pub fn providers(now: DateTime<Utc>) -> Vec<Provider> {
    SAMPLES
        .iter()
        .enumerate()
        .map(|(n, s)| Provider {
            id: demo_id("provider", &format!("{}-{n}", s.country)),
            country: s.country,
            organization: s.organization.to_owned(),
            service: s.service,
            name: crate::in_every_language(s.name),
            description: Localized::new(),
            address: Localized::new(),
            location: None,
            opening_hours: Some("Mo-Fr 09:00-17:00".to_owned()),
            contacts: vec![Contact {
                channel: MessagingApp::Phone,
                value: s.phone.to_owned(),
            }],
            website: None,
            eligibility: crate::in_every_language(s.eligibility),
            languages: vec!["uk".to_owned(), "ru".to_owned(), "en".to_owned()],
            free_of_charge: s.free,
            fees: if s.free {
                Localized::new()
            } else {
                crate::in_every_language([
                    "Послуга платна; запитайте про знижки.",
                    "Услуга платная; спросите о скидках.",
                    "A fee applies; ask about reductions.",
                    "Usługa jest płatna; zapytaj o zniżki.",
                    "Serviciul este contra cost; întrebați de reduceri.",
                    "A szolgáltatás díjköteles; kérdezzen a kedvezményekről.",
                    "Služba je platená; opýtajte sa na zľavy.",
                    "Услугата е платена; попитайте за отстъпки.",
                    "Il servizio è a pagamento; chiedi delle riduzioni.",
                ])
            },
            verified_at: days_ago(now, 3 + n as i64 * 3),
            is_demo: true,
        })
        .collect()
}
