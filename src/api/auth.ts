import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { ApiRole } from '../db/schema/index.ts';
import { hashKey } from '../db/api-key-repository.ts';
import type { ApiKeyRepository } from '../db/api-key-repository.ts';
import type { SessionRepository } from '../db/session-repository.ts';
import { registry } from '../metrics.ts';
import { ApiError } from './errors.ts';

/** What a route needs. `ingest` keys only post data; the others are a ladder. */
export type Need = 'viewer' | 'analyst' | 'lead' | 'admin' | 'ingest';

const RANK: Record<Exclude<ApiRole, 'ingest'>, number> = {
  viewer: 1,
  analyst: 2,
  lead: 3,
  admin: 4,
};

export function allows(role: ApiRole, need: Need): boolean {
  if (need === 'ingest') return role === 'ingest' || role === 'admin';
  if (role === 'ingest') return false;
  return RANK[role] >= RANK[need];
}

/** The console's session cookie: an opaque session id (never the API key). */
export const COOKIE = 'cw_session';
/** Before sessions the cookie held the raw key; login and logout wipe it. */
export const LEGACY_COOKIE = 'cw_key';
/** Readable by the console's script, which echoes it in CSRF_HEADER on every write. */
export const CSRF_COOKIE = 'cw_csrf';
export const CSRF_HEADER = 'x-coordwatch-csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export interface Presented {
  /** an API key (headers) or a session id (the cookie) */
  value: string;
  via: 'header' | 'cookie';
}

/** What a request presents and how: Authorization: Bearer, X-API-Key, or the console's session cookie. */
export function presented(req: FastifyRequest): Presented | null {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return { value: m ? m[1]! : '', via: 'header' };
  }
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x) return { value: x, via: 'header' };
  const c = parseCookies(req.headers.cookie)[COOKIE];
  if (c) return { value: c, via: 'cookie' };
  return null;
}

/** The CSRF token of a session: derived from the (secret, HttpOnly) session id, so a foreign page cannot know it. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256')
    .update('coordwatch csrf\n' + sessionToken, 'utf8')
    .digest('base64url');
}

/** Rate-limit bucket: a verified key has its own; everything else (no key, unknown keys) shares its address's. */
export function rateKey(req: FastifyRequest): string {
  return req.apiKey ? `k:${req.apiKey.id}` : `ip:${req.ip}`;
}

const lookups = new Counter({
  name: 'coordwatch_api_credential_lookups_total',
  help: 'API key and session lookups by the API, by outcome (known, unknown, cached_unknown, throttled)',
  labelNames: ['outcome'],
  registers: [registry],
});

export interface AuthLimits {
  /** how long an unknown key or session id is remembered as unknown (no second lookup) */
  negativeTtlMs: number;
  /** lookups of unknown credentials one address may cause per minute; after that none are looked up */
  unknownPerMinute: number;
  /** entries the negative cache and the per-address counters hold at most */
  maxEntries: number;
  /** how old the list of live key hashes may be when a throttled address presents a key */
  knownRefreshMs: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  negativeTtlMs: 60_000,
  unknownPerMinute: 30,
  maxEntries: 10_000,
  knownRefreshMs: 15_000,
};

/** A Map that forgets its oldest entries past `max` (insertion order). */
function boundedSet<V>(m: Map<string, V>, k: string, v: V, max: number): void {
  m.delete(k);
  m.set(k, v);
  while (m.size > max) m.delete(m.keys().next().value!);
}

/**
 * Credential checks with two guards against made-up credentials: an unknown one is cached as
 * unknown for a while (a repeat costs no database lookup), and an address that keeps presenting
 * unknown ones is throttled (its further ones are not looked up at all). Known keys are never
 * cached: a revoked key or ended session stops working at the next request.
 */
export function authenticator(
  keys: ApiKeyRepository,
  sessions: SessionRepository,
  limits: AuthLimits = DEFAULT_AUTH_LIMITS,
) {
  const unknown = new Map<string, number>();
  const failures = new Map<string, { start: number; n: number }>();
  // a throttled address (someone there sprays made-up keys) may still use a real key: its hash
  // is checked against the live keys' hashes, re-read at most every knownRefreshMs
  let known: { at: number; hashes: Promise<Set<string>> } | null = null;
  const isLiveKey = async (key: string, now: number): Promise<boolean> => {
    if (!known || now - known.at > limits.knownRefreshMs)
      known = { at: now, hashes: keys.liveHashes() };
    try {
      return (await known.hashes).has(hashKey(key));
    } catch {
      known = null;
      return false;
    }
  };

  const throttled = (ip: string, now: number): boolean => {
    const f = failures.get(ip);
    return f !== undefined && now - f.start < 60_000 && f.n >= limits.unknownPerMinute;
  };
  const fail = (ip: string, hash: string, now: number): void => {
    boundedSet(unknown, hash, now + limits.negativeTtlMs, limits.maxEntries);
    const f = failures.get(ip);
    if (!f || now - f.start >= 60_000)
      boundedSet(failures, ip, { start: now, n: 1 }, limits.maxEntries);
    else f.n++;
  };

  return {
    /** onRequest: who is asking. Never throws for a bad credential; the verdict goes on `req.authProblem`. */
    async hook(req: FastifyRequest): Promise<void> {
      req.apiKey = null;
      req.authVia = null;
      req.sessionToken = null;
      req.authProblem = null;
      const p = presented(req);
      if (!p) return;
      const now = Date.now();
      const hash = createHash('sha256')
        .update(p.via + '\n' + p.value, 'utf8')
        .digest('hex');
      const until = unknown.get(hash);
      if (until !== undefined && until > now) {
        lookups.inc({ outcome: 'cached_unknown' });
        req.authProblem = { via: p.via, reason: 'unknown' };
        return;
      }
      if (
        throttled(req.ip, now) &&
        !(p.via === 'header' && p.value && (await isLiveKey(p.value, now)))
      ) {
        lookups.inc({ outcome: 'throttled' });
        req.authProblem = { via: p.via, reason: 'throttled' };
        return;
      }
      if (p.via === 'header') {
        const info = p.value ? await keys.verify(p.value) : null;
        if (info) {
          lookups.inc({ outcome: 'known' });
          req.apiKey = info;
          req.authVia = 'header';
          keys.touch(info.id).catch(() => {});
          return;
        }
      } else {
        const s = await sessions.verify(p.value);
        if (s) {
          lookups.inc({ outcome: 'known' });
          req.apiKey = s.key;
          req.authVia = 'cookie';
          req.sessionToken = p.value;
          keys.touch(s.key.id).catch(() => {});
          return;
        }
      }
      lookups.inc({ outcome: 'unknown' });
      fail(req.ip, hash, now);
      req.authProblem = { via: p.via, reason: 'unknown' };
    },

    /** Count a failed login against the address, as an unknown key would be. */
    loginFailed(req: FastifyRequest, key: string): void {
      fail(
        req.ip,
        createHash('sha256')
          .update('header\n' + key, 'utf8')
          .digest('hex'),
        Date.now(),
      );
    },
    loginThrottled(req: FastifyRequest): boolean {
      return throttled(req.ip, Date.now());
    },
  };
}

export type Authenticator = ReturnType<typeof authenticator>;

/**
 * preValidation, after rate limiting: a bad header key is an error at once (401, or 429 when the
 * address is throttled); a stale console cookie just means "log in again" (anonymous).
 */
export async function authErrors(req: FastifyRequest): Promise<void> {
  const p = req.authProblem;
  if (!p || p.via !== 'header') return;
  if (p.reason === 'throttled')
    throw new ApiError(
      429,
      'rate_limited',
      'too many unknown keys from this address; retry in a minute',
    );
  throw new ApiError(401, 'unauthenticated', 'the API key is unknown or revoked');
}

/**
 * Whether a request comes from a page of this deployment. `Sec-Fetch-Site` (set by the browser,
 * never by a page) decides where it is sent: only `same-origin` passes. Browsers send
 * `Origin: null` on a form post under the console's `Referrer-Policy: no-referrer`, so a null
 * origin says nothing then; a real origin must still be ours. Without `Sec-Fetch-Site` (older
 * browsers) the `Origin`, else the `Referer`, must be this host or PUBLIC_URL's origin; a
 * request with neither is refused.
 */
export function sameOrigin(req: FastifyRequest, publicUrl: string | null): boolean {
  const sfs = req.headers['sec-fetch-site'];
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : null;
  if (sfs !== undefined) {
    if (sfs !== 'same-origin') return false;
    return origin === null || origin === 'null' || ours(origin, req, publicUrl);
  }
  const raw = origin ?? (typeof req.headers.referer === 'string' ? req.headers.referer : null);
  return raw !== null && ours(raw, req, publicUrl);
}

function ours(raw: string, req: FastifyRequest, publicUrl: string | null): boolean {
  let o: URL;
  try {
    o = new URL(raw);
  } catch {
    return false; // includes Origin: null (sandboxed frames, file: pages)
  }
  if (o.protocol !== 'http:' && o.protocol !== 'https:') return false;
  if (publicUrl && o.origin === new URL(publicUrl).origin) return true;
  // the Host header as a URL would spell it (`localhost:80` and `http://localhost` agree)
  let own: string;
  try {
    own = new URL(`${o.protocol}//${req.host}`).host;
  } catch {
    return false;
  }
  return o.host === own;
}

const equal = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * CSRF, for every write a cookie authenticates (the API, the console's forms, bull-board): the
 * request must come from this origin, and API writes must also carry the session's token in
 * CSRF_HEADER (bull-board's own script cannot add it; its writes rely on the origin check and
 * the SameSite=Strict cookie). Login and logout are origin-checked whether or not a cookie came.
 */
export function csrfGuard(publicUrl: string | null) {
  return async function csrf(req: FastifyRequest): Promise<void> {
    if (SAFE_METHODS.has(req.method)) return;
    const path = req.url.split('?')[0]!;
    const loginOrOut = path === '/login' || path === '/logout';
    if (req.authVia !== 'cookie' && !loginOrOut) return;
    if (!sameOrigin(req, publicUrl))
      throw new ApiError(
        403,
        'csrf',
        'a console write must come from a page of this console (Origin or Sec-Fetch-Site)',
      );
    if (req.authVia === 'cookie' && path.startsWith('/v1/')) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !equal(sent, csrfTokenFor(req.sessionToken!))) {
        throw new ApiError(
          403,
          'csrf',
          `a console write must carry the session's token in the ${CSRF_HEADER} header`,
        );
      }
    }
  };
}

/** Route guard: 401 without a key, 403 when the key's role is short. */
export function requireRole(need: Need) {
  return async function guard(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (!req.apiKey)
      throw new ApiError(
        401,
        'unauthenticated',
        'an API key is required (Authorization: Bearer <key>)',
      );
    if (!allows(req.apiKey.role, need)) {
      throw new ApiError(
        403,
        'forbidden',
        `this needs the ${need} role; the key "${req.apiKey.name}" is ${req.apiKey.role}`,
      );
    }
  };
}

/** The name that goes into the audit log. */
export function actorOf(req: FastifyRequest): string {
  return req.apiKey ? req.apiKey.name : 'anonymous';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the console session id a cookie request came with (for its CSRF token) */
    sessionToken: string | null;
    /** a credential was presented but not accepted */
    authProblem: { via: 'header' | 'cookie'; reason: 'unknown' | 'throttled' } | null;
  }
}
