//! The synthetic corpus generator.
//!
//! Reports are built sentence by sentence from templates whose slots are filled
//! from the knowledge base (countries, cities, organisations) and from invented
//! person names; dates come in several absolute formats and in relative forms,
//! figures in several shapes. About 20% of the reports are wrapped in an HTML
//! page with site chrome (navigation, share bar, comments, footer), about 5% are
//! near-duplicates of an earlier report (a reprint with a changed header), and a
//! few plain-text reports are hard-wrapped.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

const PLACES_TSV: &str = include_str!("../../../data/places.tsv");
const COUNTRIES_TSV: &str = include_str!("../../../data/countries.tsv");
const ACTORS_TOML: &str = include_str!("../../../data/actors.toml");

/// What to generate.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Number of documents.
    pub n: usize,
    /// Seed of the generator: the same seed gives the same corpus.
    pub seed: u64,
    /// Fewest words in a report's body.
    pub min_words: usize,
    /// Most words in a report's body.
    pub max_words: usize,
    /// Share of French reports (the rest are English).
    pub fr_share: f64,
    /// Share of reports wrapped in an HTML page with site chrome.
    pub html_share: f64,
    /// Share of near-duplicates (reprints of an earlier report with a changed header).
    pub dup_share: f64,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            n: 200,
            seed: 1,
            min_words: 300,
            max_words: 1500,
            fr_share: 0.30,
            html_share: 0.20,
            dup_share: 0.05,
        }
    }
}

/// One generated document.
#[derive(Debug, Clone)]
pub struct GenDoc {
    /// File name (`doc-00042.txt` or `.html`).
    pub name: String,
    /// File extension without the dot: `txt` or `html`.
    pub ext: &'static str,
    /// `en` or `fr`.
    pub lang: &'static str,
    /// The file's content (an HTML page, or plain text, maybe hard-wrapped).
    pub content: String,
    /// The report as plain text (title, byline, paragraphs), without any chrome.
    pub plain: String,
    /// Publication date, `YYYY-MM-DD`.
    pub published: String,
    /// For a near-duplicate, the index of the report it reprints.
    pub dup_of: Option<usize>,
}

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5eed_5174_e9b0_0001)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------- knowledge base

#[derive(Debug, Clone)]
struct Country {
    name_en: String,
    name_fr: String,
    dem_en: String,
    dem_fr: String,
    /// Indices into `Kb::places`, the capital first when found.
    places: Vec<usize>,
}

#[derive(Debug, Clone)]
struct Org {
    name: String,
    name_fr: String,
    short: Option<String>,
    subtype: String,
}

#[derive(Debug)]
struct Kb {
    places: Vec<String>,
    countries: Vec<Country>,
    orgs: Vec<Org>,
    armed: Vec<usize>,
    igos: Vec<usize>,
}

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(load_kb)
}

fn first(field: &str) -> String {
    field.split('|').next().unwrap_or("").trim().to_string()
}

fn load_kb() -> Kb {
    let mut countries = Vec::new();
    let mut by_iso: HashMap<String, usize> = HashMap::new();
    let mut capitals: Vec<String> = Vec::new();
    for line in COUNTRIES_TSV.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 11 || f[2].is_empty() {
            continue;
        }
        let dem_en = first(f[8]);
        let dem_fr = first(f[9]);
        by_iso.insert(f[0].to_string(), countries.len());
        capitals.push(f[10].to_string());
        countries.push(Country {
            name_en: f[2].to_string(),
            name_fr: if f[4].is_empty() {
                f[2].to_string()
            } else {
                f[4].to_string()
            },
            dem_en: if dem_en.is_empty() {
                f[2].to_string()
            } else {
                dem_en
            },
            dem_fr: if dem_fr.is_empty() {
                "national".to_string()
            } else {
                dem_fr
            },
            places: Vec::new(),
        });
    }
    let mut places = Vec::new();
    for line in PLACES_TSV.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 10 {
            continue;
        }
        let pop: u64 = f[9].parse().unwrap_or(0);
        let name = f[1];
        if pop < 120_000 || !f[8].starts_with("PPL") || !name.is_ascii() || name.contains('(') {
            continue;
        }
        let Some(&ci) = by_iso.get(f[6]) else {
            continue;
        };
        let idx = places.len();
        places.push(name.to_string());
        if capitals[ci] == name {
            countries[ci].places.insert(0, idx);
        } else {
            countries[ci].places.push(idx);
        }
    }
    countries.retain(|c| c.places.len() >= 2);

    let mut orgs = Vec::new();
    let mut cur: HashMap<&str, String> = HashMap::new();
    let flush = |cur: &mut HashMap<&str, String>, orgs: &mut Vec<Org>| {
        if cur.get("type").map(String::as_str) == Some("organization") {
            if let Some(name) = cur.get("name") {
                let short = cur.get("aliases").and_then(|a| {
                    quoted(a)
                        .into_iter()
                        .find(|s| s.len() <= 8 && s.chars().all(|c| c.is_ascii_uppercase()))
                });
                let name_fr = cur
                    .get("aliases_fr")
                    .and_then(|a| quoted(a).into_iter().next())
                    .unwrap_or_else(|| name.clone());
                orgs.push(Org {
                    name: name.clone(),
                    name_fr,
                    short,
                    subtype: cur.get("subtype").cloned().unwrap_or_default(),
                });
            }
        }
        cur.clear();
    };
    for line in ACTORS_TOML.lines() {
        let line = line.trim();
        if line == "[[actor]]" {
            flush(&mut cur, &mut orgs);
            continue;
        }
        if let Some((k, v)) = line.split_once(" = ") {
            let v = v.trim();
            let v = if k.starts_with("aliases") {
                v.to_string()
            } else {
                v.trim_matches('"').to_string()
            };
            for key in ["name", "type", "subtype", "aliases", "aliases_fr"] {
                if k.trim() == key {
                    cur.insert(key, v.clone());
                }
            }
        }
    }
    flush(&mut cur, &mut orgs);
    let armed = (0..orgs.len())
        .filter(|&i| orgs[i].subtype == "armed_group")
        .collect();
    let igos = (0..orgs.len())
        .filter(|&i| {
            matches!(
                orgs[i].subtype.as_str(),
                "igo" | "igo_organ" | "mission" | "ngo"
            )
        })
        .collect();
    Kb {
        places,
        countries,
        orgs,
        armed,
        igos,
    }
}

fn quoted(s: &str) -> Vec<String> {
    s.split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, x)| x.to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

// ---------------------------------------------------------------- dates

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day number.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const DAYS_EN: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
const DAYS_FR: [&str; 7] = [
    "jeudi", "vendredi", "samedi", "dimanche", "lundi", "mardi", "mercredi",
];
const NUM_EN: [&str; 8] = [
    "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const NUM_FR: [&str; 8] = [
    "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
];

fn iso(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------- names

const FIRST: &[&str] = &[
    "Amadou",
    "Ibrahim",
    "Moussa",
    "Fatoumata",
    "Aminata",
    "Oumar",
    "Seydou",
    "Mariam",
    "Boubacar",
    "Hamadoun",
    "Youssouf",
    "Aïssata",
    "Jean-Pierre",
    "Claire",
    "Laurent",
    "Sophie",
    "Michael",
    "Sarah",
    "David",
    "Helen",
    "Ahmed",
    "Khalid",
    "Nadia",
    "Yasmine",
    "Omar",
    "Leila",
    "Thomas",
    "Grace",
    "Emmanuel",
    "Joseph",
    "Alassane",
    "Mahamat",
    "Idriss",
    "Salif",
    "Kadiatou",
    "Pierre",
    "Isabelle",
    "Daniel",
    "Rachel",
    "Mohamed",
    "Abdoulaye",
    "Hawa",
    "Karim",
    "Samuel",
    "Esther",
];
const LAST: &[&str] = &[
    "Traoré",
    "Keïta",
    "Coulibaly",
    "Diarra",
    "Touré",
    "Sangaré",
    "Maïga",
    "Cissé",
    "Diallo",
    "Konaté",
    "Sidibé",
    "Dembélé",
    "Ouedraogo",
    "Kaboré",
    "Sawadogo",
    "Mahamadou",
    "Issoufou",
    "Bazoum",
    "Déby",
    "Abdallah",
    "Haddad",
    "Mansour",
    "Nasser",
    "Okafor",
    "Mensah",
    "Owusu",
    "Kamara",
    "Bangura",
    "Dubois",
    "Moreau",
    "Lefèvre",
    "Girard",
    "Whitfield",
    "Harrington",
    "Calloway",
    "Brennan",
    "Okonkwo",
    "Adebayo",
    "Njoroge",
    "Mutua",
    "Barry",
    "Bah",
    "Camara",
    "Sylla",
    "Fofana",
    "Kanté",
    "Doumbia",
    "Tall",
    "Sall",
    "Ndiaye",
];
const TITLES_EN: &[&str] = &[
    "President",
    "Colonel",
    "General",
    "Captain",
    "Prime Minister",
    "Defence Minister",
    "Foreign Minister",
    "spokesman",
    "Lieutenant",
    "opposition leader",
    "Mayor",
    "Governor",
];
const TITLES_FR: &[&str] = &[
    "le président",
    "le colonel",
    "le général",
    "le capitaine",
    "le Premier ministre",
    "le ministre de la Défense",
    "le ministre des Affaires étrangères",
    "le porte-parole",
    "le lieutenant",
    "le chef de l'opposition",
    "le maire",
    "le gouverneur",
];
const OUTLETS_EN: &[&str] = &[
    "Sahel Wire",
    "Global Dispatch",
    "The Daily Courier",
    "Continental Monitor",
    "The Observer Post",
    "World Desk",
    "Frontline News Agency",
];
const OUTLETS_FR: &[&str] = &[
    "Le Courrier du Sahel",
    "Dépêche internationale",
    "L'Observateur du matin",
    "La Voix de l'Est",
    "Agence Continentale de Presse",
    "Le Républicain",
];

// ---------------------------------------------------------------- templates

const EVENTS_EN: &[&str] = &[
    "Soldiers led by {TITLE} {PERSON} seized power in {CAPITAL} {WHEN}, dissolving the government and suspending the constitution, in what the {IGO} condemned as a coup.",
    "The UN Security Council {WHEN} unanimously adopted resolution {RES}, authorising the deployment of an international mission to {COUNTRY} for an initial period of one year.",
    "At least {N} people were killed {WHEN} in clashes between the {DEM} army and fighters of the {ARMED} near {PLACE}, local officials said.",
    "The {IGO} announced {WHEN} that it would deploy {NBIG} troops to {PLACE} to secure the main supply routes.",
    "Gunmen attacked a military post outside {PLACE} {WHEN}, killing {N} soldiers and wounding {N} others, the army said in a statement.",
    "Thousands of protesters marched through {PLACE} {WHEN} to demand the release of {PERSON}, who was arrested {WHEN2}.",
    "{PERSON}, the {DEM} defence minister, met {PERSON2} of the {IGO} in {CAPITAL} {WHEN} to discuss a ceasefire.",
    "A ceasefire signed in {PLACE} {WHEN} between the government and the {ARMED} collapsed {WHEN2}, after fighters overran two villages.",
    "The {IGO} pledged {MONEY} in emergency aid {WHEN}, saying more than {NBIG} people had fled the fighting around {PLACE}.",
    "Presidential elections were held {WHEN}; {PERSON} won with {PCT} per cent of the vote, according to provisional results.",
    "Security forces arrested {PERSON}, a senior commander of the {ARMED}, in {PLACE} {WHEN}.",
    "An air strike on {PLACE} {WHEN} killed {N} militants, the {DEM} military said, a claim that could not be independently verified.",
    "The {ARMED} claimed responsibility {WHEN} for the kidnapping of {N} aid workers near {PLACE}.",
    "{COUNTRY} expelled the ambassador of {COUNTRY2} {WHEN}, accusing its neighbour of arming rebels in the north.",
];
const EVENTS_FR: &[&str] = &[
    "Des militaires menés par {TITLE} {PERSON} ont pris le pouvoir à {CAPITAL} {WHEN}, dissolvant le gouvernement et suspendant la Constitution, un coup d'État condamné par {IGO}.",
    "Le Conseil de sécurité de l'ONU a adopté à l'unanimité {WHEN} la résolution {RES}, qui autorise le déploiement d'une mission internationale au {COUNTRY}.",
    "Au moins {N} personnes ont été tuées {WHEN} dans des affrontements entre l'armée {DEM} et les combattants du {ARMED} près de {PLACE}, selon des sources locales.",
    "{IGO} a annoncé {WHEN} le déploiement de {NBIG} soldats à {PLACE} pour sécuriser les principaux axes.",
    "Des hommes armés ont attaqué un poste militaire près de {PLACE} {WHEN}, tuant {N} soldats et en blessant {N} autres, a indiqué l'armée dans un communiqué.",
    "Des milliers de manifestants ont défilé à {PLACE} {WHEN} pour exiger la libération de {PERSON}, arrêté {WHEN2}.",
    "{PERSON}, ministre {DEM} de la Défense, a rencontré {PERSON2} de {IGO} à {CAPITAL} {WHEN} pour discuter d'un cessez-le-feu.",
    "Un cessez-le-feu signé à {PLACE} {WHEN} entre le gouvernement et le {ARMED} a volé en éclats {WHEN2}.",
    "{IGO} a promis {MONEY} d'aide d'urgence {WHEN}, affirmant que plus de {NBIG} personnes avaient fui les combats autour de {PLACE}.",
    "L'élection présidentielle s'est tenue {WHEN} ; {PERSON} l'a emporté avec {PCT} % des voix, selon les résultats provisoires.",
    "Les forces de sécurité ont arrêté {PERSON}, un haut responsable du {ARMED}, à {PLACE} {WHEN}.",
    "Une frappe aérienne sur {PLACE} a tué {N} jihadistes {WHEN}, selon l'armée {DEM}, une information impossible à vérifier de source indépendante.",
];
const FILLER_EN: &[&str] = &[
    "The crisis in {COUNTRY} has displaced more than {NBIG} people since {MONTHYEAR}, according to the {IGO}.",
    "Analysts in {CAPITAL} say the government's authority barely extends beyond the capital.",
    "\"We will not accept any solution imposed from outside,\" {PERSON} told reporters in {PLACE}.",
    "Diplomats said negotiations could resume {REL}, though no date has been set.",
    "Prices of staple foods in {PLACE} have risen by {PCT} per cent over the past year.",
    "Humanitarian agencies warned that the rainy season would make roads impassable and complicate the delivery of food and medicine to remote areas.",
    "Residents described long queues at fuel stations and markets that were half empty, while schools in several districts remained closed.",
    "The region has been unstable since {YEAR}, when a rebellion in the north was followed by a wave of attacks on army positions.",
    "{TITLE} {PERSON} said on state television that the authorities were in control of the situation.",
    "The {IGO} has repeatedly called for an inclusive political dialogue and a return to constitutional order.",
    "It was not immediately possible to reach the {ARMED} for comment.",
    "Officials in {PLACE} said the death toll could rise as rescue teams reached outlying villages.",
    "The budget for the operation is estimated at {MONEY}, most of it pledged by donors at a conference in {CAPITAL2}.",
    "Observers noted that similar promises had been made {REL} without any visible effect on the ground.",
    "According to a report published {WHEN}, at least {NBIG} children are out of school in the affected provinces.",
    "Opposition parties have denounced what they describe as a campaign of intimidation against journalists and activists.",
];
const FILLER_FR: &[&str] = &[
    "La crise au {COUNTRY} a déplacé plus de {NBIG} personnes depuis {MONTHYEAR}, selon {IGO}.",
    "Pour les analystes à {CAPITAL}, l'autorité du gouvernement ne s'étend guère au-delà de la capitale.",
    "« Nous n'accepterons aucune solution imposée de l'extérieur », a déclaré {PERSON} à la presse à {PLACE}.",
    "Selon des diplomates, les négociations pourraient reprendre {REL}, sans qu'aucune date n'ait été fixée.",
    "Les prix des denrées de base à {PLACE} ont augmenté de {PCT} % en un an.",
    "Les organisations humanitaires craignent que la saison des pluies ne rende les routes impraticables et ne complique l'acheminement de vivres et de médicaments.",
    "Les habitants décrivent de longues files d'attente devant les stations-service et des marchés à moitié vides, tandis que les écoles de plusieurs quartiers restent fermées.",
    "La région est instable depuis {YEAR}, quand une rébellion dans le nord a été suivie d'une vague d'attaques contre des positions de l'armée.",
    "{TITLE} {PERSON} a affirmé à la télévision nationale que les autorités maîtrisaient la situation.",
    "{IGO} a appelé à plusieurs reprises à un dialogue politique inclusif et au retour à l'ordre constitutionnel.",
    "Il n'a pas été possible de joindre le {ARMED} dans l'immédiat.",
    "Le bilan pourrait s'alourdir à mesure que les secours atteignent les villages isolés, selon les autorités de {PLACE}.",
    "Le coût de l'opération est estimé à {MONEY}, pour l'essentiel promis par les bailleurs lors d'une conférence à {CAPITAL2}.",
    "Des observateurs rappellent que des promesses similaires avaient été faites {REL} sans effet visible sur le terrain.",
    "Selon un rapport publié {WHEN}, au moins {NBIG} enfants sont déscolarisés dans les provinces touchées.",
];
const TITLES_HEAD_EN: &[&str] = &[
    "{DEM} army clashes with rebels near {PLACE}",
    "Coup in {COUNTRY}: soldiers seize power in {CAPITAL}",
    "UN approves new mission for {COUNTRY}",
    "Deadly attack on army post in {PLACE}",
    "Protests grow in {PLACE} as crisis deepens",
    "{IGO} to send troops to {COUNTRY}",
];
const TITLES_HEAD_FR: &[&str] = &[
    "Affrontements meurtriers près de {PLACE}",
    "Coup d'État au {COUNTRY} : les militaires prennent le pouvoir",
    "L'ONU approuve une nouvelle mission au {COUNTRY}",
    "Attaque contre un poste de l'armée à {PLACE}",
    "La contestation s'étend à {PLACE}",
];

/// The cast and setting of one report.
struct Ctx {
    fr: bool,
    pub_day: i64,
    country: usize,
    country2: usize,
    persons: Vec<(String, String)>,
}

impl Ctx {
    fn country(&self) -> &'static Country {
        &kb().countries[self.country]
    }

    fn place(&self, rng: &mut Rng) -> &'static str {
        let c = self.country();
        let n = c.places.len().min(8);
        &kb().places[c.places[rng.below(n)]]
    }

    fn person(&self, rng: &mut Rng, full: bool) -> String {
        let (f, l) = &self.persons[rng.below(self.persons.len())];
        if full || rng.chance(0.5) {
            format!("{f} {l}")
        } else {
            l.clone()
        }
    }

    fn org(&self, rng: &mut Rng, list: &[usize], article: bool) -> String {
        let o = &kb().orgs[*rng.pick(list)];
        let name = match &o.short {
            Some(s) if rng.chance(0.3) => s.clone(),
            _ if self.fr => o.name_fr.clone(),
            _ => o.name.clone(),
        };
        if self.fr && article {
            let l = if name.starts_with(['A', 'E', 'I', 'O', 'U', 'É']) {
                "l'"
            } else {
                "la "
            };
            format!("{l}{name}")
        } else {
            name
        }
    }

    /// An absolute date a little before publication, in one of several formats.
    fn abs_date(&self, rng: &mut Rng) -> String {
        let day = self.pub_day - rng.range(1, 40) as i64;
        let (y, m, d) = civil_from_days(day);
        let wd = day.rem_euclid(7) as usize;
        let mi = m as usize - 1;
        if self.fr {
            match rng.below(5) {
                0 => format!("le {d} {} {y}", MONTHS_FR[mi]),
                1 => format!("le {} {d} {}", DAYS_FR[wd], MONTHS_FR[mi]),
                2 => format!("le {d:02}/{m:02}/{y}"),
                3 => format!("en {} {y}", MONTHS_FR[mi]),
                _ => format!(
                    "le {}{d} {}",
                    if d == 1 { "1er" } else { "" },
                    MONTHS_FR[mi]
                )
                .replace("1er1 ", "1er "),
            }
        } else {
            match rng.below(6) {
                0 => format!("on {} {d}, {y}", MONTHS_EN[mi]),
                1 => format!("on {d} {} {y}", MONTHS_EN[mi]),
                2 => format!("on {}, {} {d}", DAYS_EN[wd], MONTHS_EN[mi]),
                3 => format!("on {y}-{m:02}-{d:02}"),
                4 => format!("in {} {y}", MONTHS_EN[mi]),
                _ => format!("on {} {d}", MONTHS_EN[mi]),
            }
        }
    }

    /// A relative date expression.
    fn rel_date(&self, rng: &mut Rng) -> String {
        let wd = (self.pub_day - rng.range(1, 6) as i64).rem_euclid(7) as usize;
        let k = rng.below(NUM_EN.len());
        if self.fr {
            match rng.below(7) {
                0 => "hier".to_string(),
                1 => DAYS_FR[wd].to_string(),
                2 => "la semaine dernière".to_string(),
                3 => format!("il y a {} jours", NUM_FR[k]),
                4 => "le mois dernier".to_string(),
                5 => "mardi dernier".to_string(),
                _ => "dans les prochains jours".to_string(),
            }
        } else {
            match rng.below(8) {
                0 => "yesterday".to_string(),
                1 => format!("on {}", DAYS_EN[wd]),
                2 => "last week".to_string(),
                3 => format!("{} days ago", NUM_EN[k]),
                4 => "last month".to_string(),
                5 => "earlier this month".to_string(),
                6 => "next week".to_string(),
                _ => "on Tuesday".to_string(),
            }
        }
    }

    fn slot(&self, name: &str, rng: &mut Rng) -> String {
        let c = self.country();
        match name {
            "PERSON" | "PERSON2" => self.person(rng, name == "PERSON2"),
            "TITLE" => {
                let t = *rng.pick(if self.fr { TITLES_FR } else { TITLES_EN });
                t.to_string()
            }
            "PLACE" => self.place(rng).to_string(),
            "CAPITAL" => kb().places[c.places[0]].clone(),
            "CAPITAL2" => {
                let c2 = &kb().countries[self.country2];
                kb().places[c2.places[0]].clone()
            }
            "COUNTRY" => {
                if self.fr {
                    c.name_fr.clone()
                } else {
                    c.name_en.clone()
                }
            }
            "COUNTRY2" => {
                let c2 = &kb().countries[self.country2];
                if self.fr {
                    c2.name_fr.clone()
                } else {
                    c2.name_en.clone()
                }
            }
            "DEM" => {
                if self.fr {
                    c.dem_fr.clone()
                } else {
                    c.dem_en.clone()
                }
            }
            "IGO" => self.org(rng, &kb().igos, true),
            "ARMED" => self.org(rng, &kb().armed, false),
            "WHEN" | "WHEN2" => {
                if rng.chance(0.6) {
                    self.abs_date(rng)
                } else {
                    self.rel_date(rng)
                }
            }
            "REL" => self.rel_date(rng),
            "MONTHYEAR" => {
                let (y, m, _) = civil_from_days(self.pub_day - rng.range(60, 900) as i64);
                let months = if self.fr { &MONTHS_FR } else { &MONTHS_EN };
                format!("{} {y}", months[m as usize - 1])
            }
            "YEAR" => {
                let (y, _, _) = civil_from_days(self.pub_day);
                (y - rng.range(1, 12) as i64).to_string()
            }
            "N" => rng.range(2, 90).to_string(),
            "NBIG" => {
                let n = rng.range(1, 400) * 500;
                if self.fr {
                    group(n, "\u{a0}")
                } else {
                    group(n, ",")
                }
            }
            "PCT" => {
                if self.fr {
                    format!("{},{}", rng.range(30, 80), rng.below(10))
                } else {
                    format!("{}.{}", rng.range(30, 80), rng.below(10))
                }
            }
            "MONEY" => {
                let a = rng.range(2, 900);
                match (self.fr, rng.below(2)) {
                    (false, 0) => format!("${a} million"),
                    (false, _) => format!("{}.{} billion dollars", a / 100 + 1, a % 10),
                    (true, 0) => format!("{a} millions d'euros"),
                    (true, _) => format!("{} milliards de francs CFA", a / 10 + 1),
                }
            }
            "RES" => rng.range(1900, 2750).to_string(),
            _ => format!("{{{name}}}"),
        }
    }

    fn fill(&self, template: &str, rng: &mut Rng) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let Some(j) = rest[i..].find('}') else { break };
            out.push_str(&self.slot(&rest[i + 1..i + j], rng));
            rest = &rest[i + j + 1..];
        }
        out.push_str(rest);
        // Capitalise a sentence that starts with an article slot ("la CEDEAO a ...").
        let mut cs = out.chars();
        match cs.next() {
            Some(c) if c.is_lowercase() => c.to_uppercase().chain(cs).collect(),
            _ => out,
        }
    }
}

fn group(n: usize, sep: &str) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// A report: title, byline, paragraphs; with its publication day.
struct Report {
    title: String,
    outlet: String,
    byline: String,
    dateline: String,
    paragraphs: Vec<String>,
    pub_day: i64,
    fr: bool,
}

impl Report {
    fn plain(&self) -> String {
        let mut s = String::new();
        let _ = write!(s, "{}\n\n{}\n\n", self.title, self.byline);
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i == 0 {
                let _ = write!(s, "{} {}\n\n", self.dateline, p);
            } else {
                let _ = write!(s, "{p}\n\n");
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        s
    }

    fn html(&self, rng: &mut Rng) -> String {
        let (home, world, share, comments, reply, rights) = if self.fr {
            (
                "Accueil",
                "Monde",
                "Partager",
                "commentaires",
                "Répondre",
                "Tous droits réservés",
            )
        } else {
            (
                "Home",
                "World",
                "Share",
                "comments",
                "Reply",
                "All rights reserved",
            )
        };
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        let mut h = String::new();
        let _ = write!(
            h,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t} | {o}</title>\n\
             <meta property=\"og:site_name\" content=\"{o}\">\n<meta property=\"article:published_time\" content=\"{d}T08:{mm:02}:00Z\">\n\
             <link rel=\"stylesheet\" href=\"/static/site.css\">\n<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}</script>\n</head>\n<body>\n\
             <header class=\"site-header\"><a class=\"logo\" href=\"/\">{o}</a>\n<nav><ul><li><a href=\"/\">{home}</a></li><li><a href=\"/world\">{world}</a></li>\
             <li><a href=\"/africa\">Africa</a></li><li><a href=\"/middle-east\">Middle East</a></li><li><a href=\"/opinion\">Opinion</a></li><li><a href=\"/video\">Video</a></li></ul></nav></header>\n\
             <main>\n<article>\n<h1>{t}</h1>\n<p class=\"byline\">{b}</p>\n\
             <div class=\"share-bar\"><span>{share}</span> <a href=\"#\">Facebook</a> <a href=\"#\">Twitter</a> <a href=\"#\">WhatsApp</a> <a href=\"#\">Email</a></div>\n",
            lang = if self.fr { "fr" } else { "en" },
            t = esc(&self.title),
            o = esc(&self.outlet),
            d = iso(self.pub_day),
            mm = rng.below(60),
            b = esc(&self.byline),
        );
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i == 0 {
                let _ = writeln!(h, "<p>{} {}</p>", esc(&self.dateline), esc(p));
            } else {
                let _ = writeln!(h, "<p>{}</p>", esc(p));
            }
            if i == 2 {
                let _ = writeln!(
                    h,
                    "<aside class=\"related\"><h3>Related</h3><ul><li><a href=\"/a/1\">Five things to know</a></li><li><a href=\"/a/2\">In pictures</a></li></ul></aside>"
                );
            }
        }
        let nc = rng.range(2, 6);
        let _ = write!(
            h,
            "</article>\n<section class=\"comments\"><h2>{nc} {comments}</h2>\n"
        );
        for k in 0..nc {
            let _ = writeln!(
                h,
                "<div class=\"comment\"><span class=\"user\">user{}</span> <p>{}</p><a href=\"#\">{reply}</a></div>",
                rng.range(100, 9999),
                if k % 2 == 0 { "Sad news, again." } else { "Who is really behind this?" }
            );
        }
        let (y, _, _) = civil_from_days(self.pub_day);
        let _ = write!(
            h,
            "</section>\n</main>\n<footer><p>© {y} {o}. {rights}.</p><a href=\"/privacy\">Privacy</a> | <a href=\"/terms\">Terms</a> | <a href=\"/contact\">Contact</a></footer>\n</body>\n</html>\n",
            o = esc(&self.outlet)
        );
        h
    }
}

fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width);
    for para in text.split("\n\n") {
        let mut col = 0;
        for w in para.split_whitespace() {
            let wl = w.chars().count();
            if col > 0 && col + 1 + wl > width {
                out.push('\n');
                col = 0;
            } else if col > 0 {
                out.push(' ');
                col += 1;
            }
            out.push_str(w);
            col += wl;
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn report(rng: &mut Rng, fr: bool, min_words: usize, max_words: usize) -> Report {
    let kb = kb();
    let pub_day = days_from_civil(2010, 1, 1) + rng.below(15 * 365) as i64;
    let country = rng.below(kb.countries.len());
    let country2 = rng.below(kb.countries.len());
    let np = rng.range(2, 5);
    let persons = (0..np)
        .map(|_| (rng.pick(FIRST).to_string(), rng.pick(LAST).to_string()))
        .collect();
    let ctx = Ctx {
        fr,
        pub_day,
        country,
        country2,
        persons,
    };
    let head: &str = rng.pick::<&str>(if fr { TITLES_HEAD_FR } else { TITLES_HEAD_EN });
    let title = ctx.fill(head, rng);
    let outlet = rng
        .pick(if fr { OUTLETS_FR } else { OUTLETS_EN })
        .to_string();
    let reporter = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
    let (y, m, d) = civil_from_days(pub_day);
    let mi = m as usize - 1;
    let byline = if fr {
        format!("Par {reporter} – publié le {d} {} {y}", MONTHS_FR[mi])
    } else {
        match rng.below(3) {
            0 => format!("By {reporter} | {} {d}, {y}", MONTHS_EN[mi]),
            1 => format!("By {reporter}, {outlet} | {d:02}/{m:02}/{y}"),
            _ => format!("By {reporter} – {y}-{m:02}-{d:02}"),
        }
    };
    let city = ctx.slot("CAPITAL", rng).to_uppercase();
    let dateline = if fr {
        format!("{city}, {d} {} {y} ({outlet}) -", MONTHS_FR[mi])
    } else {
        format!("{city}, {} {d} ({outlet}) -", MONTHS_EN[mi])
    };
    let target = rng.range(min_words, max_words.max(min_words));
    let (events, filler) = if fr {
        (EVENTS_FR, FILLER_FR)
    } else {
        (EVENTS_EN, FILLER_EN)
    };
    let mut paragraphs = Vec::new();
    let mut words = 0;
    while words < target {
        let ns = rng.range(2, 4);
        let mut p = String::new();
        for k in 0..ns {
            let t = if (paragraphs.is_empty() && k == 0) || rng.chance(0.35) {
                rng.pick(events)
            } else {
                rng.pick(filler)
            };
            if !p.is_empty() {
                p.push(' ');
            }
            p.push_str(&ctx.fill(t, rng));
        }
        words += p.split_whitespace().count();
        paragraphs.push(p);
    }
    Report {
        title,
        outlet,
        byline,
        dateline,
        paragraphs,
        pub_day,
        fr,
    }
}

/// Generates a corpus; the same options give the same documents.
pub fn generate(opts: &CorpusOptions) -> Vec<GenDoc> {
    let mut rng = Rng::new(opts.seed);
    let mut docs: Vec<GenDoc> = Vec::with_capacity(opts.n);
    let mut originals: Vec<usize> = Vec::new();
    for i in 0..opts.n {
        if !originals.is_empty() && rng.chance(opts.dup_share) {
            // A reprint: same body, another outlet's header.
            let src = originals[rng.below(originals.len())];
            let o = &docs[src];
            let fr = o.lang == "fr";
            let outlet = rng.pick(if fr { OUTLETS_FR } else { OUTLETS_EN });
            let head = if fr {
                format!("Repris de {outlet} – mis à jour\n\n")
            } else {
                format!("UPDATE 1 – republished from {outlet}\n\n")
            };
            let plain = format!("{head}{}", o.plain);
            docs.push(GenDoc {
                name: format!("doc-{i:05}.txt"),
                ext: "txt",
                lang: o.lang,
                content: plain.clone(),
                plain,
                published: o.published.clone(),
                dup_of: Some(src),
            });
            continue;
        }
        let fr = rng.chance(opts.fr_share);
        let r = report(&mut rng, fr, opts.min_words, opts.max_words);
        let plain = r.plain();
        let html = rng.chance(opts.html_share);
        let content = if html {
            r.html(&mut rng)
        } else if rng.chance(0.1) {
            wrap(&plain, 72)
        } else {
            plain.clone()
        };
        let ext = if html { "html" } else { "txt" };
        originals.push(i);
        docs.push(GenDoc {
            name: format!("doc-{i:05}.{ext}"),
            ext,
            lang: if r.fr { "fr" } else { "en" },
            content,
            plain,
            published: iso(r.pub_day),
            dup_of: None,
        });
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for day in [-1000i64, 0, 1, 59, 365, 11016, 20000] {
            let (y, m, d) = civil_from_days(day);
            assert_eq!(days_from_civil(y, m, d), day);
        }
        assert_eq!(iso(0), "1970-01-01");
        assert_eq!(DAYS_EN[0], "Thursday");
    }

    #[test]
    fn deterministic_and_shaped() {
        let o = CorpusOptions {
            n: 300,
            seed: 7,
            ..CorpusOptions::default()
        };
        let a = generate(&o);
        let b = generate(&o);
        assert_eq!(a.len(), 300);
        assert!(a.iter().zip(&b).all(|(x, y)| x.content == y.content));
        let fr = a.iter().filter(|d| d.lang == "fr").count();
        let html = a.iter().filter(|d| d.ext == "html").count();
        let dups = a.iter().filter(|d| d.dup_of.is_some()).count();
        assert!((50..130).contains(&fr), "fr {fr}");
        assert!((30..100).contains(&html), "html {html}");
        assert!((3..35).contains(&dups), "dups {dups}");
        for d in a.iter().filter(|d| d.dup_of.is_none()) {
            let w = d.plain.split_whitespace().count();
            assert!((300..1800).contains(&w), "{} words", w);
            assert!(!d.plain.contains('{'), "unfilled slot in {}", d.plain);
        }
    }
}
