import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiRole } from '../db/schema/index.ts';
import type { ApiKeyRepository } from '../db/api-key-repository.ts';
import { ApiError } from './errors.ts';

/** What a route needs. `ingest` keys only post data; the others are a ladder. */
export type Need = 'viewer' | 'analyst' | 'lead' | 'admin' | 'ingest';

const RANK: Record<Exclude<ApiRole, 'ingest'>, number> = { viewer: 1, analyst: 2, lead: 3, admin: 4 };

export function allows(role: ApiRole, need: Need): boolean {
  if (need === 'ingest') return role === 'ingest' || role === 'admin';
  if (role === 'ingest') return false;
  return RANK[role] >= RANK[need];
}

export const COOKIE = 'cw_key';
/** Cookie-authenticated writes must carry this header: a cross-site form cannot set it. */
export const CSRF_HEADER = 'x-coordwatch-csrf';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
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

/** The key a request presents and how: Authorization: Bearer, X-API-Key, or the console cookie. */
export function presentedKey(req: FastifyRequest): { key: string; via: 'header' | 'cookie' } | null {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? { key: m[1]!, via: 'header' } : { key: '', via: 'header' };
  }
  const x = req.headers['x-api-key'];
  if (typeof x === 'string' && x) return { key: x, via: 'header' };
  const c = parseCookies(req.headers.cookie)[COOKIE];
  if (c) return { key: c, via: 'cookie' };
  return null;
}

/** Rate-limit bucket: the presented key (hashed, never logged clear) or the client address. */
export function rateKey(req: FastifyRequest): string {
  const p = presentedKey(req);
  if (p?.key) return 'k:' + createHash('sha256').update(p.key).digest('hex').slice(0, 24);
  return 'ip:' + req.ip;
}

export function authHook(keys: ApiKeyRepository) {
  return async function authenticate(req: FastifyRequest): Promise<void> {
    req.apiKey = null;
    req.authVia = null;
    const p = presentedKey(req);
    if (!p) return;
    const info = p.key ? await keys.verify(p.key) : null;
    if (!info) {
      // a bad header key is an error at once; a stale console cookie just means "log in again"
      if (p.via === 'header') throw new ApiError(401, 'unauthenticated', 'the API key is unknown or revoked');
      return;
    }
    req.apiKey = info;
    req.authVia = p.via;
    keys.touch(info.id).catch(() => {});
  };
}

/** Route guard: 401 without a key, 403 when the key's role is short, 403 on a cookie write without the CSRF header. */
export function requireRole(need: Need) {
  return async function guard(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    if (!req.apiKey) throw new ApiError(401, 'unauthenticated', 'an API key is required (Authorization: Bearer <key>)');
    if (!allows(req.apiKey.role, need)) {
      throw new ApiError(403, 'forbidden', `this needs the ${need} role; the key "${req.apiKey.name}" is ${req.apiKey.role}`);
    }
    if (req.authVia === 'cookie' && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.headers[CSRF_HEADER] !== '1') {
      throw new ApiError(403, 'csrf', `a console write must carry the ${CSRF_HEADER} header`);
    }
  };
}

/** The name that goes into the audit log. */
export function actorOf(req: FastifyRequest): string {
  return req.apiKey ? req.apiKey.name : 'anonymous';
}
