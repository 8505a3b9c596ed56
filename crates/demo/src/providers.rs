//! Sample external providers: the kind of national services hubs refer people to.

use bluedot_core::hub::{Contact, MessagingApp};
use bluedot_core::provider::Provider;
use bluedot_core::{Country, Lang, Localized, ServiceKind};
use chrono::{DateTime, Utc};

use crate::{days_ago, demo_id};

struct Sample {
    country: Country,
    organization: &'static str,
    service: ServiceKind,
    name_en: &'static str,
    name_uk: &'static str,
    eligibility_en: &'static str,
    eligibility_uk: &'static str,
    name_ru: &'static str,
    eligibility_ru: &'static str,
    /// In the country's own language.
    name_local: &'static str,
    eligibility_local: &'static str,
    free: bool,
    phone: &'static str,
}

#[rustfmt::skip]
const SAMPLES: &[Sample] = &[
    Sample { country: Country::Romania, organization: "Legal aid network (demo)", service: ServiceKind::LegalCounselling, name_en: "Free legal counselling for refugees", name_uk: "Безоплатні юридичні консультації для біженців", eligibility_en: "Anyone who fled Ukraine", eligibility_uk: "Усі, хто виїхав з України", name_ru: "Бесплатные юридические консультации для беженцев", eligibility_ru: "Все, кто уехал из Украины", name_local: "Consiliere juridică gratuită pentru refugiați", eligibility_local: "Oricine a fugit din Ucraina", free: true, phone: "+40 21 800 900 (demo)" },
    Sample { country: Country::Romania, organization: "County child protection directorate (demo)", service: ServiceKind::ReferralChildProtection, name_en: "Child protection services", name_uk: "Служба захисту дітей", eligibility_en: "Children at risk and unaccompanied children", eligibility_uk: "Діти в групі ризику та діти без супроводу", name_ru: "Служба защиты детей", eligibility_ru: "Дети в группе риска и дети без сопровождения", name_local: "Servicii de protecție a copilului", eligibility_local: "Copii în situație de risc și copii neînsoțiți", free: true, phone: "119" },
    Sample { country: Country::Moldova, organization: "Legal centre (demo)", service: ServiceKind::TemporaryProtection, name_en: "Help with temporary protection applications", name_uk: "Допомога з оформленням тимчасового захисту", eligibility_en: "Citizens of Ukraine and their family members", eligibility_uk: "Громадяни України та члени їхніх родин", name_ru: "Помощь с оформлением временной защиты", eligibility_ru: "Граждане Украины и члены их семей", name_local: "Ajutor pentru cererile de protecție temporară", eligibility_local: "Cetățenii Ucrainei și membrii familiilor lor", free: true, phone: "+373 22 800 900 (demo)" },
    Sample { country: Country::Moldova, organization: "Psychological support line (demo)", service: ServiceKind::PsychosocialSupport, name_en: "Psychological support by phone in Ukrainian and Russian", name_uk: "Психологічна підтримка телефоном українською та російською", eligibility_en: "Everyone", eligibility_uk: "Усі охочі", name_ru: "Психологическая поддержка по телефону на украинском и русском", eligibility_ru: "Все желающие", name_local: "Sprijin psihologic la telefon în ucraineană și rusă", eligibility_local: "Oricine", free: true, phone: "+373 22 800 901 (demo)" },
    Sample { country: Country::Poland, organization: "Legal aid foundation (demo)", service: ServiceKind::LegalCounselling, name_en: "Legal advice on residence and work", name_uk: "Юридичні консультації щодо перебування та роботи", eligibility_en: "People with PESEL UKR status", eligibility_uk: "Особи зі статусом PESEL UKR", name_ru: "Юридические консультации по пребыванию и работе", eligibility_ru: "Лица со статусом PESEL UKR", name_local: "Porady prawne w sprawie pobytu i pracy", eligibility_local: "Osoby ze statusem PESEL UKR", free: true, phone: "+48 22 800 900 (demo)" },
    Sample { country: Country::Poland, organization: "Municipal family support centre (demo)", service: ServiceKind::PsychosocialSupport, name_en: "Family support and counselling", name_uk: "Підтримка та консультування родин", eligibility_en: "Families with children", eligibility_uk: "Родини з дітьми", name_ru: "Поддержка и консультирование семей", eligibility_ru: "Семьи с детьми", name_local: "Wsparcie i poradnictwo dla rodzin", eligibility_local: "Rodziny z dziećmi", free: true, phone: "+48 22 800 901 (demo)" },
    Sample { country: Country::Bulgaria, organization: "State Agency for Refugees (demo entry)", service: ServiceKind::TemporaryProtection, name_en: "Temporary protection registration", name_uk: "Реєстрація тимчасового захисту", eligibility_en: "Citizens of Ukraine and their family members", eligibility_uk: "Громадяни України та члени їхніх родин", name_ru: "Регистрация временной защиты", eligibility_ru: "Граждане Украины и члены их семей", name_local: "Регистрация за временна закрила", eligibility_local: "Граждани на Украйна и членовете на техните семейства", free: true, phone: "+359 2 800 900 (demo)" },
    Sample { country: Country::Bulgaria, organization: "Maternity clinic (demo)", service: ServiceKind::HealthNutritionAdvice, name_en: "Antenatal care and baby health checks", name_uk: "Нагляд під час вагітності та огляди немовлят", eligibility_en: "Pregnant women and babies under one year", eligibility_uk: "Вагітні жінки та діти до року", name_ru: "Наблюдение во время беременности и осмотры младенцев", eligibility_ru: "Беременные женщины и дети до года", name_local: "Наблюдение на бременността и прегледи на бебета", eligibility_local: "Бременни жени и бебета до една година", free: true, phone: "+359 2 800 901 (demo)" },
    Sample { country: Country::Slovakia, organization: "Counselling centre (demo)", service: ServiceKind::LegalCounselling, name_en: "Counselling on temporary refuge", name_uk: "Консультації щодо тимчасового притулку", eligibility_en: "Holders of temporary refuge", eligibility_uk: "Особи з тимчасовим притулком", name_ru: "Консультации по временному убежищу", eligibility_ru: "Лица с временным убежищем", name_local: "Poradenstvo k dočasnému útočisku", eligibility_local: "Držitelia dočasného útočiska", free: true, phone: "+421 2 800 900 (demo)" },
    Sample { country: Country::Slovakia, organization: "Private language school (demo)", service: ServiceKind::EarlyLearning, name_en: "Slovak lessons for children", name_uk: "Уроки словацької для дітей", eligibility_en: "Children aged 6 to 15", eligibility_uk: "Діти від 6 до 15 років", name_ru: "Уроки словацкого для детей", eligibility_ru: "Дети от 6 до 15 лет", name_local: "Hodiny slovenčiny pre deti", eligibility_local: "Deti od 6 do 15 rokov", free: false, phone: "+421 2 800 901 (demo)" },
    Sample { country: Country::Hungary, organization: "Refugee legal aid (demo)", service: ServiceKind::LegalCounselling, name_en: "Legal aid for people fleeing Ukraine", name_uk: "Правова допомога людям, які виїхали з України", eligibility_en: "Anyone who fled Ukraine", eligibility_uk: "Усі, хто виїхав з України", name_ru: "Правовая помощь людям, уехавшим из Украины", eligibility_ru: "Все, кто уехал из Украины", name_local: "Jogi segítség az Ukrajnából menekülőknek", eligibility_local: "Bárki, aki Ukrajnából menekült", free: true, phone: "+36 1 800 900 (demo)" },
    Sample { country: Country::Hungary, organization: "Women's crisis line (demo)", service: ServiceKind::GbvSupport, name_en: "Confidential support for survivors of violence", name_uk: "Конфіденційна підтримка для постраждалих від насильства", eligibility_en: "Women and girls", eligibility_uk: "Жінки та дівчата", name_ru: "Конфиденциальная поддержка пострадавших от насилия", eligibility_ru: "Женщины и девочки", name_local: "Bizalmas támogatás erőszak túlélőinek", eligibility_local: "Nők és lányok", free: true, phone: "+36 1 800 901 (demo)" },
    Sample { country: Country::Italy, organization: "Municipal social services (demo)", service: ServiceKind::DocumentationSupport, name_en: "Help with residence permits and health card", name_uk: "Допомога з дозволом на проживання та медичною карткою", eligibility_en: "Holders of temporary protection", eligibility_uk: "Особи з тимчасовим захистом", name_ru: "Помощь с видом на жительство и медицинской картой", eligibility_ru: "Лица с временной защитой", name_local: "Aiuto per permesso di soggiorno e tessera sanitaria", eligibility_local: "Titolari di protezione temporanea", free: true, phone: "+39 06 800 900 (demo)" },
    Sample { country: Country::Italy, organization: "Child helpline (demo entry)", service: ServiceKind::ReferralChildProtection, name_en: "Helpline for children and adolescents", name_uk: "Гаряча лінія для дітей і підлітків", eligibility_en: "Children, adolescents and parents", eligibility_uk: "Діти, підлітки та батьки", name_ru: "Горячая линия для детей и подростков", eligibility_ru: "Дети, подростки и родители", name_local: "Linea di ascolto per bambini e adolescenti", eligibility_local: "Bambini, adolescenti e genitori", free: true, phone: "114" },
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
            name: Localized::new()
                .with(Lang::En, s.name_en)
                .with(Lang::Uk, s.name_uk)
                .with(Lang::Ru, s.name_ru)
                .with(s.country.language(), s.name_local),
            description: Localized::new(),
            address: Localized::new(),
            location: None,
            opening_hours: Some("Mo-Fr 09:00-17:00".to_owned()),
            contacts: vec![Contact {
                channel: MessagingApp::Phone,
                value: s.phone.to_owned(),
            }],
            website: None,
            eligibility: Localized::new()
                .with(Lang::En, s.eligibility_en)
                .with(Lang::Uk, s.eligibility_uk)
                .with(Lang::Ru, s.eligibility_ru)
                .with(s.country.language(), s.eligibility_local),
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
