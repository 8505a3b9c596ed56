//! The demo hubs. Counts per country follow the public record (Moldova 9, Romania 8 places,
//! Poland 6, Bulgaria 5, Slovakia 3, Hungary 3, Italy 2: 36 in all); coordinates are those of
//! the real crossings, stations and cities.

use bluedot_core::geo::Point;
use bluedot_core::hub::{Accessibility, Contact, HubService, MessagingApp, WheelchairAccess};
use bluedot_core::{
    Country, Hub, HubKind, HubStatus, Lang, Localized, PriorityGroup as G, ServiceKind as S,
};
use chrono::{DateTime, Utc};

use crate::{days_ago, demo_id};

struct Place {
    slug: &'static str,
    country: Country,
    kind: HubKind,
    /// The place as written locally (also used in English), in Ukrainian and in Russian.
    local: &'static str,
    uk: &'static str,
    ru: &'static str,
    lat: f64,
    lon: f64,
    address: &'static str,
    hours: &'static str,
    verified_days_ago: i64,
}

/// One row of the table below: slug, country, kind, the place's names (local, Ukrainian,
/// Russian), coordinates, address, opening hours, days since last verified.
type Row = (
    &'static str,
    Country,
    HubKind,
    [&'static str; 3],
    (f64, f64),
    &'static str,
    &'static str,
    i64,
);

impl Place {
    fn from_row(row: &Row) -> Place {
        let &(slug, country, kind, [local, uk, ru], (lat, lon), address, hours, verified_days_ago) =
            row;
        Place {
            slug,
            country,
            kind,
            local,
            uk,
            ru,
            lat,
            lon,
            address,
            hours,
            verified_days_ago,
        }
    }
}

use Country::*;
use HubKind::*;

const H24: &str = "24/7";
const STATION_HOURS: &str = "Mo-Su 08:00-20:00";
const CITY_HOURS: &str = "Mo-Fr 09:00-18:00; Sa 10:00-14:00";

#[rustfmt::skip]
const PLACES: [Row; 36] = [
    // Romania: the first Blue Dots, at the crossings from Ukraine and Moldova and in the cities.
    ("sighetu-marmatiei-border", Romania, BorderCrossing, ["Sighetu Marmației", "Сигіт", "Сигет"], (47.9401, 23.8868), "Punctul de trecere a frontierei Sighetu Marmației, Str. Avram Iancu, Sighetu Marmației", H24, 3),
    ("siret-border", Romania, BorderCrossing, ["Siret", "Серет", "Сирет"], (47.9800, 26.0460), "Punctul de trecere a frontierei Siret, DN2/E85, Siret, jud. Suceava", H24, 2),
    ("isaccea-border", Romania, BorderCrossing, ["Isaccea", "Ісакча", "Исакча"], (45.2714, 28.4593), "Punctul de trecere a frontierei Isaccea (bac Isaccea–Orlivka), Isaccea, jud. Tulcea", H24, 5),
    ("albita-border", Romania, BorderCrossing, ["Albița", "Албіца", "Албица"], (46.7772, 28.1748), "Punctul de trecere a frontierei Albița, DN24B, jud. Vaslui", H24, 8),
    ("husi", Romania, CommunityCentre, ["Huși", "Хуші", "Хуши"], (46.6742, 28.0594), "Str. 1 Decembrie, Huși, jud. Vaslui", CITY_HOURS, 12),
    ("iasi-station", Romania, Station, ["Iași", "Ясси", "Яссы"], (47.1657, 27.5700), "Gara Iași, Str. Garabet Ibrăileanu, Iași", STATION_HOURS, 6),
    ("brasov-station", Romania, Station, ["Brașov", "Брашов", "Брашов"], (45.6612, 25.6132), "Gara Brașov, Bd. Gării 5, Brașov", STATION_HOURS, 40),
    ("bucharest-romexpo", Romania, RegistrationSite, ["București", "Бухарест", "Бухарест"], (44.4779, 26.0694), "Romexpo, Bd. Expoziției 1, București", CITY_HOURS, 4),
    // Moldova
    ("palanca-border", Moldova, BorderCrossing, ["Palanca", "Паланка", "Паланка"], (46.4098, 30.0931), "Punctul de trecere Palanca–Maiaky-Udobne, r. Ștefan Vodă", H24, 1),
    ("otaci-border", Moldova, BorderCrossing, ["Otaci", "Отач", "Атаки"], (48.4330, 27.7942), "Punctul de trecere Otaci–Mohyliv-Podilskyi, Otaci, r. Ocnița", H24, 3),
    ("criva-border", Moldova, BorderCrossing, ["Criva", "Крива", "Крива"], (48.2678, 26.6585), "Punctul de trecere Criva–Mamalyha, r. Briceni", H24, 9),
    ("tudora-border", Moldova, BorderCrossing, ["Tudora", "Тудора", "Тудора"], (46.4339, 30.0398), "Punctul de trecere Tudora–Starokozache, r. Ștefan Vodă", H24, 15),
    ("chisinau-moldexpo", Moldova, ReceptionCentre, ["Chișinău", "Кишинів", "Кишинёв"], (47.0224, 28.8610), "Moldexpo, Str. Ghioceilor 1, Chișinău", H24, 2),
    ("chisinau-station", Moldova, Station, ["Chișinău", "Кишинів", "Кишинёв"], (47.0137, 28.8556), "Gara Feroviară Chișinău, Piața Gării 1, Chișinău", STATION_HOURS, 7),
    ("balti", Moldova, CommunityCentre, ["Bălți", "Бєльці", "Бельцы"], (47.7617, 27.9289), "Str. Independenței, Bălți", CITY_HOURS, 11),
    ("cahul", Moldova, CashPoint, ["Cahul", "Кагул", "Кагул"], (45.9075, 28.1944), "Str. Republicii, Cahul", CITY_HOURS, 20),
    ("ungheni", Moldova, Station, ["Ungheni", "Унгени", "Унгены"], (47.2103, 27.8007), "Gara Ungheni, Ungheni", STATION_HOURS, 65),
    // Poland
    ("medyka-border", Poland, BorderCrossing, ["Medyka", "Медика", "Медыка"], (49.8086, 22.9406), "Przejście graniczne Medyka–Szeginie, Medyka", H24, 2),
    ("przemysl-station", Poland, Station, ["Przemyśl", "Перемишль", "Перемышль"], (49.7838, 22.7767), "Dworzec Przemyśl Główny, pl. Legionów 1, Przemyśl", H24, 3),
    ("dorohusk-border", Poland, BorderCrossing, ["Dorohusk", "Дорогуськ", "Дорогуск"], (51.1660, 23.8050), "Przejście graniczne Dorohusk–Jagodzin, Dorohusk", H24, 6),
    ("hrebenne-border", Poland, BorderCrossing, ["Hrebenne", "Гребенне", "Гребенне"], (50.2473, 23.5787), "Przejście graniczne Hrebenne–Rawa Ruska, Hrebenne", H24, 10),
    ("warsaw-centre", Poland, CommunityCentre, ["Warszawa", "Варшава", "Варшава"], (52.2288, 21.0031), "ul. Emilii Plater, Warszawa (przy Dworcu Centralnym)", CITY_HOURS, 5),
    ("krakow-station", Poland, Station, ["Kraków", "Краків", "Краков"], (50.0677, 19.9476), "Dworzec Kraków Główny, ul. Pawia 5a, Kraków", STATION_HOURS, 33),
    // Bulgaria
    ("sofia-station", Bulgaria, Station, ["Sofia", "Софія", "София"], (42.7127, 23.3212), "Централна гара София, бул. Мария Луиза 102а, София", STATION_HOURS, 4),
    ("varna", Bulgaria, ReceptionCentre, ["Varna", "Варна", "Варна"], (43.2047, 27.9105), "ул. Девня, Варна", CITY_HOURS, 6),
    ("burgas", Bulgaria, CommunityCentre, ["Burgas", "Бургас", "Бургас"], (42.4935, 27.4721), "ул. Александровска, Бургас", CITY_HOURS, 8),
    ("ruse-border", Bulgaria, BorderCrossing, ["Ruse", "Русе", "Русе"], (43.8896, 25.9701), "ГКПП Дунав мост, Русе", H24, 14),
    ("plovdiv", Bulgaria, CommunityCentre, ["Plovdiv", "Пловдив", "Пловдив"], (42.1354, 24.7453), "бул. Христо Ботев, Пловдив", CITY_HOURS, 9),
    // Slovakia
    ("vysne-nemecke-border", Slovakia, BorderCrossing, ["Vyšné Nemecké", "Вишнє Німецьке", "Вышне Немецке"], (48.6677, 22.2579), "Hraničný priechod Vyšné Nemecké–Užhorod", H24, 2),
    ("ubla-border", Slovakia, BorderCrossing, ["Ubľa", "Убля", "Убля"], (48.8963, 22.3961), "Hraničný priechod Ubľa–Malyj Bereznyj", "Mo-Su 08:00-20:00", 5),
    ("bratislava-station", Slovakia, Station, ["Bratislava", "Братислава", "Братислава"], (48.1585, 17.1064), "Hlavná stanica, Predstaničné námestie 1, Bratislava", STATION_HOURS, 12),
    // Hungary
    ("zahony-station", Hungary, Station, ["Záhony", "Загонь", "Загонь"], (48.4085, 22.1747), "Záhony vasútállomás, Ady Endre u., Záhony", H24, 3),
    ("beregsurany-border", Hungary, BorderCrossing, ["Beregsurány", "Берегшурань", "Берегшурань"], (48.1646, 22.5441), "Beregsurány–Luzhanka határátkelő, Beregsurány", H24, 7),
    ("budapest-nyugati", Hungary, Station, ["Budapest", "Будапешт", "Будапешт"], (47.5106, 19.0564), "Nyugati pályaudvar, Teréz krt. 55, Budapest", STATION_HOURS, 6),
    // Italy
    ("rome-termini", Italy, Station, ["Roma", "Рим", "Рим"], (41.9009, 12.5018), "Stazione Termini, Piazza dei Cinquecento, Roma", CITY_HOURS, 10),
    ("milan-centrale", Italy, Station, ["Milano", "Мілан", "Милан"], (45.4861, 9.2044), "Stazione Centrale, Piazza Duca d'Aosta 1, Milano", CITY_HOURS, 18),
];

/// The hub is named "Blue Dot <place>" in every language of the site: the place in its local
/// form in Latin-script languages, in its Ukrainian, Russian or Bulgarian form in Cyrillic ones.
fn name(p: &Place) -> Localized {
    let mut name = Localized::new();
    for lang in Lang::ALL {
        let text = match lang {
            Lang::En => format!("Blue Dot {}", p.local),
            Lang::Uk => format!("Блакитна точка {}", p.uk),
            Lang::Ru => format!("Голубая точка {}", p.ru),
            Lang::Ro => format!("Punct Albastru {}", p.local),
            Lang::Pl => format!("Niebieski Punkt {}", p.local),
            Lang::Hu => format!("Kék Pont {}", p.local),
            Lang::Sk => format!("Modrý bod {}", p.local),
            Lang::Bg => format!("Синя точка {}", bulgarian_place(p)),
            Lang::It => format!("Punto Blu {}", p.local),
        };
        name.0.insert(lang, text);
    }
    name
}

/// Bulgarian hubs are named with the Cyrillic form, which is the Russian one for these cities.
fn bulgarian_place(p: &Place) -> &'static str {
    p.ru
}

fn description(p: &Place) -> Localized {
    crate::in_every_language(match p.kind {
        BorderCrossing => [
            "Блакитна точка просто на пункті пропуску: відпочинок, тепло й інформація одразу після перетину кордону. Соціальні працівники, психологи та юристи чергують цілодобово; діти можуть безпечно гратися, поки ви відпочиваєте.",
            "Голубая точка прямо на пункте пропуска: отдых, тепло и информация сразу после пересечения границы. Социальные работники, психологи и юристы дежурят круглосуточно; дети могут безопасно играть, пока вы отдыхаете.",
            "A Blue Dot right at the border crossing: rest, warmth and information as soon as you arrive. Social workers, psychologists and lawyers are on duty day and night; children can play safely while you rest.",
            "Niebieski Punkt tuż przy przejściu granicznym: odpoczynek, ciepło i informacja zaraz po przyjeździe. Pracownicy socjalni, psycholodzy i prawnicy dyżurują dniem i nocą; dzieci mogą się bezpiecznie bawić, gdy odpoczywasz.",
            "Un Punct Albastru chiar la punctul de trecere a frontierei: odihnă, căldură și informații imediat ce ajungeți. Asistenți sociali, psihologi și juriști sunt de serviciu zi și noapte; copiii se pot juca în siguranță cât vă odihniți.",
            "Kék Pont közvetlenül a határátkelőnél: pihenés, meleg és tájékoztatás rögtön az érkezéskor. Szociális munkások, pszichológusok és jogászok éjjel-nappal szolgálatban vannak; a gyerekek biztonságban játszhatnak, amíg Ön pihen.",
            "Modrý bod priamo na hraničnom priechode: oddych, teplo a informácie hneď po príchode. Sociálni pracovníci, psychológovia a právnici slúžia vo dne v noci; deti sa môžu bezpečne hrať, kým oddychujete.",
            "Синя точка точно на граничния пункт: почивка, топлина и информация веднага щом пристигнете. Социални работници, психолози и юристи дежурят денонощно; децата могат да играят безопасно, докато почивате.",
            "Un Punto Blu proprio al valico di frontiera: riposo, calore e informazioni appena arrivi. Assistenti sociali, psicologi e avvocati sono di turno giorno e notte; i bambini possono giocare al sicuro mentre riposi.",
        ],
        Station => [
            "Блакитна точка на вокзалі для тих, хто прибуває або їде далі: інформація про подальшу дорогу й послуги, дитячий простір, куточок матері й дитини та допомога соціальних працівників.",
            "Голубая точка на вокзале для тех, кто прибывает или едет дальше: информация о дальнейшей дороге и услугах, детское пространство, уголок матери и ребёнка и помощь социальных работников.",
            "A Blue Dot at the station for people arriving or travelling on: information on onward travel and services, a child-friendly space, a mother and baby corner and help from social workers.",
            "Niebieski Punkt na dworcu dla przyjeżdżających i jadących dalej: informacje o dalszej podróży i usługach, przestrzeń przyjazna dzieciom, kącik dla matki z dzieckiem i pomoc pracowników socjalnych.",
            "Un Punct Albastru în gară pentru cei care sosesc sau merg mai departe: informații despre călătorie și servicii, un spațiu prietenos pentru copii, un colț pentru mamă și copil și ajutor de la asistenți sociali.",
            "Kék Pont a pályaudvaron az érkezőknek és továbbutazóknak: tájékoztatás a továbbutazásról és a szolgáltatásokról, gyermekbarát tér, anya-baba sarok és szociális munkások segítsége.",
            "Modrý bod na stanici pre tých, ktorí prichádzajú alebo cestujú ďalej: informácie o ďalšej ceste a službách, priestor priateľský k deťom, kútik pre matku s dieťaťom a pomoc sociálnych pracovníkov.",
            "Синя точка на гарата за пристигащите и пътуващите нататък: информация за пътуването и услугите, пространство за деца, кът за майка и бебе и помощ от социални работници.",
            "Un Punto Blu in stazione per chi arriva o prosegue il viaggio: informazioni sul viaggio e sui servizi, uno spazio a misura di bambino, un angolo mamma-bambino e l'aiuto di assistenti sociali.",
        ],
        _ => [
            "Блакитна точка в місті для тих, хто залишається: юридичні консультації щодо тимчасового захисту й документів, психосоціальна підтримка, заняття для дітей і підлітків, скерування до державних служб.",
            "Голубая точка в городе для тех, кто остаётся: юридические консультации по временной защите и документам, психосоциальная поддержка, занятия для детей и подростков, направление в государственные службы.",
            "A Blue Dot in the city for people who stay: legal advice on temporary protection and documents, psychosocial support, activities for children and adolescents, and referral to national services.",
            "Niebieski Punkt w mieście dla tych, którzy zostają: porady prawne w sprawie ochrony czasowej i dokumentów, wsparcie psychospołeczne, zajęcia dla dzieci i młodzieży oraz kierowanie do służb państwowych.",
            "Un Punct Albastru în oraș pentru cei care rămân: consiliere juridică privind protecția temporară și actele, sprijin psihosocial, activități pentru copii și adolescenți și îndrumare către serviciile publice.",
            "Kék Pont a városban a maradóknak: jogi tanácsadás az ideiglenes védelemről és az iratokról, pszichoszociális támogatás, foglalkozások gyerekeknek és kamaszoknak, valamint továbbirányítás az állami szolgáltatásokhoz.",
            "Modrý bod v meste pre tých, ktorí zostávajú: právne poradenstvo k dočasnému útočisku a dokladom, psychosociálna podpora, aktivity pre deti a dospievajúcich a odporúčanie na štátne služby.",
            "Синя точка в града за онези, които остават: правни консултации за временната закрила и документите, психосоциална подкрепа, занимания за деца и юноши и насочване към държавните служби.",
            "Un Punto Blu in città per chi resta: consulenza legale sulla protezione temporanea e sui documenti, sostegno psicosociale, attività per bambini e adolescenti e orientamento verso i servizi pubblici.",
        ],
    })
}

fn services_for(kind: HubKind) -> &'static [S] {
    match kind {
        BorderCrossing => &[
            S::InformationDesk,
            S::WifiCharging,
            S::Interpretation,
            S::ChildProtectionAssessment,
            S::ReferralChildProtection,
            S::FamilyTracing,
            S::ChildFriendlySpace,
            S::MotherBabySpace,
            S::PsychologicalFirstAid,
            S::LegalCounselling,
            S::TemporaryProtection,
            S::GbvSupport,
            S::FirstAid,
            S::Hygiene,
            S::Supplies,
            S::RestArea,
            S::MobileTeam,
        ],
        Station => &[
            S::InformationDesk,
            S::WifiCharging,
            S::Interpretation,
            S::ChildProtectionAssessment,
            S::ReferralChildProtection,
            S::ChildFriendlySpace,
            S::MotherBabySpace,
            S::PsychologicalFirstAid,
            S::LegalCounselling,
            S::Supplies,
            S::RestArea,
            S::Hygiene,
        ],
        _ => &[
            S::InformationDesk,
            S::Interpretation,
            S::ChildProtectionAssessment,
            S::ReferralChildProtection,
            S::FamilyTracing,
            S::ChildFriendlySpace,
            S::AdolescentSpace,
            S::PsychosocialSupport,
            S::LegalCounselling,
            S::TemporaryProtection,
            S::DocumentationSupport,
            S::BirthRegistration,
            S::GbvSupport,
            S::HealthNutritionAdvice,
            S::EarlyLearning,
            S::VulnerableRegistration,
            S::Supplies,
            S::MobileTeam,
        ],
    }
}

/// Whom each service is chiefly for.
fn groups_for(service: S) -> Vec<G> {
    match service {
        S::ChildProtectionAssessment | S::ReferralChildProtection => {
            vec![G::Children, G::UnaccompaniedSeparatedChildren]
        }
        S::FamilyTracing => vec![G::UnaccompaniedSeparatedChildren],
        S::ChildFriendlySpace | S::EarlyLearning => vec![G::Children],
        S::AdolescentSpace => vec![G::Adolescents],
        S::MotherBabySpace => vec![G::WomenWithYoungChildren, G::PregnantBreastfeeding],
        S::PsychologicalFirstAid => vec![G::GbvSurvivors, G::TraffickingRisk],
        S::PsychosocialSupport => vec![G::Children, G::Adolescents, G::GbvSurvivors, G::Lgbtiq],
        S::LegalCounselling => vec![G::UnaccompaniedSeparatedChildren, G::TraffickingRisk],
        S::BirthRegistration => vec![G::PregnantBreastfeeding, G::WomenWithYoungChildren],
        S::GbvSupport => vec![G::GbvSurvivors, G::Lgbtiq],
        S::FirstAid => vec![G::MedicalNeeds, G::Disability],
        S::HealthNutritionAdvice => vec![G::PregnantBreastfeeding, G::MedicalNeeds],
        S::RestArea => vec![G::OlderPersons, G::Disability, G::WomenWithYoungChildren],
        S::Supplies => vec![G::Children, G::WomenWithYoungChildren],
        S::VulnerableRegistration => vec![G::Disability, G::OlderPersons, G::MedicalNeeds],
        S::InformationDesk => vec![G::OlderPersons, G::TraffickingRisk],
        _ => vec![],
    }
}

fn phone(country: Country, n: usize) -> String {
    let prefix = match country {
        Bulgaria => "+359 2 800",
        Hungary => "+36 1 800",
        Italy => "+39 06 800",
        Moldova => "+373 22 800",
        Poland => "+48 22 800",
        Romania => "+40 21 800",
        Slovakia => "+421 2 800",
    };
    format!("{prefix} {:03} (demo)", 100 + n)
}

pub fn hubs(now: DateTime<Utc>) -> Vec<Hub> {
    PLACES
        .iter()
        .map(Place::from_row)
        .enumerate()
        .map(|(n, p)| {
            let p = &p;
            let verified_at = days_ago(now, p.verified_days_ago);
            let local = p.country.language().code().to_owned();
            let mut languages = vec!["uk".to_owned(), "ru".to_owned(), "en".to_owned()];
            if !languages.contains(&local) {
                languages.push(local);
            }
            // One hub is temporarily closed, so the site's handling of closures can be seen.
            let (status, status_note) = if p.slug == "ungheni" {
                (
                    HubStatus::TemporarilyClosed,
                    crate::in_every_language([
                        "Тимчасово зачинено: команда працює в Блакитній точці на вокзалі Кишинева.",
                        "Временно закрыто: команда работает в Голубой точке на вокзале Кишинёва.",
                        "Temporarily closed: the team works from the Chișinău station hub.",
                        "Tymczasowo zamknięte: zespół pracuje w punkcie na dworcu w Kiszyniowie.",
                        "Închis temporar: echipa lucrează la centrul din gara Chișinău.",
                        "Ideiglenesen zárva: a csapat a chișinăui pályaudvari ponton dolgozik.",
                        "Dočasne zatvorené: tím pracuje v centre na stanici v Kišiňove.",
                        "Временно затворено: екипът работи в пункта на гарата в Кишинев.",
                        "Chiuso temporaneamente: la squadra lavora al punto della stazione di Chișinău.",
                    ]),
                )
            } else {
                (HubStatus::Open, Localized::new())
            };
            let wheelchair = match p.kind {
                BorderCrossing => WheelchairAccess::Limited,
                _ => WheelchairAccess::Yes,
            };
            Hub {
                id: demo_id("hub", p.slug),
                slug: p.slug.to_owned(),
                kind: p.kind,
                country: p.country,
                name: name(p),
                description: description(p),
                address: Localized::new().with(p.country.language(), p.address),
                location: Point { lat: p.lat, lon: p.lon },
                opening_hours: p.hours.to_owned(),
                contacts: vec![
                    Contact { channel: MessagingApp::Phone, value: phone(p.country, n) },
                    Contact { channel: MessagingApp::Viber, value: phone(p.country, n) },
                ],
                languages,
                accessibility: Accessibility {
                    wheelchair,
                    note: crate::in_every_language([
                        "Вхід без сходинок; доступний туалет.",
                        "Вход без ступенек; доступный туалет.",
                        "Step-free entrance; accessible toilet.",
                        "Wejście bez schodów; toaleta dostępna dla osób z niepełnosprawnościami.",
                        "Intrare fără trepte; toaletă accesibilă.",
                        "Lépcsőmentes bejárat; akadálymentes mosdó.",
                        "Bezbariérový vstup; bezbariérová toaleta.",
                        "Вход без стъпала; достъпна тоалетна.",
                        "Ingresso senza gradini; bagno accessibile.",
                    ]),
                },
                status,
                status_note,
                partners: vec![
                    "UNICEF".to_owned(),
                    "UNHCR".to_owned(),
                    local_authority(p),
                ],
                services: services_for(p.kind)
                    .iter()
                    .map(|&kind| HubService {
                        priority_groups: groups_for(kind),
                        ..HubService::new(kind, verified_at)
                    })
                    .collect(),
                closures: vec![],
                verified_at,
                is_demo: true,
            }
        })
        .collect()
}

/// The town's own authority, as it names itself: partners are proper names, not translated.
fn local_authority(p: &Place) -> String {
    match p.country {
        Country::Romania | Country::Moldova => format!("Primăria {}", p.local),
        Country::Poland => format!("Gmina {}", p.local),
        Country::Hungary => format!("{} Önkormányzata", p.local),
        Country::Slovakia => format!("Mesto {}", p.local),
        // Bulgarian towns are written in Cyrillic, as in Russian.
        Country::Bulgaria => format!("Община {}", p.ru),
        Country::Italy => format!("Comune di {}", p.local),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_six_valid_hubs_in_seven_countries() {
        let hubs = hubs(Utc::now());
        assert_eq!(hubs.len(), 36);
        for hub in &hubs {
            hub.validate()
                .unwrap_or_else(|e| panic!("{}: {e}", hub.slug));
            // Each hub lies in its country's rough bounding box.
            let (lat, lon) = (hub.location.lat, hub.location.lon);
            let inside = match hub.country {
                Bulgaria => (41.2..44.3).contains(&lat) && (22.3..28.7).contains(&lon),
                Hungary => (45.7..48.6).contains(&lat) && (16.1..22.95).contains(&lon),
                Italy => (36.6..47.1).contains(&lat) && (6.6..18.6).contains(&lon),
                Moldova => (45.4..48.5).contains(&lat) && (26.6..30.2).contains(&lon),
                Poland => (49.0..54.9).contains(&lat) && (14.1..24.2).contains(&lon),
                Romania => (43.6..48.3).contains(&lat) && (20.2..29.8).contains(&lon),
                Slovakia => (47.7..49.7).contains(&lat) && (16.8..22.6).contains(&lon),
            };
            assert!(inside, "{} at {lat},{lon}", hub.slug);
        }
        let per = |c| hubs.iter().filter(|h| h.country == c).count();
        assert_eq!(
            [
                per(Moldova),
                per(Romania),
                per(Poland),
                per(Bulgaria),
                per(Slovakia),
                per(Hungary),
                per(Italy)
            ],
            [9, 8, 6, 5, 3, 3, 2]
        );
        let slugs: std::collections::HashSet<_> = hubs.iter().map(|h| &h.slug).collect();
        assert_eq!(slugs.len(), 36);
    }
}
