site-name = Digital Blue Dot
site-description = Find a Blue Dot support hub for refugees from Ukraine: services, opening hours, your rights and how to stay safe.
skip-to-content = Skip to content
language = Language
nav-label = Main
nav-find = Find a hub
nav-list = All hubs
nav-map = Map
nav-info = Your rights and help
offline-note = You are offline. This page was saved on
demo-note = Demonstration data: these hubs, numbers and texts are examples, not real contacts.
footer-emergency = In an emergency call 112, free from any phone.
footer-privacy = This site uses no trackers and stores nothing about you. Your location is only used in your browser to find hubs near you.
footer-open-data = Open data
footer-updated = Updated

home-title = Find a Blue Dot near you
home-lead = Blue Dots are free, safe places for children and families fleeing Ukraine: information, rest, play, psychological support, legal advice and help to find family.
search-town-label = Town or city
search-town-placeholder = e.g. Siret, Przemyśl, Chișinău
search-button = Search
locate-button = Use my location
locate-failed = Your location could not be found. Type a town instead.
locate-hint = Your location stays in your browser; it is only used to sort hubs by distance.
search-country-label = Or choose a country
choose-country = Choose a country
show-button = Show hubs
did-you-mean = Did you mean:
no-hubs-found = No hubs found.
see-all-hubs = See all hubs and filter by service
home-info-heading = Your rights and where to get help
home-info-lead = Rights and temporary protection, services, staying safe, finding family, emergency numbers:
nearest-to-you = Hubs nearest to you
nearest-to = Hubs nearest to { $place }
hubs-in = Hubs in { $country }
town-not-found = We could not find “{ $query }”. Check the spelling, try a nearby larger town, or choose a country.

list-title = All Blue Dot hubs
filter-service = Service
filter-any = Any service
filter-group = For
filter-anyone = Anyone
filter-country = Country
filter-any-country = Any country
filter-apply = Show
filter-clear = Clear filters
hubs-count = { $count ->
    [one] { $count } hub
   *[other] { $count } hubs
}

unverified-since = Not checked since { $date }: call before you go.
demo-badge = demo
text-not-translated = This text is not yet available in your language; it is shown in another language.
hub-services = Services
for = for
service-own-hours = Its own hours
service-given-in = In { $languages }
service-run-by = Run by { $organization }
service-eligibility = Who can use it
hub-hours = Opening hours
hours-local-time = Local time.
hub-how-to-get = How to get there
coordinates = Coordinates
open-in-maps = Open in maps app
show-on-map = Show on map
hub-contacts = Contacts
hub-languages = Languages spoken
hub-accessibility = Accessibility
hub-partners = Run by
last-verified = Information last checked on { $date }

map-title = Map of Blue Dot hubs
open-hub-page = Details
map-no-script = The map needs JavaScript. All hubs are also in the list:

info-title = Your rights and help
info-lead = Choose the country you are in.
info-country-title = Help in { $country }
emergency-heading = Emergency numbers
info-topics = What you need to know
providers-heading = Other services
provider-eligibility = Who can use it
free-of-charge = Free of charge
fee-applies = A fee applies

error-not-found-title = Page not found
error-not-found = We could not find this page. The link may be mistyped or out of date: start again from the home page.
error-bad-request-title = Please check your request
error-bad-request = What was sent could not be read. Please go back and try again.
error-internal-title = Something went wrong
error-internal = Something went wrong on our side. Please try again in a moment.
error-back-home = Back to the start
error-query-too-long = The town name is too long. Type at most 100 characters.
error-unknown-country = This country is not in the list. Choose one from the list.
error-bad-coordinates = The location is not valid. Use the button or type a town instead.
error-unknown-service = This service is not in the list. Choose one from the list.
error-unknown-group = This group is not in the list. Choose one from the list.

status-closed = Closed
status-temporarily-closed = Temporarily closed
hours-unknown = Opening hours unknown: call before you go
open-always = Open 24 hours
every-day = Every day
open-until = Open now · until { $time }
closed-opens = Closed now · opens { $time }
day-closed = Closed
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
distance-km = { $km } km

kind-border-crossing = Border crossing
kind-station = Train or bus station
kind-registration-site = Registration site
kind-cash-point = Cash assistance point
kind-reception-centre = Reception centre or shelter
kind-community-centre = Community centre
kind-mobile-team-base = Mobile team base

country-bg = Bulgaria
country-hu = Hungary
country-it = Italy
country-md = Moldova
country-pl = Poland
country-ro = Romania
country-sk = Slovakia
country-ua = Ukraine

area-child-protection = Child protection
area-psychosocial = Psychological support and spaces for children
area-legal = Legal aid
area-information = Information
area-protection = Protection from violence
area-basic-needs = Health, rest and supplies

service-child-protection-assessment = Identification and assessment of children at risk
service-referral-child-protection = Referral to child protection services
service-family-tracing = Family tracing and reunification
service-child-friendly-space = Child-friendly space
service-adolescent-space = Space and activities for adolescents
service-mother-baby-space = Mother and baby space
service-psychological-first-aid = Psychological first aid
service-psychosocial-support = Psychosocial support
service-legal-counselling = Legal counselling
service-temporary-protection = Help with temporary protection and asylum
service-documentation-support = Help with documents
service-birth-registration = Birth registration
service-information-desk = Information desk
service-wifi-charging = Wi-Fi and phone charging
service-interpretation = Interpreters
service-gbv-support = Support for survivors of violence
service-first-aid = First aid
service-health-nutrition-advice = Health and nutrition advice
service-hygiene = Hygiene
service-supplies = Blankets, clothes, hygiene kits, baby food
service-rest-area = Rest area
service-early-learning = Early learning and informal education
service-vulnerable-registration = Registration of people with specific needs
service-mobile-team = Mobile team

group-children = children
group-adolescents = adolescents
group-uasc = children without parents
group-women-young-children = women with young children
group-pregnant-breastfeeding = pregnant and breastfeeding women
group-disability = people with disabilities
group-medical-needs = people with medical needs
group-older-persons = older people
group-trafficking-risk = people at risk of trafficking
group-gbv-survivors = survivors of violence
group-lgbtiq = LGBTIQ+ people

contact-phone = Phone
contact-whatsapp = WhatsApp
contact-viber = Viber
contact-telegram = Telegram
contact-signal = Signal
contact-email = E-mail
wheelchair-yes = Wheelchair accessible
wheelchair-limited = Partly wheelchair accessible
wheelchair-no = Not wheelchair accessible
wheelchair-unknown = Wheelchair access unknown
language-code = language { $code }
emergency-general = police, ambulance, fire brigade
emergency-child-helpline = helpline for children
organization-description = Blue Dot support hubs run with UNICEF, UNHCR, the host government and local partners.

## Referral slip, printed for the person to take to the provider
slip-title = Referral
slip-reference = Reference
slip-service = Service
slip-where = Where to go
slip-hours = Opening hours
slip-contacts = Contacts
slip-when = When
slip-show = Show this slip when you arrive. You do not have to show it to anyone else.
slip-free = Services of the Blue Dot network are free of charge. No one may ask you for money, documents or favours in exchange for help.
slip-ask-hub = Ask at the Blue Dot hub
slip-role-social-worker = social worker
slip-role-psychosocial = psychologist
slip-role-legal-aid = legal aid
slip-urgency-high = Please go today.
slip-urgency-medium = Please go within 3 days.
slip-urgency-low = Please go within a week.

## Family tracing: the public request form
trace-title = Looking for a child?
trace-lead = If you have lost contact with your child or a child of your family, tell us. Blue Dot staff search in confidence and call you back.
trace-child = The child you are looking for
trace-given = Given name
trace-family = Family name
trace-age = Age (approximately)
trace-place = Town the child comes from
trace-you = About you
trace-your-name = Your name
trace-relation = You are the child's
trace-relation-mother = mother
trace-relation-father = father
trace-relation-grandmother = grandmother
trace-relation-grandfather = grandfather
trace-relation-aunt = aunt
trace-relation-uncle = uncle
trace-relation-sibling = sister or brother
trace-relation-other = other relative or guardian
trace-phone = Phone number to call you back
trace-hub = The Blue Dot hub nearest to you
trace-send = Send
trace-thanks-title = Thank you
trace-thanks = We have your request. Staff will call you back to check who you are before the search begins. For the child's safety we never say online whether a child is registered.
trace-error = Please give the child's name, your name, how you are related, and a phone number (6 to 15 digits).
trace-too-many = Too many requests from this connection just now. Please wait a few minutes and try again.

figures-public-title = Blue Dot in figures
figures-public-summary = { $people } people supported by { $hubs ->
        [one] one hub
       *[other] { $hubs } hubs
    } in { $countries ->
        [one] one country
       *[other] { $countries } countries
    }.
figures-public-children = Among them { $children } children.
figures-public-country = Country
figures-public-hubs = Hubs
figures-public-people = People supported
figures-public-children-col = Children
figures-public-how = Counted from the visits the hubs record: every person in a group that came to a hub, each time they came. No names are counted; a count below 5 is shown as "<5".
footer-figures = In figures
closed-until = Closed · until { $time }
closure-closed = Closed from { $from } to { $to }
closure-changed-hours = Changed hours from { $from } to { $to }: { $hours }
nearest-open-alternative = Nearest hub open now
closed-for-good = This hub has closed for good. Other hubs nearby are listed on the map and in the list.
offline-title = This page is not saved on this phone
offline-not-saved = You are offline, and this page was never opened here while there was a connection, so it could not be saved. Pages you have opened before work without a connection.
offline-saved-heading = Saved on this phone
offline-emergency = In an emergency call 112: it works without mobile data.
open-data-title = Open data
open-data-lead = Everything this site shows about hubs and services is open data: other websites, apps, chatbots and hotlines can show the same up-to-date information. It never holds anything about the people who come to the hubs.
open-data-standard = The data follows the Human Services Data Specification (HSDS 3), the standard for directories of social services, so tools made for it can read it as it is. Answers are in JSON.
open-data-lists-heading = Lists you can ask for
open-data-services = Every service of the hubs and of other organisations, with its hours, languages and who may use it.
open-data-service-at-locations = Services where they are given; with a position, the nearest first.
open-data-locations = The places: address, position, opening hours and accessibility.
open-data-organizations = The organisations that run the hubs and services.
open-data-params-heading = Narrowing a list
open-data-param-lang = Texts in one of the site's languages: uk, ru, en, pl, ro, hu, sk, bg, it.
open-data-param-country = Only one country, by its two-letter code, e.g. RO or MD.
open-data-param-service = Only one kind of service, by its code, e.g. legal-counselling.
open-data-param-near = A position in degrees and a distance in kilometres: what is within that distance.
open-data-param-page = Lists come in pages: 50 entries by default, at most 500.
open-data-example = Example: legal advice in Romania, with texts in your language:
open-data-openapi = The full description for programmers (OpenAPI)
open-data-reuse = Reuse is free. Please name the Blue Dot network as the source and show when each entry was last checked, as this site does.
