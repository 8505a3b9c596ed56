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
    free: bool,
    phone: &'static str,
}

#[rustfmt::skip]
const SAMPLES: &[Sample] = &[
    Sample { country: Country::Romania, organization: "Legal aid network (demo)", service: ServiceKind::LegalCounselling, name_en: "Free legal counselling for refugees", name_uk: "Безоплатні юридичні консультації для біженців", eligibility_en: "Anyone who fled Ukraine", eligibility_uk: "Усі, хто виїхав з України", free: true, phone: "+40 21 800 900 (demo)" },
    Sample { country: Country::Romania, organization: "County child protection directorate (demo)", service: ServiceKind::ReferralChildProtection, name_en: "Child protection services", name_uk: "Служба захисту дітей", eligibility_en: "Children at risk and unaccompanied children", eligibility_uk: "Діти в групі ризику та діти без супроводу", free: true, phone: "119" },
    Sample { country: Country::Moldova, organization: "Legal centre (demo)", service: ServiceKind::TemporaryProtection, name_en: "Help with temporary protection applications", name_uk: "Допомога з оформленням тимчасового захисту", eligibility_en: "Citizens of Ukraine and their family members", eligibility_uk: "Громадяни України та члени їхніх родин", free: true, phone: "+373 22 800 900 (demo)" },
    Sample { country: Country::Moldova, organization: "Psychological support line (demo)", service: ServiceKind::PsychosocialSupport, name_en: "Psychological support by phone in Ukrainian and Russian", name_uk: "Психологічна підтримка телефоном українською та російською", eligibility_en: "Everyone", eligibility_uk: "Усі охочі", free: true, phone: "+373 22 800 901 (demo)" },
    Sample { country: Country::Poland, organization: "Legal aid foundation (demo)", service: ServiceKind::LegalCounselling, name_en: "Legal advice on residence and work", name_uk: "Юридичні консультації щодо перебування та роботи", eligibility_en: "People with PESEL UKR status", eligibility_uk: "Особи зі статусом PESEL UKR", free: true, phone: "+48 22 800 900 (demo)" },
    Sample { country: Country::Poland, organization: "Municipal family support centre (demo)", service: ServiceKind::PsychosocialSupport, name_en: "Family support and counselling", name_uk: "Підтримка та консультування родин", eligibility_en: "Families with children", eligibility_uk: "Родини з дітьми", free: true, phone: "+48 22 800 901 (demo)" },
    Sample { country: Country::Bulgaria, organization: "State Agency for Refugees (demo entry)", service: ServiceKind::TemporaryProtection, name_en: "Temporary protection registration", name_uk: "Реєстрація тимчасового захисту", eligibility_en: "Citizens of Ukraine and their family members", eligibility_uk: "Громадяни України та члени їхніх родин", free: true, phone: "+359 2 800 900 (demo)" },
    Sample { country: Country::Bulgaria, organization: "Maternity clinic (demo)", service: ServiceKind::HealthNutritionAdvice, name_en: "Antenatal care and baby health checks", name_uk: "Нагляд під час вагітності та огляди немовлят", eligibility_en: "Pregnant women and babies under one year", eligibility_uk: "Вагітні жінки та діти до року", free: true, phone: "+359 2 800 901 (demo)" },
    Sample { country: Country::Slovakia, organization: "Counselling centre (demo)", service: ServiceKind::LegalCounselling, name_en: "Counselling on temporary refuge", name_uk: "Консультації щодо тимчасового притулку", eligibility_en: "Holders of temporary refuge", eligibility_uk: "Особи з тимчасовим притулком", free: true, phone: "+421 2 800 900 (demo)" },
    Sample { country: Country::Slovakia, organization: "Private language school (demo)", service: ServiceKind::EarlyLearning, name_en: "Slovak lessons for children", name_uk: "Уроки словацької для дітей", eligibility_en: "Children aged 6 to 15", eligibility_uk: "Діти від 6 до 15 років", free: false, phone: "+421 2 800 901 (demo)" },
    Sample { country: Country::Hungary, organization: "Refugee legal aid (demo)", service: ServiceKind::LegalCounselling, name_en: "Legal aid for people fleeing Ukraine", name_uk: "Правова допомога людям, які виїхали з України", eligibility_en: "Anyone who fled Ukraine", eligibility_uk: "Усі, хто виїхав з України", free: true, phone: "+36 1 800 900 (demo)" },
    Sample { country: Country::Hungary, organization: "Women's crisis line (demo)", service: ServiceKind::GbvSupport, name_en: "Confidential support for survivors of violence", name_uk: "Конфіденційна підтримка для постраждалих від насильства", eligibility_en: "Women and girls", eligibility_uk: "Жінки та дівчата", free: true, phone: "+36 1 800 901 (demo)" },
    Sample { country: Country::Italy, organization: "Municipal social services (demo)", service: ServiceKind::DocumentationSupport, name_en: "Help with residence permits and health card", name_uk: "Допомога з дозволом на проживання та медичною карткою", eligibility_en: "Holders of temporary protection", eligibility_uk: "Особи з тимчасовим захистом", free: true, phone: "+39 06 800 900 (demo)" },
    Sample { country: Country::Italy, organization: "Child helpline (demo entry)", service: ServiceKind::ReferralChildProtection, name_en: "Helpline for children and adolescents", name_uk: "Гаряча лінія для дітей і підлітків", eligibility_en: "Children, adolescents and parents", eligibility_uk: "Діти, підлітки та батьки", free: true, phone: "114" },
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
                .with(Lang::Uk, s.name_uk),
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
                .with(Lang::Uk, s.eligibility_uk),
            languages: vec!["uk".to_owned(), "ru".to_owned(), "en".to_owned()],
            free_of_charge: s.free,
            fees: if s.free {
                Localized::new()
            } else {
                Localized::new()
                    .with(Lang::En, "A fee applies; ask about reductions.")
                    .with(Lang::Uk, "Послуга платна; запитайте про знижки.")
            },
            verified_at: days_ago(now, 3 + n as i64 * 3),
            is_demo: true,
        })
        .collect()
}
