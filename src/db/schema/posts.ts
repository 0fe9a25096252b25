import type { Generated, Selectable } from 'kysely';

export const tableName = 'posts';

export interface PostsTable {
  platform: string;
  post_id: string;
  account_id: string;
  posted_at: Date;
  text: string;
  lang: string | null;
  urls: Generated<string[]>;
  hashtags: Generated<string[]>;
  mentions: Generated<string[]>;
  media_hashes: Generated<string[]>;
  /** CanonicalPost.objects (`sound:…`, `like:…`, `fwd:…`), migration 2026-12-02T00-20-00 */
  objects: Generated<string[]>;
  repost_of: string | null;
  reply_to: string | null;
  batch_id: number | null;
  ingested_at: Generated<Date>;
}

export type Post = Selectable<PostsTable>;
export type PartialDB = { [tableName]: PostsTable };
