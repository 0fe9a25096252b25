/* global document, location, fetch, setTimeout, clearTimeout */
// coordwatch console: keyboard triage, review actions and the network graph.
// Served as a file (CSP script-src 'self'); it never builds HTML from strings: every text
// goes in through textContent, so hostile handles and posts stay text.
'use strict';

(function () {
  const body = document.body;
  const page = body.dataset.page;
  // the review rules live on the server (src/alerts/review-rules.ts); the page says what this key may do
  const canWrite = body.dataset.canReview === '1';

  function toast(msg, bad) {
    const t = document.getElementById('toast');
    if (!t) return;
    t.textContent = msg;
    t.className = bad ? 'show bad' : 'show';
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (t.className = ''), 4000);
  }

  // the session's CSRF token, set by the server at login in a script-readable cookie
  function csrfToken() {
    const m = /(?:^|;\s*)cw_csrf=([^;]*)/.exec(document.cookie);
    return m ? decodeURIComponent(m[1]) : '';
  }

  async function api(method, url, payload) {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-coordwatch-csrf': csrfToken(), accept: 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      const msg = data && data.error ? data.error.message : 'request failed (' + res.status + ')';
      throw new Error(msg);
    }
    return data;
  }

  // a note, asked in the page's own dialog (no window.prompt)
  function askNote(title, required) {
    const dlg = document.getElementById('note-dialog');
    const text = document.getElementById('note-text');
    if (!dlg || !text || typeof dlg.showModal !== 'function') return Promise.resolve(null);
    document.getElementById('note-title').textContent = title;
    document.getElementById('note-hint').textContent = required ? 'A note is required.' : '';
    text.value = '';
    return new Promise((resolve) => {
      const form = document.getElementById('note-form');
      const cancel = document.getElementById('note-cancel');
      const done = (v) => {
        form.removeEventListener('submit', onSubmit);
        cancel.removeEventListener('click', onCancel);
        dlg.removeEventListener('cancel', onCancel);
        if (dlg.open) dlg.close();
        resolve(v);
      };
      const onSubmit = (ev) => {
        ev.preventDefault();
        const v = text.value.trim();
        if (required && !v) {
          document.getElementById('note-hint').textContent = 'A note is required.';
          return;
        }
        done(v);
      };
      const onCancel = (ev) => {
        if (ev) ev.preventDefault();
        done(null);
      };
      form.addEventListener('submit', onSubmit);
      cancel.addEventListener('click', onCancel);
      dlg.addEventListener('cancel', onCancel);
      dlg.showModal();
      text.focus();
    });
  }

  const NEEDS_NOTE = { dismissed: true, escalated: true };
  const LABEL = { in_review: 'Start review', confirmed: 'Confirm', dismissed: 'Dismiss', escalated: 'Escalate', open: 'Reopen' };

  async function transition(id, to) {
    let note;
    if (NEEDS_NOTE[to]) {
      note = await askNote(LABEL[to] + ' alert #' + id, true);
      if (note === null) return false;
    }
    try {
      await api('POST', '/v1/alerts/' + encodeURIComponent(id) + '/transitions', note ? { to, note } : { to });
      toast('Alert #' + id + ' → ' + to);
      return true;
    } catch (e) {
      toast(e.message, true);
      return false;
    }
  }

  async function assignMe(id) {
    try {
      await api('POST', '/v1/alerts/' + encodeURIComponent(id) + '/assignment', {});
      toast('Alert #' + id + ' assigned to you');
      return true;
    } catch (e) {
      toast(e.message, true);
      return false;
    }
  }

  function typing(ev) {
    const t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return true;
    if (document.querySelector('dialog[open]')) return true;
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  }

  const KEY_TO = { c: 'confirmed', d: 'dismissed', e: 'escalated', r: 'in_review' };

  // ---- queue ----
  if (page === 'queue') {
    const rows = Array.from(document.querySelectorAll('tr.alert-row'));
    let cur = -1;
    const select = (i) => {
      if (!rows.length) return;
      cur = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach((r, k) => r.classList.toggle('selected', k === cur));
      rows[cur].scrollIntoView({ block: 'nearest' });
    };
    rows.forEach((r, k) => r.addEventListener('click', (ev) => {
      if (ev.target.tagName !== 'A') select(k);
    }));
    if (rows.length) select(0);
    document.addEventListener('keydown', async (ev) => {
      if (typing(ev)) return;
      const row = rows[cur];
      if (ev.key === 'j') select(cur + 1);
      else if (ev.key === 'k') select(cur - 1);
      else if ((ev.key === 'Enter' || ev.key === 'o') && row) location.href = row.dataset.href;
      else if (canWrite && row && ev.key === 'a') {
        if (await assignMe(row.dataset.id)) row.querySelector('.assignee').textContent = body.dataset.me;
      } else if (canWrite && row && KEY_TO[ev.key]) {
        ev.preventDefault();
        const to = KEY_TO[ev.key];
        if (await transition(row.dataset.id, to)) {
          row.dataset.status = to;
          const st = row.querySelector('.st');
          st.textContent = '';
          const b = document.createElement('span');
          b.className = 'badge st-' + to;
          b.textContent = to.replace('_', ' ');
          st.appendChild(b);
          select(cur + 1);
        }
      } else return;
      ev.preventDefault();
    });
  }

  // ---- one alert ----
  if (page === 'alert') {
    const art = document.getElementById('alert');
    const id = art.dataset.id;
    const reload = () => location.reload();
    document.querySelectorAll('[data-transition]').forEach((b) =>
      b.addEventListener('click', async () => {
        if (await transition(id, b.dataset.transition)) reload();
      }),
    );
    document.querySelectorAll('[data-assign]').forEach((b) =>
      b.addEventListener('click', async () => {
        if (await assignMe(id)) reload();
      }),
    );
    const addNote = async () => {
      const note = await askNote('Note on alert #' + id, true);
      if (!note) return;
      try {
        await api('POST', '/v1/alerts/' + encodeURIComponent(id) + '/notes', { note });
        reload();
      } catch (e) {
        toast(e.message, true);
      }
    };
    document.querySelectorAll('[data-note]').forEach((b) => b.addEventListener('click', addNote));
    document.querySelectorAll('[data-decide]').forEach((b) =>
      b.addEventListener('click', async () => {
        const key = b.dataset.account;
        const i = key.indexOf(':');
        const url = '/v1/alerts/' + encodeURIComponent(id) + '/members/' + encodeURIComponent(key.slice(0, i)) + '/' + encodeURIComponent(key.slice(i + 1)) + '/decision';
        try {
          await api('PUT', url, { decision: b.dataset.decide });
          reload();
        } catch (e) {
          toast(e.message, true);
        }
      }),
    );
    document.addEventListener('keydown', async (ev) => {
      if (typing(ev)) return;
      const to = KEY_TO[ev.key];
      if (to) {
        // only the moves the page offers (the server checks again)
        const btn = document.querySelector('[data-transition="' + to + '"]');
        if (!btn) return;
        ev.preventDefault();
        if (await transition(id, to)) reload();
      } else if (ev.key === 'a' && canWrite) {
        ev.preventDefault();
        if (await assignMe(id)) reload();
      } else if (ev.key === 'n' && canWrite) {
        ev.preventDefault();
        addNote();
      } else if (ev.key === 'u') {
        location.href = '/console/alerts';
      }
    });
    drawGraph(document.getElementById('graph'));
  }

  // ---- the network: a small force layout, drawn as SVG ----
  async function drawGraph(el) {
    if (!el) return;
    let g;
    try {
      const res = await fetch(el.dataset.src, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error('graph: ' + res.status);
      g = await res.json();
    } catch (e) {
      el.textContent = 'The network could not be loaded: ' + e.message;
      return;
    }
    el.textContent = '';
    const nodes = g.nodes.slice(0, 300);
    const index = new Map(nodes.map((n, i) => [n.id, i]));
    const edges = g.edges.filter((e) => index.has(e.a) && index.has(e.b));
    const W = 900;
    const H = 520;
    const N = nodes.length;
    // deterministic start: a circle
    const pos = nodes.map((_, i) => ({ x: W / 2 + 200 * Math.cos((2 * Math.PI * i) / N), y: H / 2 + 200 * Math.sin((2 * Math.PI * i) / N), vx: 0, vy: 0 }));
    const maxW = Math.max(1, ...edges.map((e) => e.weight));
    const k = Math.min(240, Math.sqrt((W * H) / Math.max(1, N)));
    for (let it = 0; it < 250; it++) {
      const temp = 20 * (1 - it / 250) + 0.5;
      for (let i = 0; i < N; i++) {
        pos[i].vx = 0;
        pos[i].vy = 0;
      }
      for (let i = 0; i < N; i++) {
        for (let j = i + 1; j < N; j++) {
          let dx = pos[i].x - pos[j].x;
          let dy = pos[i].y - pos[j].y;
          const d2 = Math.max(0.01, dx * dx + dy * dy);
          const f = (k * k) / d2;
          pos[i].vx += dx * f;
          pos[i].vy += dy * f;
          pos[j].vx -= dx * f;
          pos[j].vy -= dy * f;
        }
      }
      for (const e of edges) {
        const a = pos[index.get(e.a)];
        const b = pos[index.get(e.b)];
        const dx = a.x - b.x;
        const dy = a.y - b.y;
        const d = Math.max(0.1, Math.sqrt(dx * dx + dy * dy));
        const f = (d / k) * (0.2 + (0.6 * e.weight) / maxW);
        a.vx -= dx * f;
        a.vy -= dy * f;
        b.vx += dx * f;
        b.vy += dy * f;
      }
      for (const p of pos) {
        p.vx += (W / 2 - p.x) * 0.004;
        p.vy += (H / 2 - p.y) * 0.004;
        const m = Math.sqrt(p.vx * p.vx + p.vy * p.vy) || 1;
        p.x = Math.max(20, Math.min(W - 20, p.x + (p.vx / m) * Math.min(m, temp)));
        p.y = Math.max(20, Math.min(H - 20, p.y + (p.vy / m) * Math.min(m, temp)));
      }
    }
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    svg.setAttribute('class', 'graph');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'network of ' + N + ' members and ' + edges.length + ' links');
    for (const e of edges) {
      const a = pos[index.get(e.a)];
      const b = pos[index.get(e.b)];
      const l = document.createElementNS(NS, 'line');
      l.setAttribute('x1', a.x.toFixed(1));
      l.setAttribute('y1', a.y.toFixed(1));
      l.setAttribute('x2', b.x.toFixed(1));
      l.setAttribute('y2', b.y.toFixed(1));
      l.setAttribute('stroke-width', (0.5 + (3 * e.weight) / maxW).toFixed(2));
      l.setAttribute('class', 'edge');
      const t = document.createElementNS(NS, 'title');
      t.textContent = e.kinds.join(', ') + ' × ' + e.weight;
      l.appendChild(t);
      svg.appendChild(l);
    }
    nodes.forEach((n, i) => {
      const a = document.createElementNS(NS, 'a');
      const c = n.id.indexOf(':');
      a.setAttribute('href', '/console/accounts/' + encodeURIComponent(n.id.slice(0, c)) + '/' + encodeURIComponent(n.id.slice(c + 1)));
      const circle = document.createElementNS(NS, 'circle');
      circle.setAttribute('cx', pos[i].x.toFixed(1));
      circle.setAttribute('cy', pos[i].y.toFixed(1));
      circle.setAttribute('r', n.role === 'hub' ? '9' : n.role === 'core' ? '7' : '5');
      circle.setAttribute('class', 'node role-' + n.role);
      const t = document.createElementNS(NS, 'title');
      t.textContent = n.label + ' (' + n.role + ')';
      circle.appendChild(t);
      a.appendChild(circle);
      if (N <= 60) {
        const label = document.createElementNS(NS, 'text');
        label.setAttribute('x', (pos[i].x + 10).toFixed(1));
        label.setAttribute('y', (pos[i].y + 4).toFixed(1));
        label.setAttribute('class', 'node-label');
        label.textContent = n.label.slice(0, 24);
        a.appendChild(label);
      }
      svg.appendChild(a);
    });
    el.appendChild(svg);
    const cap = document.createElement('p');
    cap.className = 'hint';
    cap.textContent = N + ' members, ' + edges.length + ' links' + (g.source === 'derived' ? ' (from shared texts, links and reposts)' : ' (coordination edges)') + '.';
    el.appendChild(cap);
    el.dataset.ready = '1';
  }
})();
