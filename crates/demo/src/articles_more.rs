//! Demo information articles in the site's other six languages (Polish, Romanian, Hungarian,
//! Slovak, Bulgarian, Italian), written from templates with each country's facts, as the
//! English, Ukrainian and Russian ones are.

use bluedot_core::article::Topic;
use bluedot_core::{Country, Lang};

/// Title, summary and body templates of each topic; `{in}` is "in <country>", and `{status}`,
/// `{authority}`, `{general}` and `{child}` the country's facts.
type Templates = [(Topic, [&'static str; 3]); 5];

pub struct Language {
    pub lang: Lang,
    /// "in <country>" for each country, in `Country::ALL` order.
    in_country: [&'static str; 7],
    status: &'static str,
    /// Where to apply for the status, in `Country::ALL` order.
    authority: [&'static str; 7],
    pub demo_note: &'static str,
    topics: Templates,
}

pub const LANGUAGES: [Language; 6] = [
    Language {
        lang: Lang::Pl,
        in_country: [
            "w Bułgarii",
            "na Węgrzech",
            "we Włoszech",
            "w Mołdawii",
            "w Polsce",
            "w Rumunii",
            "na Słowacji",
        ],
        status: "ochrona czasowa",
        authority: [
            "Państwowa Agencja ds. Uchodźców",
            "Krajowa Dyrekcja Generalna ds. Policji Cudzoziemców",
            "kwestura (wojewódzka komenda policji)",
            "Generalny Inspektorat ds. Migracji",
            "urząd gminy",
            "Generalny Inspektorat ds. Imigracji",
            "policja cudzoziemska",
        ],
        demo_note: "*Treść demonstracyjna: sprawdź szczegóły w Niebieskim Punkcie, zanim zaczniesz działać.*",
        topics: [
            (
                Topic::Rights,
                [
                    "Twoje prawa {in}",
                    "Osoby uciekające z Ukrainy mogą otrzymać {in}: {status}.",
                    "Osoby, które uciekły przed wojną w Ukrainie, mogą {in} otrzymać status: **{status}**. Gdzie złożyć wniosek: {authority}; jest to bezpłatne.\n\nZ tym statusem możesz:\n\n- legalnie przebywać w kraju i otrzymać dokument pobytowy;\n- pracować bez osobnego zezwolenia;\n- korzystać z publicznej opieki zdrowotnej;\n- posłać dzieci do szkoły i przedszkola;\n- otrzymywać pomoc społeczną i pomoc w znalezieniu mieszkania.\n\nMiej przy sobie paszport lub akty urodzenia. Dzieci bez dokumentów też można zarejestrować: pomoże prawnik Niebieskiego Punktu.",
                ],
            ),
            (
                Topic::Services,
                [
                    "Gdzie szukać pomocy",
                    "Jakie usługi są dostępne {in}, kto je zapewnia i jak do nich dotrzeć.",
                    "W każdym Niebieskim Punkcie pracują pracownicy socjalni, psycholodzy, prawnicy i tłumacze, którzy mogą skierować Cię do służb państwowych {in}: ochrony dzieci, opieki zdrowotnej, szkół, pomocy społecznej i mieszkaniowej.\n\nAby skorzystać z usługi, przyjdź do najbliższego Niebieskiego Punktu lub zadzwoń: pracownicy wyjaśnią, kto świadczy usługę, czy jest bezpłatna, a w razie potrzeby pójdą z Tobą lub umówią wizytę. Katalog na tej stronie zawiera punkty i innych usługodawców z godzinami otwarcia.",
                ],
            ),
            (
                Topic::StayingSafe,
                [
                    "Jak zadbać o bezpieczeństwo",
                    "Sygnały ostrzegawcze handlu ludźmi i czego nikt nie może od Ciebie żądać.",
                    "Większość ofert pomocy jest szczera, ale handlarze ludźmi także czekają na granicach i dworcach.\n\n**Uważaj, jeśli ktoś:**\n\n- oferuje darmowy transport, mieszkanie lub dobrze płatną pracę za granicą bez pisemnej umowy;\n- prosi o zatrzymanie Twojego paszportu lub dokumentów dzieci;\n- prosi, byś zostawiła z nim dzieci lub jechała bez nich;\n- odmawia pokazania własnego dokumentu.\n\n**Nikt nie może żądać** pieniędzy, seksu ani Twoich dokumentów w zamian za pomoc, transport czy mieszkanie. Pomoc w Niebieskim Punkcie jest zawsze bezpłatna.\n\nZrób zdjęcie kierowcy, tablicy rejestracyjnej i jego dokumentu i wyślij je zaufanej osobie. Jeśli czujesz się zagrożona, dzwoń pod **{general}**.",
                ],
            ),
            (
                Topic::FamilyReunification,
                [
                    "Poszukiwanie rodziny i łączenie rodzin",
                    "Jeśli w drodze straciłaś kontakt z dzieckiem lub krewnym.",
                    "Jeśli rozdzielono Cię z dzieckiem lub krewnym, od razu powiedz o tym pracownikom dowolnego Niebieskiego Punktu. Pracownicy socjalni zarejestrują poszukiwanie, porównają je z dziećmi zarejestrowanymi w punktach i będą współpracować ze służbami ochrony dzieci {in} i w innych krajach.\n\nDla bezpieczeństwa dziecka nikomu nie mówimy, gdzie jest dziecko, dopóki pokrewieństwo nie zostanie sprawdzone. Przynieś dokument lub zdjęcie potwierdzające pokrewieństwo. Łączenie rodzin odbywa się razem ze służbami ochrony dzieci.",
                ],
            ),
            (
                Topic::Emergency,
                [
                    "Numery alarmowe",
                    "{general}: policja, pogotowie, straż pożarna; {child}: pomoc dla dzieci.",
                    "- **{general}**: policja, pogotowie ratunkowe, straż pożarna. Bezpłatnie z każdego telefonu, także bez karty SIM.\n- **{child}**: telefon zaufania dla dzieci i dorosłych zaniepokojonych o dziecko.\n\nPowiedz, gdzie jesteś, co się stało i ile osób potrzebuje pomocy. Jeśli nie mówisz w miejscowym języku, powiedz „Ukrainian” lub „English”: często można połączyć tłumacza.",
                ],
            ),
        ],
    },
    Language {
        lang: Lang::Ro,
        in_country: [
            "în Bulgaria",
            "în Ungaria",
            "în Italia",
            "în Republica Moldova",
            "în Polonia",
            "în România",
            "în Slovacia",
        ],
        status: "protecție temporară",
        authority: [
            "Agenția de Stat pentru Refugiați",
            "Direcția Generală Națională pentru Poliția de Străini",
            "Questura (sediul provincial al poliției)",
            "Inspectoratul General pentru Migrație",
            "primăria (urząd gminy)",
            "Inspectoratul General pentru Imigrări",
            "Poliția pentru străini",
        ],
        demo_note: "*Conținut demonstrativ: verificați detaliile la un Punct Albastru înainte de a acționa.*",
        topics: [
            (
                Topic::Rights,
                [
                    "Drepturile dumneavoastră {in}",
                    "Persoanele care fug din Ucraina pot primi {in} {status}.",
                    "Persoanele care au fugit de războiul din Ucraina pot primi {in} **{status}**. Unde depuneți cererea: {authority}; este gratuit.\n\nCu acest statut puteți:\n\n- să stați legal și să primiți un document de ședere;\n- să lucrați fără un permis separat;\n- să folosiți asistența medicală publică;\n- să dați copiii la școală și la grădiniță;\n- să primiți asistență socială și ajutor pentru locuință.\n\nPăstrați la dumneavoastră pașaportul sau certificatele de naștere. Și copiii fără acte pot fi înregistrați: juristul Punctului Albastru vă ajută.",
                ],
            ),
            (
                Topic::Services,
                [
                    "Unde primiți ajutor",
                    "Ce servicii există {in}, cine le oferă și cum ajungeți la ele.",
                    "Fiecare Punct Albastru are asistenți sociali, psihologi, juriști și interpreți care vă pot îndruma către serviciile publice {in}: protecția copilului, asistență medicală, școli, asistență socială și locuință.\n\nCa să ajungeți la un serviciu, veniți la cel mai apropiat Punct Albastru sau sunați: personalul vă explică cine oferă serviciul, dacă este gratuit și, la nevoie, merge cu dumneavoastră sau anunță dinainte. Catalogul de pe acest site cuprinde centrele și alți furnizori, cu programul lor.",
                ],
            ),
            (
                Topic::StayingSafe,
                [
                    "Cum să rămâneți în siguranță",
                    "Semnele traficului de persoane și ce nu vă poate cere nimeni.",
                    "Cele mai multe oferte de ajutor sunt sincere, dar și traficanții așteaptă la granițe și în gări.\n\n**Fiți atenți dacă cineva:**\n\n- oferă transport, locuință sau un loc de muncă bine plătit în străinătate fără contract scris;\n- cere să vă păstreze pașaportul sau actele copiilor;\n- vă cere să lăsați copiii cu el sau să plecați fără ei;\n- refuză să-și arate propriul act de identitate.\n\n**Nimeni nu vă poate cere** bani, sex sau actele dumneavoastră în schimbul ajutorului, transportului sau locuinței. Ajutorul la un Punct Albastru este mereu gratuit.\n\nFotografiați șoferul, numărul mașinii și actul lui și trimiteți pozele cuiva de încredere. Dacă nu vă simțiți în siguranță, sunați la **{general}**.",
                ],
            ),
            (
                Topic::FamilyReunification,
                [
                    "Căutarea familiei și reunificarea",
                    "Dacă ați pierdut legătura cu un copil sau o rudă pe drum.",
                    "Dacă ați fost despărțiți de un copil sau de o rudă, spuneți imediat personalului oricărui Punct Albastru. Asistenții sociali înregistrează căutarea, o compară cu copiii înregistrați la centre și lucrează cu serviciile de protecție a copilului {in} și din alte țări.\n\nPentru siguranța copilului, nu spunem nimănui unde se află un copil până nu este verificată legătura de rudenie. Aduceți orice act sau fotografie care arată că sunteți rude. Reunificarea se face împreună cu autoritățile de protecție a copilului.",
                ],
            ),
            (
                Topic::Emergency,
                [
                    "Numere de urgență",
                    "{general}: poliție, ambulanță, pompieri; {child}: ajutor pentru copii.",
                    "- **{general}**: poliție, ambulanță, pompieri. Gratuit de pe orice telefon, și fără cartelă SIM.\n- **{child}**: linie de ajutor pentru copii și pentru adulții îngrijorați pentru un copil.\n\nSpuneți unde sunteți, ce s-a întâmplat și câți oameni au nevoie de ajutor. Dacă nu vorbiți limba locală, spuneți „Ukrainian” sau „English”: adesea se poate conecta un interpret.",
                ],
            ),
        ],
    },
    Language {
        lang: Lang::Hu,
        in_country: [
            "Bulgáriában",
            "Magyarországon",
            "Olaszországban",
            "Moldovában",
            "Lengyelországban",
            "Romániában",
            "Szlovákiában",
        ],
        status: "ideiglenes védelmet",
        authority: [
            "az Állami Menekültügyi Ügynökség",
            "az Országos Idegenrendészeti Főigazgatóság",
            "a Questura (tartományi rendőr-főkapitányság)",
            "a Migrációs Főfelügyelőség",
            "a községi hivatal (urząd gminy)",
            "a Bevándorlási Főfelügyelőség",
            "az idegenrendészeti rendőrség",
        ],
        demo_note: "*Bemutató tartalom: mielőtt cselekszik, ellenőrizze a részleteket egy Kék Pontban.*",
        topics: [
            (
                Topic::Rights,
                [
                    "Az Ön jogai – {in}",
                    "Az Ukrajnából menekülők {in} {status} kaphatnak.",
                    "Az Ukrajnában dúló háború elől menekült emberek {in} **{status}** kaphatnak. Hol kell kérelmezni: {authority}; a kérelem ingyenes.\n\nEzzel a jogállással Ön:\n\n- jogszerűen tartózkodhat az országban, és tartózkodási okmányt kap;\n- külön engedély nélkül dolgozhat;\n- igénybe veheti az állami egészségügyi ellátást;\n- iskolába és óvodába írathatja a gyerekeit;\n- szociális támogatást és lakhatási segítséget kaphat.\n\nTartsa magánál az útlevelét vagy a születési anyakönyvi kivonatokat. Az iratok nélküli gyermekek is nyilvántartásba vehetők: a Kék Pont jogásza segít.",
                ],
            ),
            (
                Topic::Services,
                [
                    "Hol kaphat segítséget",
                    "Milyen szolgáltatások vannak {in}, ki nyújtja őket, és hogyan érhetők el.",
                    "Minden Kék Pontban szociális munkások, pszichológusok, jogászok és tolmácsok dolgoznak, akik továbbirányíthatják Önt az állami szolgáltatásokhoz {in}: gyermekvédelem, egészségügy, iskolák, szociális ellátás és lakhatás.\n\nHa igénybe venne egy szolgáltatást, jöjjön el a legközelebbi Kék Pontba vagy hívja fel: a munkatársak elmagyarázzák, ki nyújtja a szolgáltatást, ingyenes-e, és ha kell, elkísérik vagy előre telefonálnak. Az oldal jegyzéke a pontokat és más szolgáltatókat nyitvatartással együtt mutatja.",
                ],
            ),
            (
                Topic::StayingSafe,
                [
                    "Hogyan maradjon biztonságban",
                    "Az emberkereskedelem figyelmeztető jelei, és amit senki sem kérhet Öntől.",
                    "A segítő ajánlatok többsége őszinte, de emberkereskedők is várnak a határokon és a pályaudvarokon.\n\n**Legyen óvatos, ha valaki:**\n\n- ingyenes utazást, szállást vagy jól fizető külföldi munkát ajánl írásos szerződés nélkül;\n- el akarja tenni az útlevelét vagy a gyerekei iratait;\n- azt kéri, hogy hagyja nála a gyerekeit, vagy utazzon nélkülük;\n- nem hajlandó megmutatni a saját igazolványát.\n\n**Senki sem kérhet** Öntől pénzt, szexet vagy iratokat segítségért, fuvarért vagy szállásért cserébe. A Kék Pont segítsége mindig ingyenes.\n\nFényképezze le a sofőrt, a rendszámot és az igazolványát, és küldje el valakinek, akiben megbízik. Ha nem érzi magát biztonságban, hívja a **{general}** számot.",
                ],
            ),
            (
                Topic::FamilyReunification,
                [
                    "Családtagok keresése és újraegyesítés",
                    "Ha útközben elvesztette a kapcsolatot egy gyermekkel vagy rokonnal.",
                    "Ha elszakadt egy gyermektől vagy rokontól, azonnal szóljon bármelyik Kék Pont munkatársainak. A szociális munkások rögzítik a keresést, összevetik a pontokon nyilvántartott gyermekekkel, és együttműködnek a gyermekvédelmi szolgálatokkal {in} és más országokban.\n\nA gyermek biztonsága érdekében senkinek sem mondjuk meg, hol van egy gyermek, amíg a rokonságot nem ellenőriztük. Hozzon magával iratot vagy fényképet, amely igazolja a rokonságot. Az újraegyesítést a gyermekvédelmi hatóságokkal együtt szervezzük.",
                ],
            ),
            (
                Topic::Emergency,
                [
                    "Segélyhívó számok",
                    "{general}: rendőrség, mentők, tűzoltók; {child}: segítség gyerekeknek.",
                    "- **{general}**: rendőrség, mentők, tűzoltóság. Bármely telefonról ingyenes, SIM-kártya nélkül is.\n- **{child}**: segélyvonal gyerekeknek és a gyermekért aggódó felnőtteknek.\n\nMondja meg, hol van, mi történt, és hány embernek kell segítség. Ha nem beszéli a helyi nyelvet, mondja: „Ukrainian” vagy „English”: gyakran tolmácsot is tudnak kapcsolni.",
                ],
            ),
        ],
    },
    Language {
        lang: Lang::Sk,
        in_country: [
            "v Bulharsku",
            "v Maďarsku",
            "v Taliansku",
            "v Moldavsku",
            "v Poľsku",
            "v Rumunsku",
            "na Slovensku",
        ],
        status: "dočasnú ochranu",
        authority: [
            "Štátna agentúra pre utečencov",
            "Národné generálne riaditeľstvo cudzineckej polície",
            "Questura (provinčné riaditeľstvo polície)",
            "Generálny inšpektorát pre migráciu",
            "obecný úrad (urząd gminy)",
            "Generálny inšpektorát pre imigráciu",
            "cudzinecká polícia",
        ],
        demo_note: "*Ukážkový obsah: pred konaním si over podrobnosti v Modrom bode.*",
        topics: [
            (
                Topic::Rights,
                [
                    "Vaše práva {in}",
                    "Ľudia utekajúci z Ukrajiny môžu {in} dostať {status}.",
                    "Ľudia, ktorí utiekli pred vojnou na Ukrajine, môžu {in} dostať **{status}**. Kde podať žiadosť: {authority}; je to bezplatné.\n\nS týmto postavením môžete:\n\n- legálne zostať v krajine a dostať doklad o pobyte;\n- pracovať bez osobitného povolenia;\n- využívať verejnú zdravotnú starostlivosť;\n- dať deti do školy a škôlky;\n- dostávať sociálnu pomoc a pomoc s bývaním.\n\nMajte pri sebe pas alebo rodné listy. Aj deti bez dokladov možno zaregistrovať: pomôže právnik Modrého bodu.",
                ],
            ),
            (
                Topic::Services,
                [
                    "Kde nájsť pomoc",
                    "Aké služby sú {in}, kto ich poskytuje a ako sa k nim dostať.",
                    "V každom Modrom bode pracujú sociálni pracovníci, psychológovia, právnici a tlmočníci, ktorí vás môžu odporučiť na štátne služby {in}: ochranu detí, zdravotnú starostlivosť, školy, sociálnu pomoc a bývanie.\n\nAk chcete využiť službu, príďte do najbližšieho Modrého bodu alebo zavolajte: pracovníci vysvetlia, kto službu poskytuje, či je bezplatná, a v prípade potreby pôjdu s vami alebo vopred zavolajú. Adresár na tejto stránke uvádza centrá a iných poskytovateľov s otváracími hodinami.",
                ],
            ),
            (
                Topic::StayingSafe,
                [
                    "Ako zostať v bezpečí",
                    "Varovné znaky obchodovania s ľuďmi a čo od vás nikto nesmie žiadať.",
                    "Väčšina ponúk pomoci je úprimná, ale obchodníci s ľuďmi čakajú aj na hraniciach a staniciach.\n\n**Buďte opatrní, ak niekto:**\n\n- ponúka bezplatnú dopravu, bývanie alebo dobre platenú prácu v zahraničí bez písomnej zmluvy;\n- chce si nechať váš pas alebo doklady detí;\n- žiada, aby ste mu nechali deti alebo cestovali bez nich;\n- odmieta ukázať vlastný doklad.\n\n**Nikto od vás nesmie žiadať** peniaze, sex ani vaše doklady výmenou za pomoc, dopravu alebo bývanie. Pomoc v Modrom bode je vždy bezplatná.\n\nOdfoťte vodiča, evidenčné číslo auta a jeho doklad a pošlite to niekomu, komu dôverujete. Ak sa necítite v bezpečí, volajte **{general}**.",
                ],
            ),
            (
                Topic::FamilyReunification,
                [
                    "Hľadanie rodiny a zlúčenie",
                    "Ak ste cestou stratili kontakt s dieťaťom alebo príbuzným.",
                    "Ak ste boli oddelení od dieťaťa alebo príbuzného, hneď to povedzte pracovníkom ktoréhokoľvek Modrého bodu. Sociálni pracovníci zaevidujú pátranie, porovnajú ho s deťmi zaregistrovanými v centrách a budú spolupracovať so službami ochrany detí {in} aj v iných krajinách.\n\nPre bezpečnosť dieťaťa nikomu nepovieme, kde dieťa je, kým sa neoverí príbuzenský vzťah. Prineste doklad alebo fotografiu, ktorá dokazuje príbuzenstvo. Zlúčenie sa zabezpečuje spolu s orgánmi ochrany detí.",
                ],
            ),
            (
                Topic::Emergency,
                [
                    "Tiesňové čísla",
                    "{general}: polícia, záchranka, hasiči; {child}: pomoc pre deti.",
                    "- **{general}**: polícia, záchranná služba, hasiči. Zadarmo z každého telefónu, aj bez SIM karty.\n- **{child}**: linka pomoci pre deti a dospelých, ktorí sa boja o dieťa.\n\nPovedzte, kde ste, čo sa stalo a koľko ľudí potrebuje pomoc. Ak nehovoríte miestnym jazykom, povedzte „Ukrainian“ alebo „English“: často vedia pripojiť tlmočníka.",
                ],
            ),
        ],
    },
    Language {
        lang: Lang::Bg,
        in_country: [
            "в България",
            "в Унгария",
            "в Италия",
            "в Молдова",
            "в Полша",
            "в Румъния",
            "в Словакия",
        ],
        status: "временна закрила",
        authority: [
            "Държавната агенция за бежанците",
            "Националната генерална дирекция по чужденците",
            "квестурата (провинциалното полицейско управление)",
            "Генералният инспекторат по миграция",
            "общинската служба (urząd gminy)",
            "Генералният инспекторат по имиграция",
            "полицията за чужденци",
        ],
        demo_note: "*Демонстрационно съдържание: проверете подробностите в Синя точка, преди да действате.*",
        topics: [
            (
                Topic::Rights,
                [
                    "Вашите права {in}",
                    "Хората, бягащи от Украйна, могат да получат {status} {in}.",
                    "Хората, избягали от войната в Украйна, могат да получат **{status}** {in}. Къде се подава молбата: {authority}; това е безплатно.\n\nС този статут можете:\n\n- да пребивавате законно и да получите документ за пребиваване;\n- да работите без отделно разрешение;\n- да ползвате държавното здравеопазване;\n- да запишете децата си на училище и детска градина;\n- да получавате социална помощ и помощ за жилище.\n\nНосете паспорта си или удостоверенията за раждане. Деца без документи също могат да бъдат регистрирани: юристът на Синя точка ще помогне.",
                ],
            ),
            (
                Topic::Services,
                [
                    "Къде да получите помощ",
                    "Какви услуги има {in}, кой ги предоставя и как да стигнете до тях.",
                    "Във всяка Синя точка работят социални работници, психолози, юристи и преводачи, които могат да ви насочат към държавните служби {in}: закрила на детето, здравеопазване, училища, социално подпомагане и жилище.\n\nЗа да получите услуга, елате в най-близката Синя точка или се обадете: служителите ще обяснят кой предоставя услугата, безплатна ли е, и при нужда ще дойдат с вас или ще се обадят предварително. Справочникът на този сайт показва пунктовете и други доставчици с работното им време.",
                ],
            ),
            (
                Topic::StayingSafe,
                [
                    "Как да сте в безопасност",
                    "Предупредителни знаци за трафик на хора и какво никой няма право да иска от вас.",
                    "Повечето предложения за помощ са искрени, но трафикантите също чакат по границите и гарите.\n\n**Внимавайте, ако някой:**\n\n- предлага безплатен транспорт, жилище или добре платена работа в чужбина без писмен договор;\n- иска да задържи паспорта ви или документите на децата;\n- иска да оставите децата при него или да пътувате без тях;\n- отказва да покаже собствения си документ.\n\n**Никой няма право да иска** пари, секс или документите ви в замяна на помощ, транспорт или жилище. Помощта в Синя точка винаги е безплатна.\n\nСнимайте шофьора, регистрационния номер и документа му и изпратете снимките на човек, на когото имате доверие. Ако не се чувствате в безопасност, обадете се на **{general}**.",
                ],
            ),
            (
                Topic::FamilyReunification,
                [
                    "Издирване на близки и събиране на семейството",
                    "Ако сте загубили връзка с дете или роднина по пътя.",
                    "Ако сте се разделили с дете или роднина, веднага кажете на служителите на която и да е Синя точка. Социалните работници ще регистрират издирването, ще го сравнят с децата, регистрирани в пунктовете, и ще работят със службите за закрила на детето {in} и в други държави.\n\nЗа безопасността на детето не казваме на никого къде е то, докато родството не бъде проверено. Донесете документ или снимка, които показват родството. Събирането на семейството се организира заедно с органите за закрила на детето.",
                ],
            ),
            (
                Topic::Emergency,
                [
                    "Телефони за спешни случаи",
                    "{general}: полиция, линейка, пожарна; {child}: помощ за деца.",
                    "- **{general}**: полиция, спешна помощ, пожарна. Безплатно от всеки телефон, и без SIM карта.\n- **{child}**: линия за помощ на деца и на възрастни, притеснени за дете.\n\nКажете къде сте, какво се е случило и колко души имат нужда от помощ. Ако не говорите местния език, кажете „Ukrainian“ или „English“: често могат да свържат преводач.",
                ],
            ),
        ],
    },
    Language {
        lang: Lang::It,
        in_country: [
            "in Bulgaria",
            "in Ungheria",
            "in Italia",
            "in Moldova",
            "in Polonia",
            "in Romania",
            "in Slovacchia",
        ],
        status: "protezione temporanea",
        authority: [
            "l'Agenzia statale per i rifugiati",
            "la Direzione generale nazionale della polizia degli stranieri",
            "la Questura",
            "l'Ispettorato generale per le migrazioni",
            "il comune (urząd gminy)",
            "l'Ispettorato generale per l'immigrazione",
            "la polizia degli stranieri",
        ],
        demo_note: "*Contenuto dimostrativo: verifica i dettagli in un Punto Blu prima di agire.*",
        topics: [
            (
                Topic::Rights,
                [
                    "I tuoi diritti {in}",
                    "Chi fugge dall'Ucraina può ottenere {in} la {status}.",
                    "Chi è fuggito dalla guerra in Ucraina può ottenere {in} la **{status}**. Dove presentare la domanda: {authority}; è gratuita.\n\nCon questo status puoi:\n\n- restare legalmente e ricevere un documento di soggiorno;\n- lavorare senza un permesso separato;\n- usare la sanità pubblica;\n- iscrivere i figli a scuola e all'asilo;\n- ricevere assistenza sociale e aiuto per l'alloggio.\n\nTieni con te il passaporto o i certificati di nascita. Anche i bambini senza documenti possono essere registrati: ti aiuta l'avvocato del Punto Blu.",
                ],
            ),
            (
                Topic::Services,
                [
                    "Dove trovare aiuto",
                    "Quali servizi esistono {in}, chi li offre e come raggiungerli.",
                    "In ogni Punto Blu lavorano assistenti sociali, psicologi, avvocati e interpreti che possono indirizzarti ai servizi pubblici {in}: tutela dei minori, sanità, scuole, assistenza sociale e alloggio.\n\nPer accedere a un servizio, vieni al Punto Blu più vicino o chiama: il personale ti spiega chi offre il servizio, se è gratuito e, se serve, ti accompagna o telefona prima. L'elenco di questo sito riporta i punti e gli altri servizi con i loro orari.",
                ],
            ),
            (
                Topic::StayingSafe,
                [
                    "Restare al sicuro",
                    "I segnali della tratta di persone e ciò che nessuno può chiederti.",
                    "La maggior parte delle offerte di aiuto è sincera, ma anche i trafficanti aspettano ai confini e nelle stazioni.\n\n**Fai attenzione se qualcuno:**\n\n- offre trasporto, alloggio o un lavoro ben pagato all'estero senza un contratto scritto;\n- chiede di tenere il tuo passaporto o i documenti dei figli;\n- ti chiede di lasciargli i bambini o di partire senza di loro;\n- rifiuta di mostrare un proprio documento.\n\n**Nessuno può chiederti** denaro, sesso o i tuoi documenti in cambio di aiuto, trasporto o alloggio. L'aiuto in un Punto Blu è sempre gratuito.\n\nFotografa l'autista, la targa dell'auto e il suo documento e manda le foto a una persona di fiducia. Se non ti senti al sicuro, chiama il **{general}**.",
                ],
            ),
            (
                Topic::FamilyReunification,
                [
                    "Ritrovare la famiglia e ricongiungersi",
                    "Se durante il viaggio hai perso il contatto con un bambino o un parente.",
                    "Se sei stato separato da un bambino o da un parente, dillo subito al personale di qualsiasi Punto Blu. Gli assistenti sociali registrano la ricerca, la confrontano con i bambini registrati nei punti e lavorano con i servizi di tutela dei minori {in} e in altri paesi.\n\nPer la sicurezza del bambino, non diciamo a nessuno dove si trova finché la parentela non è stata verificata. Porta un documento o una foto che mostri il legame di parentela. Il ricongiungimento si organizza insieme alle autorità di tutela dei minori.",
                ],
            ),
            (
                Topic::Emergency,
                [
                    "Numeri di emergenza",
                    "{general}: polizia, ambulanza, vigili del fuoco; {child}: aiuto per i bambini.",
                    "- **{general}**: polizia, ambulanza, vigili del fuoco. Gratuito da qualsiasi telefono, anche senza SIM.\n- **{child}**: linea di aiuto per bambini e per adulti preoccupati per un bambino.\n\nDi' dove sei, cosa è successo e quante persone hanno bisogno di aiuto. Se non parli la lingua locale, di' «Ukrainian» o «English»: spesso si può collegare un interprete.",
                ],
            ),
        ],
    },
];

impl Language {
    /// Title, summary and body of `topic` for `country`.
    pub fn write(&self, topic: Topic, country: Country) -> (String, String, String) {
        let at = Country::ALL.iter().position(|c| *c == country).unwrap_or(0);
        let mut status = self.status.to_owned();
        if country == Country::Slovakia && self.lang == Lang::Sk {
            status = "dočasné útočisko".to_owned();
        }
        if country == Country::Poland {
            status.push_str(" (PESEL UKR)");
        }
        let numbers = country.emergency_numbers();
        let fill = |template: &str| {
            template
                .replace("{in}", self.in_country[at])
                .replace("{status}", &status)
                .replace("{authority}", self.authority[at])
                .replace("{general}", numbers[0].0)
                .replace("{child}", numbers[1].0)
        };
        let [title, summary, body] = self
            .topics
            .iter()
            .find(|(t, _)| *t == topic)
            .map(|(_, texts)| *texts)
            .unwrap_or(["", "", ""]);
        (fill(title), fill(summary), fill(body))
    }
}
