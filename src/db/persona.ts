import { createHash } from 'node:crypto';
import type { CanonicalAccount } from '../core/types.ts';

/** Identity of a persona: what an operator changes when recycling an account. */
export function personaHash(a: CanonicalAccount, lang: string | null): string {
  return createHash('sha1')
    .update(
      [a.handle, a.display_name, a.bio, a.location, a.avatar_hash, lang].map((v) => v ?? '\u0000').join('\u001f'),
    )
    .digest('hex')
    .slice(0, 20);
}
