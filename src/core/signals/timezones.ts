/**
 * Claimed location → UTC offsets, from fixed tables (no Intl, no tz database: deterministic
 * everywhere). Offsets are standard time in hours east of UTC; zones that keep daylight
 * saving also allow std+1, since we do not know which applied to each post.
 */

export interface ClaimedZone {
  /** canonical place name, e.g. "Texas" */
  place: string;
  /** the claim is a place in the United States */
  us: boolean;
  /** plausible offsets (hours east of UTC), ascending */
  offsets: number[];
  /** the standard offset used in reasons */
  primary: number;
}

type Row = [names: string[], std: number, dst: boolean, us: boolean, place?: string];

// prettier-ignore
const US_STATES: [name: string, abbr: string, std: number, dst: boolean][] = [
  ['Alabama', 'AL', -6, true], ['Alaska', 'AK', -9, true], ['Arizona', 'AZ', -7, false],
  ['Arkansas', 'AR', -6, true], ['California', 'CA', -8, true], ['Colorado', 'CO', -7, true],
  ['Connecticut', 'CT', -5, true], ['Delaware', 'DE', -5, true], ['Florida', 'FL', -5, true],
  ['Georgia', 'GA', -5, true], ['Hawaii', 'HI', -10, false], ['Idaho', 'ID', -7, true],
  ['Illinois', 'IL', -6, true], ['Indiana', 'IN', -5, true], ['Iowa', 'IA', -6, true],
  ['Kansas', 'KS', -6, true], ['Kentucky', 'KY', -5, true], ['Louisiana', 'LA', -6, true],
  ['Maine', 'ME', -5, true], ['Maryland', 'MD', -5, true], ['Massachusetts', 'MA', -5, true],
  ['Michigan', 'MI', -5, true], ['Minnesota', 'MN', -6, true], ['Mississippi', 'MS', -6, true],
  ['Missouri', 'MO', -6, true], ['Montana', 'MT', -7, true], ['Nebraska', 'NE', -6, true],
  ['Nevada', 'NV', -8, true], ['New Hampshire', 'NH', -5, true], ['New Jersey', 'NJ', -5, true],
  ['New Mexico', 'NM', -7, true], ['New York', 'NY', -5, true], ['North Carolina', 'NC', -5, true],
  ['North Dakota', 'ND', -6, true], ['Ohio', 'OH', -5, true], ['Oklahoma', 'OK', -6, true],
  ['Oregon', 'OR', -8, true], ['Pennsylvania', 'PA', -5, true], ['Rhode Island', 'RI', -5, true],
  ['South Carolina', 'SC', -5, true], ['South Dakota', 'SD', -6, true], ['Tennessee', 'TN', -6, true],
  ['Texas', 'TX', -6, true], ['Utah', 'UT', -7, true], ['Vermont', 'VT', -5, true],
  ['Virginia', 'VA', -5, true], ['Washington', 'WA', -8, true], ['West Virginia', 'WV', -5, true],
  ['Wisconsin', 'WI', -6, true], ['Wyoming', 'WY', -7, true], ['Puerto Rico', 'PR', -4, false],
];

// Checked before state names: "Washington, DC" is not Washington state.
const US_SPECIAL: Row[] = [
  [['eastern time', 'edt'], -5, true, true, 'US Eastern time'],
  [['central time'], -6, true, true, 'US Central time'],
  [['mountain time'], -7, true, true, 'US Mountain time'],
  [['pacific time', 'pst', 'pdt'], -8, true, true, 'US Pacific time'],
  [
    ['washington dc', 'washington d c', 'district of columbia', 'dc', 'd c'],
    -5,
    true,
    true,
    'Washington, DC',
  ],
];

const US_CITIES: Row[] = [
  [
    [
      'new york city',
      'nyc',
      'brooklyn',
      'manhattan',
      'queens',
      'bronx',
      'staten island',
      'boston',
      'philadelphia',
      'philly',
      'atlanta',
      'miami',
      'baltimore',
      'detroit',
      'pittsburgh',
      'cleveland',
      'columbus',
      'charlotte',
      'orlando',
      'tampa',
      'jacksonville',
      'richmond',
      'indianapolis',
      'cincinnati',
      'raleigh',
      'newark',
      'buffalo',
      'louisville',
    ],
    -5,
    true,
    true,
  ],
  [
    [
      'chicago',
      'houston',
      'dallas',
      'austin',
      'san antonio',
      'fort worth',
      'minneapolis',
      'st louis',
      'saint louis',
      'kansas city',
      'nashville',
      'new orleans',
      'milwaukee',
      'memphis',
      'oklahoma city',
      'tulsa',
      'omaha',
      'birmingham al',
    ],
    -6,
    true,
    true,
  ],
  [['denver', 'salt lake city', 'albuquerque', 'boise', 'el paso'], -7, true, true],
  [['phoenix', 'tucson', 'scottsdale'], -7, false, true],
  [
    [
      'los angeles',
      'san francisco',
      'bay area',
      'oakland',
      'san jose',
      'san diego',
      'sacramento',
      'seattle',
      'portland',
      'las vegas',
      'hollywood',
      'silicon valley',
    ],
    -8,
    true,
    true,
  ],
  [['honolulu'], -10, false, true],
  [['anchorage'], -9, true, true],
];

const US_WIDE = [
  'united states of america',
  'united states',
  'usa',
  'u s a',
  'america',
  'us',
  'u s',
];

const FOREIGN: Row[] = [
  [
    [
      'united kingdom',
      'uk',
      'u k',
      'england',
      'scotland',
      'wales',
      'great britain',
      'britain',
      'london',
      'manchester',
      'ireland',
      'dublin',
    ],
    0,
    true,
    false,
  ],
  [
    [
      'germany',
      'deutschland',
      'berlin',
      'munich',
      'hamburg',
      'france',
      'paris',
      'spain',
      'madrid',
      'italy',
      'rome',
      'netherlands',
      'amsterdam',
      'belgium',
      'brussels',
      'poland',
      'warsaw',
      'sweden',
      'stockholm',
      'norway',
      'denmark',
      'austria',
      'vienna',
      'switzerland',
      'czech republic',
      'prague',
      'hungary',
      'serbia',
      'nigeria',
      'lagos',
    ],
    1,
    true,
    false,
  ],
  [
    [
      'ukraine',
      'kyiv',
      'kiev',
      'kharkiv',
      'odessa',
      'israel',
      'jerusalem',
      'tel aviv',
      'bulgaria',
      'sofia',
      'romania',
      'greece',
      'athens',
      'finland',
      'helsinki',
      'latvia',
      'lithuania',
      'estonia',
      'moldova',
    ],
    2,
    true,
    false,
  ],
  [['egypt', 'cairo', 'south africa', 'johannesburg'], 2, false, false],
  [
    [
      'russian federation',
      'russia',
      'moscow',
      'st petersburg',
      'saint petersburg',
      'petersburg',
      'belarus',
      'minsk',
      'turkey',
      'istanbul',
      'iraq',
      'baghdad',
      'saudi arabia',
      'riyadh',
      'qatar',
      'kenya',
    ],
    3,
    false,
    false,
  ],
  [['iran', 'tehran'], 3.5, false, false],
  [
    [
      'united arab emirates',
      'uae',
      'dubai',
      'abu dhabi',
      'azerbaijan',
      'baku',
      'armenia',
      'yerevan',
      'tbilisi',
      'samara',
    ],
    4,
    false,
    false,
  ],
  [['afghanistan', 'kabul'], 4.5, false, false],
  [
    ['pakistan', 'karachi', 'lahore', 'islamabad', 'uzbekistan', 'tashkent', 'yekaterinburg'],
    5,
    false,
    false,
  ],
  [
    [
      'india',
      'delhi',
      'new delhi',
      'mumbai',
      'bangalore',
      'bengaluru',
      'chennai',
      'kolkata',
      'hyderabad',
    ],
    5.5,
    false,
    false,
  ],
  [['bangladesh', 'dhaka', 'kazakhstan', 'almaty', 'novosibirsk'], 6, false, false],
  [
    ['vietnam', 'viet nam', 'hanoi', 'thailand', 'bangkok', 'indonesia', 'jakarta', 'cambodia'],
    7,
    false,
    false,
  ],
  [
    [
      'china',
      'prc',
      'beijing',
      'shanghai',
      'shenzhen',
      'guangzhou',
      'chongqing',
      'wuhan',
      'hong kong',
      'taiwan',
      'taipei',
      'singapore',
      'malaysia',
      'kuala lumpur',
      'philippines',
      'manila',
      'perth',
      'macau',
    ],
    8,
    false,
    false,
  ],
  [
    ['japan', 'tokyo', 'osaka', 'korea', 'south korea', 'seoul', 'north korea', 'pyongyang'],
    9,
    false,
    false,
  ],
  [['australia', 'sydney', 'melbourne', 'brisbane', 'canberra'], 10, true, false],
  [['new zealand', 'auckland', 'wellington'], 12, true, false],
  [
    ['brazil', 'brasil', 'sao paulo', 'rio de janeiro', 'argentina', 'buenos aires'],
    -3,
    false,
    false,
  ],
  [['canada', 'toronto', 'montreal', 'ottawa', 'ontario', 'quebec'], -5, true, false],
  [['vancouver', 'british columbia'], -8, true, false],
  [['mexico', 'mexico city', 'guadalajara', 'monterrey'], -6, false, false],
];

const MAX_LOCATION = 200;

function normalise(s: string): string {
  return ` ${s
    .slice(0, MAX_LOCATION)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim()} `;
}

function offsetsOf(std: number, dst: boolean): number[] {
  return dst ? [std, std + 1] : [std];
}

function zone(place: string, us: boolean, std: number, dst: boolean): ClaimedZone {
  return { place, us, offsets: offsetsOf(std, dst), primary: std };
}

function titleCase(s: string): string {
  return s.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

// Longer names first so "new york city" wins over "new york", "west virginia" over "virginia".
function findRow(norm: string, rows: Row[]): { row: Row; name: string } | null {
  let best: { row: Row; name: string } | null = null;
  for (const row of rows) {
    for (const name of row[0]) {
      if (norm.includes(` ${name} `) && (!best || name.length > best.name.length))
        best = { row, name };
    }
  }
  return best;
}

const STATE_ROWS: Row[] = US_STATES.map(([name, , std, dst]) => [
  [name.toLowerCase()],
  std,
  dst,
  true,
  name,
]);
const STATE_BY_ABBR = new Map(
  US_STATES.map(([name, abbr, std, dst]) => [abbr, { name, std, dst }]),
);

/** The time zone a free-text profile location claims, or null when none is recognisable. */
export function claimedZone(location: unknown): ClaimedZone | null {
  if (typeof location !== 'string') return null;
  const norm = normalise(location);
  if (norm.trim() === '') return null;
  const pick = (rows: Row[]): ClaimedZone | null => {
    const hit = findRow(norm, rows);
    if (!hit) return null;
    const [, std, dst, us, place] = hit.row;
    return zone(place ?? titleCase(hit.name), us, std, dst);
  };
  const special = pick(US_SPECIAL);
  if (special) return special;
  const state = pick(STATE_ROWS);
  if (state) return state;
  const city = pick(US_CITIES);
  if (city) return city;
  // Two-letter state codes only in capitals ("Austin, TX"): lower-case "in", "me", "or" are
  // words, and in an all-capitals location ("LIVING IN THE USA") only after a comma.
  const raw = location.slice(0, MAX_LOCATION);
  const allCaps = !/[a-z]/.test(raw);
  for (const m of raw.matchAll(/(^|[^A-Za-z])([A-Z]{2})(?![A-Za-z])/g)) {
    if (allCaps && !/,\s*$/.test(raw.slice(0, m.index + m[1].length))) continue;
    const s = STATE_BY_ABBR.get(m[2]);
    if (s) return zone(s.name, true, s.std, s.dst);
  }
  for (const name of US_WIDE) {
    if (norm.includes(` ${name} `))
      return { place: 'the United States', us: true, offsets: [-8, -7, -6, -5, -4], primary: -6 };
  }
  return pick(FOREIGN);
}

/** "UTC-6", "UTC+5:30", "UTC" */
export function formatOffset(h: number): string {
  if (h === 0) return 'UTC';
  const sign = h < 0 ? '-' : '+';
  const a = Math.abs(h);
  const whole = Math.floor(a);
  const min = Math.round((a - whole) * 60);
  return `UTC${sign}${whole}${min ? `:${String(min).padStart(2, '0')}` : ''}`;
}

export function formatZone(z: ClaimedZone): string {
  if (z.offsets.length > 2)
    return `${formatOffset(z.offsets[0])}..${formatOffset(z.offsets[z.offsets.length - 1])}`;
  return formatOffset(z.primary);
}
