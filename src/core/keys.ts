/**
 * Accounts and posts reach the detection core as keys `platform:id`, so two platforms'
 * ids never collide. Platforms carry no colon; ids may.
 */
export const accountKey = (platform: string, id: string) => `${platform}:${id}`;
export const postKey = accountKey;

export function splitKey(key: string): { platform: string; id: string } {
  const i = key.indexOf(':');
  return i < 0 ? { platform: '', id: key } : { platform: key.slice(0, i), id: key.slice(i + 1) };
}
