/** Word lists for the simulator: enough variety that organic texts rarely coincide by chance. */

export const FIRST_NAMES = [
  'james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth',
  'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen',
  'chris', 'nancy', 'daniel', 'lisa', 'matt', 'betty', 'anthony', 'margaret', 'mark', 'sandra',
  'donald', 'ashley', 'steven', 'kim', 'paul', 'emily', 'andrew', 'donna', 'josh', 'michelle',
  'kenneth', 'dorothy', 'kevin', 'carol', 'brian', 'amanda', 'george', 'melissa', 'ed', 'deborah',
  'tyler', 'maria', 'jose', 'rosa', 'luis', 'tanya', 'dwayne', 'keisha', 'cody', 'brittany',
];

export const LAST_NAMES = [
  'smith', 'johnson', 'williams', 'brown', 'jones', 'garcia', 'miller', 'davis', 'rodriguez', 'martinez',
  'hernandez', 'lopez', 'gonzalez', 'wilson', 'anderson', 'thomas', 'taylor', 'moore', 'jackson', 'martin',
  'lee', 'perez', 'thompson', 'white', 'harris', 'sanchez', 'clark', 'ramirez', 'lewis', 'robinson',
  'walker', 'young', 'allen', 'king', 'wright', 'scott', 'torres', 'nguyen', 'hill', 'flores',
  'green', 'adams', 'nelson', 'baker', 'hall', 'rivera', 'campbell', 'mitchell', 'carter', 'roberts',
];

/** [location as people write it, UTC offset in hours during US daylight time] */
export const US_PLACES: [string, number][] = [
  ['New York, NY', -4], ['Brooklyn, NY', -4], ['Boston, MA', -4], ['Philadelphia, PA', -4], ['Atlanta, GA', -4],
  ['Miami, FL', -4], ['Orlando, FL', -4], ['Charlotte, NC', -4], ['Detroit, MI', -4], ['Columbus, OH', -4],
  ['Pittsburgh', -4], ['Richmond, VA', -4], ['Baltimore, MD', -4], ['Ohio, USA', -4], ['Florida', -4],
  ['Chicago, IL', -5], ['Houston, TX', -5], ['Dallas, TX', -5], ['Austin, TX', -5], ['San Antonio, TX', -5],
  ['Minneapolis, MN', -5], ['Nashville, TN', -5], ['Kansas City, MO', -5], ['New Orleans, LA', -5], ['Texas, USA', -5],
  ['Denver, CO', -6], ['Salt Lake City, UT', -6], ['Albuquerque, NM', -6], ['Phoenix, AZ', -7],
  ['Los Angeles, CA', -7], ['San Diego, CA', -7], ['San Francisco, CA', -7], ['Seattle, WA', -7], ['Portland, OR', -7],
  ['Las Vegas, NV', -7], ['California', -7],
];

export const COMMON_WORDS = [
  'the', 'a', 'is', 'to', 'and', 'of', 'in', 'it', 'that', 'for', 'on', 'with', 'this', 'was', 'just', 'so', 'my',
  'but', 'not', 'be', 'have', 'at', 'you', 'all', 'are', 'we', 'they', 'like', 'what', 'about', 'out', 'up',
  'get', 'really', 'today', 'now', 'one', 'time', 'people', 'think', 'know', 'good', 'new', 'still', 'going',
  'cant', 'dont', 'im', 'love', 'great', 'lol', 'tonight', 'again', 'never', 'more', 'every', 'some', 'much',
];

export const TOPIC_WORDS = [
  // everyday
  'coffee', 'work', 'weekend', 'traffic', 'rain', 'sunshine', 'dinner', 'pizza', 'tacos', 'gym', 'dog', 'cat',
  'kids', 'school', 'homework', 'commute', 'monday', 'friday', 'vacation', 'beach', 'hiking', 'garden', 'recipe',
  'netflix', 'movie', 'album', 'concert', 'podcast', 'book', 'game', 'phone', 'laptop', 'update', 'battery',
  // sports
  'touchdown', 'quarterback', 'playoffs', 'homerun', 'pitcher', 'refs', 'overtime', 'draft', 'coach', 'season',
  'lakers', 'yankees', 'cowboys', 'packers', 'warriors', 'dodgers', 'bulls', 'eagles', 'patriots', 'rangers',
  // politics, everyday register
  'debate', 'senate', 'congress', 'governor', 'mayor', 'taxes', 'healthcare', 'economy', 'jobs', 'prices',
  'gas', 'rent', 'inflation', 'border', 'climate', 'vote', 'polls', 'candidate', 'campaign', 'speech',
  'policy', 'budget', 'schools', 'police', 'court', 'ruling', 'bill', 'law', 'president', 'election',
  // misc
  'storm', 'heat', 'snow', 'fire', 'power', 'outage', 'festival', 'parade', 'market', 'stocks', 'crypto',
  'science', 'space', 'launch', 'rocket', 'museum', 'art', 'painting', 'poetry', 'history', 'church',
];

export const ADJECTIVES = [
  'amazing', 'terrible', 'crazy', 'beautiful', 'boring', 'huge', 'tiny', 'weird', 'awesome', 'awful', 'wild',
  'perfect', 'strange', 'funny', 'sad', 'brilliant', 'lazy', 'busy', 'quiet', 'loud', 'cold', 'hot', 'late',
];

export const ORGANIC_HASHTAGS = [
  'mondaymotivation', 'tbt', 'nfl', 'mlb', 'nba', 'debate', 'election2024', 'vote', 'foodie', 'weather', 'news',
  'music', 'movies', 'gameday', 'fridayfeeling', 'tech', 'politics', 'health', 'travel', 'photography', 'love',
  'dogsoftwitter', 'catsoftwitter', 'books', 'art', 'fitness', 'football', 'baseball', 'breaking', 'traffic',
];

export const NEWS_DOMAINS = [
  'nytimes.com', 'washingtonpost.com', 'cnn.com', 'foxnews.com', 'nbcnews.com', 'apnews.com', 'reuters.com',
  'npr.org', 'usatoday.com', 'wsj.com', 'espn.com', 'theverge.com', 'bbc.com', 'politico.com', 'youtube.com',
  'latimes.com', 'chicagotribune.com', 'houstonchronicle.com', 'axios.com', 'bloomberg.com',
];

export const STOCK_PHRASES = [
  'good morning everyone', 'happy friday everyone have a great weekend', 'thank you so much for the follow',
  'this is the best thing i have seen all day', 'cant believe this is happening right now',
  'who else is watching this right now', 'happy monday lets get this week started',
];

/** Narrative templates for planted campaigns (US-election influence themes). */
export const CAMPAIGN_THEMES: { id: string; tags: string[]; lines: string[]; domain: string }[] = [
  {
    id: 'election-fraud',
    tags: ['stopthesteal', 'riggedelection', 'electionfraud', 'votefraud'],
    domain: 'patriot-truth-news.com',
    lines: [
      'the election is rigged and the mail in ballots are being stuffed in swing states',
      'thousands of dead voters on the rolls again and nobody in the media will report it',
      'voting machines switched votes overnight and the officials are covering it up',
      'poll workers caught on camera shredding ballots while the count was paused',
      'they are printing ballots in a warehouse and the courts refuse to look at the evidence',
      'illegal ballots were trucked in at three in the morning and observers were thrown out',
    ],
  },
  {
    id: 'ukraine-aid',
    tags: ['noukraineaid', 'americafirst', 'stopthewar', 'endthewar'],
    domain: 'realamerica-daily.net',
    lines: [
      'billions for ukraine while our veterans sleep on the street this is a disgrace',
      'not one more dollar for the corrupt war in ukraine bring the money home',
      'our tax money is funding mansions for ukrainian officials while families here struggle',
      'the ukraine aid is laundered back to politicians and everyone in washington knows it',
      'why are we paying for a foreign war when we cannot pay for groceries',
    ],
  },
  {
    id: 'civil-war',
    tags: ['deepstate', 'civilwar2024', 'wakeupamerica', 'draintheswamp'],
    domain: 'freedom-voice-report.org',
    lines: [
      'the deep state will never allow a fair election and a civil war is coming',
      'the fbi and the cia are running the country and the president is a puppet',
      'americans are done with the corrupt system and the streets will decide this time',
      'the government is preparing camps for patriots who speak the truth',
      'the elites want us divided so they can keep stealing from working people',
    ],
  },
  {
    id: 'dont-vote',
    tags: ['dontvote', 'bothpartiesarethesame', 'boycottelection', 'nobodyforpresident'],
    domain: 'the-people-first.info',
    lines: [
      'your vote does not count so stay home on election day and let them see the empty lines',
      'both parties are the same and voting only gives them a mandate to keep lying',
      'do not vote this year it is the only protest they cannot ignore',
      'voting is pointless when the winner is picked before the polls open',
    ],
  },
  {
    id: 'taiwan-scs',
    tags: ['taiwan', 'southchinasea', 'peace', 'usoutofasia'],
    domain: 'asia-truth-today.com',
    lines: [
      'the us navy is provoking war in the south china sea and americans will pay for it',
      'taiwan is being used as a pawn by washington warmongers who do not care about peace',
      'american weapons sales to taiwan only make the region more dangerous for everyone',
      'the south china sea is not our business and our sailors should come home',
    ],
  },
  {
    id: 'tiktok',
    tags: ['savetiktok', 'tiktokban', 'freespeech', 'handsoffourapp'],
    domain: 'youth-voice-now.net',
    lines: [
      'banning tiktok is censorship and the politicians want to silence young voters',
      'the tiktok ban is about control not security and we will remember in november',
      'congress takes money from big tech and then bans the app we actually use',
      'if they can ban tiktok they can ban any app that lets us speak freely',
    ],
  },
];

/** Synonyms and fillers for paraphrase rings. */
export const SYNONYMS: Record<string, string[]> = {
  rigged: ['stolen', 'fixed', 'fraudulent'],
  ballots: ['votes', 'ballot papers'],
  election: ['vote', 'race'],
  nobody: ['no one', 'not a single person'],
  media: ['press', 'news'],
  corrupt: ['crooked', 'dirty'],
  money: ['cash', 'funds', 'dollars'],
  war: ['conflict', 'fight'],
  disgrace: ['shame', 'scandal'],
  families: ['people', 'households'],
  americans: ['people', 'citizens', 'voters'],
  government: ['regime', 'administration'],
  coming: ['near', 'on its way'],
  truth: ['facts', 'reality'],
  vote: ['ballot'],
  pointless: ['useless', 'meaningless'],
  dangerous: ['unsafe', 'risky'],
  home: ['back', 'home now'],
  censorship: ['suppression', 'silencing'],
  young: ['younger', 'new'],
  country: ['nation'],
  everyone: ['everybody', 'all of us'],
  officials: ['bureaucrats', 'politicians'],
  evidence: ['proof', 'facts'],
  streets: ['people', 'public'],
};

export const FILLERS = ['honestly', 'literally', 'folks', 'wake up', 'seriously', 'again', 'now', 'clearly', 'sadly', 'frankly'];

/** Short texts a repurposed account posts after reactivation, in its new language. */
export const FOREIGN_LINES: Record<'zh' | 'ru', string[]> = {
  zh: [
    '美国大选就是一场闹剧，民主只是口号',
    '华盛顿的政客只关心自己的利益',
    '美国人民需要和平而不是战争',
    '台湾问题是中国内政，美国不应干涉',
    '美国社会分裂严重，内战一触即发',
  ],
  ru: [
    'выборы в сша это цирк и все давно решено',
    'американцы устали от войны и лжи вашингтона',
    'деньги налогоплательщиков уходят на чужую войну',
    'глубинное государство управляет америкой',
    'демократия в сша только на словах',
  ],
};
