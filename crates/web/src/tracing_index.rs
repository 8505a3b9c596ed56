//! The tracing matcher's index inside the server: built from the database at start, then kept
//! current by reading what changed since the last look (so several servers on one PostgreSQL
//! database all see what any of them records). A new child is matched against at once; a
//! record closed or a consent withdrawn leaves the index at the next refresh.
//!
//! Children without consent to tracing sit in a second matcher of their own: never shown to a
//! tracing worker, only used to tell that a registered child could match and that the child's
//! case worker should seek consent.

use bluedot_core::person::{Identity, Sex};
use bluedot_core::tracing_request::{RequesterInfo, Sought};
use bluedot_store::crypto::KeyRing;
use bluedot_store::people::PersonRecord;
use bluedot_store::tracing::TracingConsent;
use bluedot_store::{Store, StoreError};
use bluedot_tracing::{Match, Matcher, NameGroups, Person, Requester};
use chrono::{DateTime, Datelike, Duration, Utc};
use tokio::sync::RwLock;

pub struct TracingIndex {
    state: RwLock<State>,
}

struct State {
    /// Children with consent to tracing in force.
    matcher: Matcher,
    /// Children whose consent to tracing is missing.
    without_consent: Matcher,
    /// Changes up to this moment are in the matcher.
    current_to: DateTime<Utc>,
}

/// The server's index, built on first use; current with the database after this call.
pub async fn current<'a>(
    cell: &'a tokio::sync::OnceCell<TracingIndex>,
    store: &Store,
    keys: &KeyRing,
) -> Result<&'a TracingIndex, StoreError> {
    let index = cell
        .get_or_try_init(|| TracingIndex::build(store, keys))
        .await?;
    index.refresh(store, keys).await?;
    Ok(index)
}

/// How far back a refresh looks before the last one, so that a change committed by another
/// server while this one was reading is not missed.
const OVERLAP: i64 = 5;

fn person_of(record: &PersonRecord) -> Option<Person> {
    let identity: &Identity = record.identity.as_ref()?;
    let birth = identity.birth_date;
    Some(Person {
        id: record.id.to_string(),
        given_name: identity.given_name.clone(),
        family_name: identity.family_name.clone(),
        sex: match record.sex {
            Sex::Female => Some('f'),
            Sex::Male => Some('m'),
            _ => None,
        },
        birth_year: birth
            .map(|d| d.year())
            .or(identity.birth_year_estimated)
            .or(record.birth_year),
        birth_month_day: birth.map(|d| (d.month(), d.day())),
        age: None,
        place_of_origin: String::new(),
        mother_name: String::new(),
        father_name: String::new(),
    })
}

impl TracingIndex {
    /// Reads every child the matcher may compare.
    pub async fn build(store: &Store, keys: &KeyRing) -> Result<TracingIndex, StoreError> {
        let started = Utc::now();
        // Requests give ages as of now; children's birth years were fixed at registration.
        let new_matcher = || Matcher::new(NameGroups::built_in()).with_age_year(started.year());
        let (mut consented, mut not_yet) = (Vec::new(), Vec::new());
        for (record, consent) in store.children_for_tracing(keys).await? {
            if let Some(p) = person_of(&record) {
                match consent {
                    TracingConsent::Given => consented.push(p),
                    TracingConsent::Missing => not_yet.push(p),
                }
            }
        }
        let (mut matcher, mut without_consent) = (new_matcher(), new_matcher());
        matcher.add_all(&consented);
        without_consent.add_all(&not_yet);
        Ok(TracingIndex {
            state: RwLock::new(State {
                matcher,
                without_consent,
                current_to: started,
            }),
        })
    }

    /// Takes in what changed in the database since the last look.
    pub async fn refresh(&self, store: &Store, keys: &KeyRing) -> Result<usize, StoreError> {
        let since = self.state.read().await.current_to - Duration::seconds(OVERLAP);
        let started = Utc::now();
        let changes = store.tracing_changes_since(keys, since).await?;
        let mut state = self.state.write().await;
        for (id, traceable) in &changes {
            let id = id.to_string();
            state.matcher.remove(&id);
            state.without_consent.remove(&id);
            let Some((record, consent)) = traceable else {
                continue;
            };
            if let Some(p) = person_of(record) {
                match consent {
                    TracingConsent::Given => state.matcher.add(&p),
                    TracingConsent::Missing => state.without_consent.add(&p),
                }
            }
        }
        state.current_to = started;
        Ok(changes.len())
    }

    /// Takes an erased record out at once: erasure leaves no trace to refresh from.
    pub async fn forget(&self, person: uuid::Uuid) {
        let mut state = self.state.write().await;
        state.matcher.remove(&person.to_string());
        state.without_consent.remove(&person.to_string());
    }

    /// How many children the index compares.
    pub async fn children(&self) -> usize {
        self.state.read().await.matcher.len()
    }

    /// The best `top` registered children with consent to tracing for a request, with the
    /// evidence.
    pub async fn find(&self, sought: &Sought, requester: &RequesterInfo, top: usize) -> Vec<Match> {
        let (person, requester) = query_of(sought, requester);
        self.state
            .read()
            .await
            .matcher
            .find(&person, &requester, top)
    }

    /// The best `top` registered children without consent to tracing for a request: only for
    /// asking their case workers to seek it.
    pub async fn find_without_consent(
        &self,
        sought: &Sought,
        requester: &RequesterInfo,
        top: usize,
    ) -> Vec<Match> {
        let (person, requester) = query_of(sought, requester);
        self.state
            .read()
            .await
            .without_consent
            .find(&person, &requester, top)
    }
}

fn query_of(sought: &Sought, requester: &RequesterInfo) -> (Person, Requester) {
    let person = Person {
        id: String::new(),
        given_name: sought.given_name.clone(),
        family_name: sought.family_name.clone(),
        sex: sought.sex,
        birth_year: sought.birth_date.map(|d| d.year()).or(sought.birth_year),
        birth_month_day: sought.birth_date.map(|d| (d.month(), d.day())),
        age: sought.age,
        place_of_origin: sought.place_of_origin.clone(),
        mother_name: String::new(),
        father_name: String::new(),
    };
    let requester = Requester {
        name: requester.name.clone(),
        relation: requester.relation.clone(),
    };
    (person, requester)
}
