import { loadCorePosts as load, withBareKeys } from '../ingest/core-posts.ts';
import type { LoadedPosts, LoadOptions } from '../ingest/core-posts.ts';

/**
 * DEPRECATED shim, to be deleted: the loader is src/ingest/core-posts.ts (keys `platform:id`,
 * the workers' rules). `coordwatch eval` and bench/eval.ts still match accounts against labels
 * files of bare ids, so this gives them bare ids when one platform is in play, until they key
 * their labels `platform:id` (ingest/core-posts.ts `bareKeys` / core/keys.ts `accountKey`).
 */
export type { LoadedPosts, LoadOptions };

export async function loadCorePosts(file: string, opts: LoadOptions = {}): Promise<LoadedPosts> {
  return withBareKeys(await load(file, opts));
}
