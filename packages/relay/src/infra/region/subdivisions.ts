/**
 * ISO 3166-2 subdivision codes for the region names a city database gives (DB-IP's
 * `state1` is a name in English, spelled in several ways). Covered: RU, US, CA, GB, DE, BY;
 * for any other country, or a name not in the table, the region stays unknown.
 * MaxMind GeoIP2/GeoLite2 databases carry the codes themselves and do not need this.
 */
const NAMES: Record<string, Record<string, string[]>> = {
  RU: {
    AD: ['adygeya', 'adygea'],
    AL: ['altai', 'altay', 'altai republic', 'gorno altay'],
    ALT: ['altay kray', 'altai kray', 'altai krai', 'altayskiy kray'],
    AMU: ['amur'],
    ARK: ['arkhangelsk', 'arkhangelskaya'],
    AST: ['astrakhan'],
    BA: ['bashkortostan', 'bashkiria'],
    BEL: ['belgorod'],
    BRY: ['bryansk'],
    BU: ['buryatiya', 'buryatia'],
    CE: ['chechnya', 'chechen'],
    CHE: ['chelyabinsk'],
    CHU: ['chukotka'],
    CU: ['chuvash', 'chuvashia'],
    DA: ['dagestan'],
    IN: ['ingushetiya', 'ingushetia'],
    IRK: ['irkutsk'],
    IVA: ['ivanovo'],
    KB: ['kabardino balkariya', 'kabardino balkaria'],
    KGD: ['kaliningrad'],
    KL: ['kalmykiya', 'kalmykia'],
    KLU: ['kaluga'],
    KAM: ['kamchatka', 'kamchatka kray', 'kamchatka krai'],
    KC: ['karachayevo cherkesiya', 'karachay cherkessia'],
    KR: ['karelia'],
    KEM: ['kemerovo', 'kuzbass'],
    KHA: ['khabarovsk', 'khabarovsk kray', 'khabarovsk krai'],
    KK: ['khakasiya', 'khakassia'],
    KHM: ['khanty mansia', 'khanty mansiysk', 'khanty mansi', 'yugra'],
    KIR: ['kirov'],
    KO: ['komi'],
    KOS: ['kostroma'],
    KDA: ['krasnodar', 'krasnodar kray', 'krasnodar krai', 'krasnodarskiy'],
    KYA: ['krasnoyarsk', 'krasnoyarsk kray', 'krasnoyarsk krai', 'krasnoyarskiy'],
    KGN: ['kurgan'],
    KRS: ['kursk'],
    LEN: ['leningrad', 'leningradskaya'],
    LIP: ['lipetsk'],
    MAG: ['magadan'],
    ME: ['mariy el', 'mari el'],
    MO: ['mordoviya', 'mordovia'],
    MOS: ['moscow oblast', 'moskovskaya'],
    MOW: ['moscow', 'moskva'],
    MUR: ['murmansk'],
    NEN: ['nenets'],
    NIZ: ['nizhny novgorod', 'nizhniy novgorod', 'nizhegorodskaya'],
    NGR: ['novgorod'],
    NVS: ['novosibirsk'],
    OMS: ['omsk'],
    ORE: ['orenburg'],
    ORL: ['orel', 'oryol'],
    PNZ: ['penza'],
    PER: ['perm', 'perm kray', 'perm krai'],
    PRI: ['primorye', 'primorskiy maritime kray', 'primorsky krai', 'primorskiy kray'],
    PSK: ['pskov'],
    ROS: ['rostov'],
    RYA: ['ryazan'],
    SA: ['sakha', 'yakutia', 'sakha yakutia'],
    SAK: ['sakhalin'],
    SAM: ['samara'],
    SPE: ['st petersburg', 'saint petersburg', 'sankt peterburg'],
    SAR: ['saratov', 'saratovskaya'],
    SE: ['north ossetia', 'north ossetia alania'],
    SMO: ['smolensk', 'smolenskaya'],
    STA: ['stavropol', 'stavropol kray', 'stavropol krai'],
    SVE: ['sverdlovsk'],
    TAM: ['tambov'],
    TA: ['tatarstan'],
    TOM: ['tomsk'],
    TUL: ['tula'],
    TVE: ['tver'],
    TY: ['tyva', 'tuva'],
    TYU: ['tyumen'],
    UD: ['udmurtiya', 'udmurtia'],
    ULY: ['ulyanovsk'],
    VLA: ['vladimir'],
    VGG: ['volgograd'],
    VLG: ['vologda'],
    VOR: ['voronezh', 'voronezj'],
    YAN: ['yamalo nenets'],
    YAR: ['yaroslavl', 'jaroslavl'],
    YEV: ['jewish autonomous'],
    ZAB: [
      'zabaykalskiy transbaikal kray',
      'transbaikal territory',
      'transbaikal',
      'zabaykalsky krai',
    ],
  },
  US: Object.fromEntries(
    Object.entries({
      AL: 'alabama',
      AK: 'alaska',
      AZ: 'arizona',
      AR: 'arkansas',
      CA: 'california',
      CO: 'colorado',
      CT: 'connecticut',
      DE: 'delaware',
      DC: 'district of columbia',
      FL: 'florida',
      GA: 'georgia',
      HI: 'hawaii',
      ID: 'idaho',
      IL: 'illinois',
      IN: 'indiana',
      IA: 'iowa',
      KS: 'kansas',
      KY: 'kentucky',
      LA: 'louisiana',
      ME: 'maine',
      MD: 'maryland',
      MA: 'massachusetts',
      MI: 'michigan',
      MN: 'minnesota',
      MS: 'mississippi',
      MO: 'missouri',
      MT: 'montana',
      NE: 'nebraska',
      NV: 'nevada',
      NH: 'new hampshire',
      NJ: 'new jersey',
      NM: 'new mexico',
      NY: 'new york',
      NC: 'north carolina',
      ND: 'north dakota',
      OH: 'ohio',
      OK: 'oklahoma',
      OR: 'oregon',
      PA: 'pennsylvania',
      RI: 'rhode island',
      SC: 'south carolina',
      SD: 'south dakota',
      TN: 'tennessee',
      TX: 'texas',
      UT: 'utah',
      VT: 'vermont',
      VA: 'virginia',
      WA: 'washington',
      WV: 'west virginia',
      WI: 'wisconsin',
      WY: 'wyoming',
      PR: 'puerto rico',
    }).map(([code, name]) => [code, [name]]),
  ),
  CA: {
    AB: ['alberta'],
    BC: ['british columbia'],
    MB: ['manitoba'],
    NB: ['new brunswick'],
    NL: ['newfoundland and labrador', 'newfoundland'],
    NT: ['northwest territories'],
    NS: ['nova scotia'],
    NU: ['nunavut'],
    ON: ['ontario'],
    PE: ['prince edward island'],
    QC: ['quebec'],
    SK: ['saskatchewan'],
    YT: ['yukon'],
  },
  GB: {
    ENG: ['england'],
    SCT: ['scotland'],
    WLS: ['wales'],
    NIR: ['northern ireland'],
  },
  DE: {
    BW: ['baden wurttemberg', 'baden wuerttemberg'],
    BY: ['bavaria', 'bayern'],
    BE: ['berlin'],
    BB: ['brandenburg'],
    HB: ['bremen', 'free hanseatic bremen'],
    HH: ['hamburg', 'free and hanseatic hamburg'],
    HE: ['hesse', 'hessen'],
    NI: ['lower saxony', 'niedersachsen'],
    MV: ['mecklenburg vorpommern', 'mecklenburg western pomerania'],
    NW: ['north rhine westphalia', 'nordrhein westfalen'],
    RP: ['rheinland pfalz', 'rhineland palatinate'],
    SL: ['saarland'],
    SN: ['saxony', 'sachsen'],
    ST: ['saxony anhalt', 'sachsen anhalt'],
    SH: ['schleswig holstein'],
    TH: ['thuringia', 'thuringen'],
  },
  BY: {
    BR: ['brest'],
    HO: ['homyel', 'gomel'],
    HR: ['hrodna', 'grodno', 'grodnenskaya'],
    MI: ['minsk'],
    HM: ['minsk city'],
    MA: ['mahilyow', 'mogilev'],
    VI: ['vitebsk', 'vitsyebsk'],
  },
}

/** Words that only say what kind of subdivision it is; dropped on a second try. */
const KIND_WORDS = new Set([
  'oblast',
  'oblasts',
  'republic',
  'region',
  'oblysy',
  'oblisi',
  'voblasc',
  'voblast',
  'city',
  'state',
  'province',
  'of',
  'the',
])

/** Lower case, no diacritics or apostrophes, every other non-alphanumeric run a space. */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’ʼ`.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

const INDEX = new Map<string, Map<string, string>>()
for (const [country, codes] of Object.entries(NAMES)) {
  const byName = new Map<string, string>()
  for (const [code, names] of Object.entries(codes)) {
    for (const name of names) byName.set(normalizeName(name), code)
  }
  INDEX.set(country, byName)
}

/**
 * The ISO 3166-2 code (without the country prefix: `MOW`, `CA`) of a subdivision name in
 * `country`, or undefined. Tries the name as given, then without words such as "Oblast".
 */
export function subdivisionCode(country: string, name: string | undefined): string | undefined {
  if (!name) return undefined
  const byName = INDEX.get(country.toUpperCase())
  if (!byName) return undefined
  const key = normalizeName(name)
  const exact = byName.get(key)
  if (exact) return exact
  const stripped = key
    .split(' ')
    .filter((word) => !KIND_WORDS.has(word))
    .join(' ')
  return stripped ? byName.get(stripped) : undefined
}
