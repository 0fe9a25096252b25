import crypto from 'node:crypto';
import type { ParsedRecord } from '../../core/types.ts';
import { extractUrls } from '../read/extract.ts';
import { readJsonRecords } from '../read/json-records.ts';
import { accepted, jsonText, kindOf, rejected } from '../read/records.ts';
import type { PeekableBytes } from '../read/source.ts';
import { validatePost } from '../read/validate.ts';
import type { LoosePost } from '../read/validate.ts';
import { defineAdapter } from '../types.ts';
import type { ReadContext, RecordBatches } from '../types.ts';
import { parseLossless } from './tiktok-research.ts';

/**
 * Telegram messages, in the two shapes researchers have:
 * - Telethon `Message.to_dict()` dumps, one JSON per line (`_: "Message"`, `peer_id`, `id`,
 *   `date`, `message`, `fwd_from`, `reply_to`, `from_id`, `entities`);
 * - a Telegram Desktop export `result.json` (`{name, type, id, messages: [...]}`); the whole
 *   document is one JSON value, so it is held in memory (up to the line limit, 16 MiB by default):
 *   split a larger export, or use Telethon.
 *
 * Message ids are per chat, so `post_id` is `<chat id>/<message id>` (`1799276919/2483`); the
 * account is the sender (`from_id`) where there is one, else the channel itself. A forward is a
 * repost of its source: `repost_of` = `<source channel>/<source post>` (the key the source's own
 * message has), and the object `fwd:<that key>` for co_forward. A forward from a hidden or private
 * sender has no source id: its key is a hash of the sender name and original date, which two
 * channels forwarding the same message share.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function idStr(v: unknown): string | null {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return null;
}

/** The numeric id of a Telethon Peer (`PeerChannel`, `PeerUser`, `PeerChat`). */
export function peerId(p: unknown): string | null {
  if (!isObject(p)) return null;
  return idStr(p.channel_id) ?? idStr(p.user_id) ?? idStr(p.chat_id);
}

function hashKey(...parts: unknown[]): string {
  return crypto.createHash('md5').update(parts.map((x) => String(x ?? '')).join('\u001f')).digest('hex').slice(0, 20);
}

/** The source key of a Telethon forward header, or null if it is not a forward. */
export function telethonForwardKey(fwd: unknown): string | null {
  if (!isObject(fwd)) return null;
  const src = peerId(fwd.from_id);
  const post = idStr(fwd.channel_post);
  if (src !== null && post !== null) return `${src}/${post}`;
  const saved = peerId(fwd.saved_from_peer);
  const savedMsg = idStr(fwd.saved_from_msg_id);
  if (saved !== null && savedMsg !== null) return `${saved}/${savedMsg}`;
  return `fwd-${hashKey(src ?? fwd.from_name, fwd.date)}`;
}

function telethonUrls(m: Json, text: string): string[] {
  const urls = extractUrls(text);
  if (Array.isArray(m.entities)) {
    for (const e of m.entities) {
      if (isObject(e) && e._ === 'MessageEntityTextUrl' && typeof e.url === 'string' && !urls.includes(e.url)) urls.push(e.url);
    }
  }
  return urls;
}

export function telethonToLoose(m: Json): { loose: LoosePost; objects: string[] } {
  const chat = peerId(m.peer_id);
  const text = typeof m.message === 'string' ? m.message : '';
  const fwd = telethonForwardKey(m.fwd_from);
  const reply = isObject(m.reply_to) ? idStr(m.reply_to.reply_to_msg_id) : null;
  const sender = peerId(m.from_id) ?? chat;
  return {
    loose: {
      platform: 'telegram',
      post_id: chat !== null && idStr(m.id) !== null ? `${chat}/${idStr(m.id)}` : null,
      posted_at: m.date,
      text,
      lang: null,
      urls: telethonUrls(m, text),
      hashtags: null,
      mentions: null,
      repost_of: fwd,
      reply_to: reply !== null && chat !== null ? `${chat}/${reply}` : null,
      account: { id: sender, display_name: typeof m.post_author === 'string' ? m.post_author : null },
    },
    objects: fwd === null ? [] : [`fwd:${fwd}`],
  };
}

/** Desktop exports write text as a string or as an array of strings and `{type, text, href}` parts. */
export function desktopText(t: unknown): { text: string; links: string[] } {
  if (typeof t === 'string') return { text: t, links: [] };
  if (!Array.isArray(t)) return { text: '', links: [] };
  let text = '';
  const links: string[] = [];
  for (const part of t) {
    if (typeof part === 'string') text += part;
    else if (isObject(part)) {
      if (typeof part.text === 'string') text += part.text;
      if (typeof part.href === 'string' && !links.includes(part.href)) links.push(part.href);
    }
  }
  return { text, links };
}

/** `channel1292077344` / `user42` → the numeric id */
function desktopPeer(v: unknown): string | null {
  if (typeof v === 'number') return idStr(v);
  if (typeof v !== 'string') return null;
  const m = /^(?:channel|user|chat)?(-?\d+)$/.exec(v);
  return m === null ? null : m[1];
}

export function desktopToLoose(chatId: string, m: Json): { loose: LoosePost; objects: string[] } {
  const { text, links } = desktopText(m.text);
  const urls = extractUrls(text);
  for (const l of links) if (!urls.includes(l)) urls.push(l);
  const fwdFrom = m.forwarded_from_id ?? m.forwarded_from;
  // Desktop exports name the source but give no source message id: key by source and text.
  const fwd = fwdFrom !== undefined && fwdFrom !== null ? `fwd-${hashKey(fwdFrom, text)}` : null;
  const reply = idStr(m.reply_to_message_id);
  return {
    loose: {
      platform: 'telegram',
      post_id: idStr(m.id) === null ? null : `${chatId}/${idStr(m.id)}`,
      // date_unixtime (newer exports) is exact; `date` is the exporting machine's local time
      posted_at: m.date_unixtime ?? m.date,
      text,
      lang: null,
      urls,
      hashtags: null,
      mentions: null,
      repost_of: fwd,
      reply_to: reply === null ? null : `${chatId}/${reply}`,
      account: { id: desktopPeer(m.from_id) ?? chatId, display_name: typeof m.from === 'string' ? m.from : null },
    },
    objects: fwd === null ? [] : [`fwd:${fwd}`],
  };
}

function toRecord(
  built: { loose: LoosePost; objects: string[] },
  raw: string,
  file: string,
  line: number,
  item: number | null,
  ctx: ReadContext,
  mayHaveNul: boolean,
): ParsedRecord {
  const r = validatePost({ ...built.loose, objects: built.objects }, ctx, mayHaveNul);
  if (typeof r === 'string') {
    const reason = r === 'missing required field: text' ? 'message has no text (media only or empty), and is not a forward' : r;
    return rejected(file, line, item, raw, reason);
  }
  return accepted(r, file, line, item);
}

export function isTelethonMessage(o: Json): boolean {
  return (o._ === 'Message' || o._ === 'MessageService') && 'peer_id' in o;
}

export function isDesktopExport(o: Json): boolean {
  return Array.isArray(o.messages) && ('type' in o || 'name' in o) && 'id' in o;
}

export function telegramRecords(v: unknown, raw: string, file: string, line: number, item: number | null, ctx: ReadContext, out: ParsedRecord[]): void {
  const mayHaveNul = raw.includes('\\u0000');
  if (!isObject(v)) {
    out.push(rejected(file, line, item, raw, `expected a Telegram message or export object, got ${kindOf(v)}`));
    return;
  }
  if (isDesktopExport(v)) {
    const chat = desktopPeer(v.id);
    const msgs = v.messages as unknown[];
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      const mraw = jsonText(m);
      if (!isObject(m)) out.push(rejected(file, line, i, mraw, `expected a message object, got ${kindOf(m)}`));
      else if (m.type === 'service') out.push(rejected(file, line, i, mraw, `service message (${String(m.action ?? 'action')}), not a post`));
      else if (chat === null) out.push(rejected(file, line, i, mraw, 'export has no chat id'));
      else out.push(toRecord(desktopToLoose(chat, m), mraw, file, line, i, ctx, mayHaveNul));
    }
    return;
  }
  if (v._ === 'MessageService') {
    const action = isObject(v.action) ? String(v.action._ ?? 'action') : 'action';
    out.push(rejected(file, line, item, raw, `service message (${action}), not a post`));
    return;
  }
  if (v._ !== 'Message') {
    out.push(rejected(file, line, item, raw, `not a Telethon Message: ${JSON.stringify(v._ ?? null)}`));
    return;
  }
  out.push(toRecord(telethonToLoose(v), raw, file, line, item, ctx, mayHaveNul));
}

export function readTelegram(bytes: PeekableBytes, ctx: ReadContext): RecordBatches {
  // lossless: Telethon writes 64-bit ids (webpage, photo, grouped ids) as bare numbers
  return readJsonRecords(bytes, ctx, (value, it, out) => telegramRecords(value, it.text, ctx.file, it.line, it.item, ctx, out), parseLossless);
}

export const telegram = defineAdapter({
  name: 'telegram',
  description: 'Telegram: Telethon Message.to_dict() dumps (one per line) and Telegram Desktop result.json exports; forwards are reposts',
  defaultPlatform: 'telegram',
  sniffJson: (o) => (isTelethonMessage(o) || isDesktopExport(o) ? 95 : null),
  sniffText: (text) =>
    (text.includes('"_": "Message"') || text.includes('"_":"Message"')) && text.includes('"peer_id"')
      ? 95
      : /"messages"\s*:\s*\[/.test(text) && /"type"\s*:\s*"(personal_chat|private_channel|public_channel|private_group|public_supergroup|private_supergroup|bot_chat|saved_messages)"/.test(text)
        ? 95
        : null,
  read: readTelegram,
});
