import type { FastifyReply } from 'fastify';
import { canReview } from '../../alerts/review-rules.ts';
import type { ApiKeyInfo } from '../../db/api-key-repository.ts';
import { html, qs } from './html.ts';
import type { SafeHtml } from './html.ts';

export interface PageOpts {
  title: string;
  page: string;
  me: ApiKeyInfo | null;
  body: SafeHtml;
}

/** Every console page: one stylesheet, one deferred script, no inline code (CSP script-src 'self'). */
export function layout(o: PageOpts): string {
  return (
    '<!doctype html>\n' +
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · coordwatch</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/console.js" defer></script>
</head>
<body data-page="${o.page}" data-role="${o.me?.role ?? ''}" data-can-review="${o.me && canReview(o.me.role) ? '1' : ''}" data-me="${o.me?.name ?? ''}">
<header class="top">
  <a class="brand" href="/console/alerts">coordwatch</a>
  <nav>
    <a href="/console/alerts" data-nav="queue">Queue</a>
    <a href="/console/posts" data-nav="posts">Posts</a>
    <a href="/console/accounts" data-nav="accounts">Accounts</a>
    <a href="/console/scans" data-nav="scans">Scans</a>
    <a href="/console/batches" data-nav="batches">Batches</a>
    <a href="/docs">API</a>
  </nav>
  ${o.me
    ? html`<form class="who" method="post" action="/logout"><span>${o.me.name} · ${o.me.role}</span> <button type="submit">Log out</button></form>`
    : ''}
</header>
<main>
${o.body}
</main>
<dialog id="note-dialog">
  <form method="dialog" id="note-form">
    <h3 id="note-title">Note</h3>
    <textarea id="note-text" name="note" rows="4" cols="60" maxlength="4000"></textarea>
    <p class="hint" id="note-hint"></p>
    <menu><button value="cancel" type="button" id="note-cancel">Cancel</button> <button value="ok" id="note-ok" type="submit">Save</button></menu>
  </form>
</dialog>
<div id="toast" role="status" aria-live="polite"></div>
</body>
</html>
`.value
  );
}

export function loginPage(message: string | null, next: string): string {
  return layout({
    title: 'Log in',
    page: 'login',
    me: null,
    body: html`<section class="login">
  <h1>Log in</h1>
  <p>Paste an API key (<code>coordwatch keys create --role analyst --name you</code>).</p>
  ${message ? html`<p class="error">${message}</p>` : ''}
  <form method="post" action="/login${qs({ next })}">
    <input type="password" name="key" autocomplete="off" size="60" placeholder="cw_…" required autofocus>
    <button type="submit">Log in</button>
  </form>
</section>`,
  });
}

/** An HTML answer (console pages, friendly errors). */
export const htmlReply = (reply: FastifyReply, body: string, status = 200) => reply.status(status).type('text/html; charset=utf-8').send(body);

/** The friendly HTML error page, sent. */
export const sendErrorPage = (reply: FastifyReply, me: ApiKeyInfo | null, status: number, message: string) => htmlReply(reply, errorPage(me, status, message), status);

export function errorPage(me: ApiKeyInfo | null, status: number, message: string): string {
  return layout({ title: `${status}`, page: 'error', me, body: html`<section><h1>${status}</h1><p>${message}</p><p><a href="/console/alerts">Back to the queue</a></p></section>` });
}
