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
      l.setAttribute('class', 'edge kind-' + edgeKind(e.kinds));
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
    cap.textContent = N + ' members, ' + edges.length + ' links' + ' (the coordination edges the detector built)' + '.';
    el.appendChild(cap);
    el.dataset.ready = '1';
  }
  // ---- analyst's tools (bulk actions, filter values, counts, timeline marks) ----

  // a link of several kinds is drawn as its rarest: copied text before links before reposts
  function edgeKind(kinds) {
    const order = ['co_text', 'co_similar', 'co_link', 'co_reply', 'co_hashtag_seq', 'co_repost', 'co_set'];
    for (const k of order) if ((kinds || []).indexOf(k) >= 0) return k;
    return 'other';
  }

  // the queue's narrative and platform inputs become selects of the values the data has
  async function realFilterValues() {
    const inputs = Array.from(document.querySelectorAll('input[data-values]'));
    if (!inputs.length) return;
    let v;
    try {
      const res = await fetch('/console/filters.json', { credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!res.ok) return;
      v = await res.json();
    } catch {
      return;
    }
    for (const input of inputs) {
      const values = input.dataset.values === 'narratives' ? v.narratives.map((n) => [n.id, n.title]) : v.platforms.map((p) => [p, p]);
      const sel = document.createElement('select');
      sel.name = input.name;
      sel.setAttribute('aria-label', input.name);
      sel.dataset.values = input.dataset.values;
      const any = document.createElement('option');
      any.value = '';
      any.textContent = 'any ' + input.name;
      sel.appendChild(any);
      let found = input.value === '';
      for (const [value, label] of values) {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = label;
        if (value === input.value) {
          o.selected = true;
          found = true;
        }
        sel.appendChild(o);
      }
      if (!found) {
        // a value typed into the URL stays selectable
        const o = document.createElement('option');
        o.value = input.value;
        o.textContent = input.value;
        o.selected = true;
        sel.appendChild(o);
      }
      input.replaceWith(sel);
    }
  }

  // tab counts under the page's own filters, fetched again after any change of status
  async function refreshCounts() {
    const params = new URLSearchParams(location.search);
    for (const k of ['status', 'cursor', 'limit', 'sort']) params.delete(k);
    try {
      const data = await api('GET', '/v1/alerts/counts?' + params.toString());
      const counts = data && data.counts ? data.counts : data;
      let all = 0;
      document.querySelectorAll('.tabs a[data-status]').forEach((a) => {
        const st = a.dataset.status;
        const n = a.querySelector('.n');
        if (!n) return;
        if (st) {
          n.textContent = String(counts[st] || 0);
          all += counts[st] || 0;
        }
      });
      const allTab = document.querySelector('.tabs a[data-status=""] .n');
      if (allTab) allTab.textContent = String(all);
      document.body.dataset.countsAt = String(Date.now());
    } catch (e) {
      toast('counts: ' + e.message, true);
    }
  }

  function setStatusCell(row, to) {
    row.dataset.status = to;
    const st = row.querySelector('.st');
    if (!st) return;
    st.textContent = '';
    const b = document.createElement('span');
    b.className = 'badge st-' + to;
    b.textContent = (LABEL[to] || to).replace('Start review', 'In review').replace('Confirm', 'Confirmed').replace('Dismiss', 'Dismissed').replace('Escalate', 'Escalated').replace('Reopen', 'Open');
    st.appendChild(b);
  }

  // one selection model for the queue's alerts and an alert's members
  function selection(boxSel, allId, barId, countId, noun) {
    const boxes = () => Array.from(document.querySelectorAll(boxSel));
    const bar = document.getElementById(barId);
    const count = document.getElementById(countId);
    const all = document.getElementById(allId);
    const picked = () => boxes().filter((b) => b.checked);
    const update = () => {
      const k = picked().length;
      if (bar) bar.hidden = k === 0;
      if (count) count.textContent = k + ' ' + noun + (k === 1 ? '' : 's') + ' selected';
      if (all) all.checked = k > 0 && k === boxes().length;
    };
    boxes().forEach((b) => b.addEventListener('change', update));
    if (all) all.addEventListener('change', () => {
      boxes().forEach((b) => (b.checked = all.checked));
      update();
    });
    return {
      picked,
      update,
      clear: () => {
        boxes().forEach((b) => (b.checked = false));
        update();
      },
    };
  }

  async function bulkTransition(sel, to) {
    const rows = sel.picked().map((b) => b.closest('tr'));
    if (!rows.length) return;
    const label = LABEL[to] || to;
    const note = await askNote(label + ' ' + rows.length + ' alert' + (rows.length === 1 ? '' : 's') + ' (one note for all)', Boolean(NEEDS_NOTE[to]));
    if (note === null) return;
    let ok = 0;
    const failed = [];
    for (const row of rows) {
      try {
        await api('POST', '/v1/alerts/' + encodeURIComponent(row.dataset.id) + '/transitions', note ? { to, note } : { to });
        setStatusCell(row, to);
        ok++;
      } catch (e) {
        failed.push('#' + row.dataset.id + ': ' + e.message);
      }
    }
    sel.clear();
    toast(ok + ' alert' + (ok === 1 ? '' : 's') + ' → ' + to + (failed.length ? '; not moved: ' + failed.join('; ') : ''), failed.length > 0);
  }

  async function bulkAssign(sel) {
    const rows = sel.picked().map((b) => b.closest('tr'));
    let ok = 0;
    for (const row of rows) {
      try {
        await api('POST', '/v1/alerts/' + encodeURIComponent(row.dataset.id) + '/assignment', {});
        row.querySelector('.assignee').textContent = body.dataset.me;
        ok++;
      } catch (e) {
        toast('#' + row.dataset.id + ': ' + e.message, true);
      }
    }
    sel.clear();
    toast(ok + ' alert' + (ok === 1 ? '' : 's') + ' assigned to you');
  }

  if (page === 'queue') {
    realFilterValues();
    // any change of a row's status (a key, a bulk action) refreshes the tab counts
    const rows = Array.from(document.querySelectorAll('tr.alert-row'));
    let pending = null;
    const obs = new MutationObserver(() => {
      clearTimeout(pending);
      pending = setTimeout(refreshCounts, 150);
    });
    rows.forEach((r) => obs.observe(r, { attributes: true, attributeFilter: ['data-status'] }));
    if (canWrite && document.getElementById('bulk')) {
      const sel = selection('input.pick-alert', 'pick-all', 'bulk', 'bulk-count', 'alert');
      document.querySelectorAll('[data-bulk]').forEach((b) =>
        b.addEventListener('click', async () => {
          const what = b.dataset.bulk;
          if (what === 'clear') sel.clear();
          else if (what === 'assign') await bulkAssign(sel);
          else await bulkTransition(sel, what);
        }),
      );
      // x toggles the selected row into the bulk selection
      document.addEventListener('keydown', (ev) => {
        if (typing(ev) || ev.key !== 'x') return;
        const row = document.querySelector('tr.alert-row.selected');
        const box = row && row.querySelector('input.pick-alert');
        if (!box) return;
        ev.preventDefault();
        box.checked = !box.checked;
        sel.update();
      });
    }
  }

  if (page === 'alert') {
    const art = document.getElementById('alert');
    const alertId = art ? art.dataset.id : null;
    if (canWrite && alertId && document.getElementById('member-bulk')) {
      const sel = selection('input.pick-member', 'pick-all-members', 'member-bulk', 'member-bulk-count', 'member');
      document.querySelectorAll('[data-bulk-decide]').forEach((b) =>
        b.addEventListener('click', async () => {
          const decision = b.dataset.bulkDecide;
          if (decision === 'clear') return sel.clear();
          const rows = sel.picked().map((x) => x.closest('tr'));
          // a member already at this decision is left alone: no event for a change that changes nothing
          const todo = rows.filter((r) => r.dataset.decision !== decision);
          if (!todo.length) return toast('every selected member is already ' + decision);
          const note = await askNote('Mark ' + todo.length + ' member' + (todo.length === 1 ? '' : 's') + ' ' + decision + ' (one note for all)', false);
          if (note === null) return;
          const failed = [];
          for (const r of todo) {
            const key = r.dataset.account;
            const i = key.indexOf(':');
            const url = '/v1/alerts/' + encodeURIComponent(alertId) + '/members/' + encodeURIComponent(key.slice(0, i)) + '/' + encodeURIComponent(key.slice(i + 1)) + '/decision';
            try {
              await api('PUT', url, note ? { decision, note } : { decision });
            } catch (e) {
              failed.push('@' + r.dataset.handle + ': ' + e.message);
            }
          }
          if (failed.length) toast('not saved: ' + failed.join('; '), true);
          else location.reload();
        }),
      );
    }
    timelineMarks();
  }

  // hover, focus or click a timeline mark: the post itself, fetched once, shown as text
  function timelineMarks() {
    const tip = document.getElementById('tl-tip');
    const wrap = tip ? tip.parentElement : null;
    if (!tip || !wrap) return;
    const cache = new Map();
    let pinned = null;
    const load = async (key) => {
      if (!cache.has(key)) {
        cache.set(
          key,
          fetch('/console/post.json?key=' + encodeURIComponent(key), { credentials: 'same-origin', headers: { accept: 'application/json' } }).then((r) => (r.ok ? r.json() : null)),
        );
      }
      return cache.get(key);
    };
    const show = async (mark) => {
      const key = mark.dataset.post;
      const box = mark.getBoundingClientRect();
      const outer = wrap.getBoundingClientRect();
      tip.hidden = false;
      tip.dataset.post = key;
      tip.textContent = mark.dataset.t + ' · loading…';
      const left = Math.max(0, Math.min(outer.width - 320, box.left - outer.left - 150));
      tip.style.left = left + 'px';
      tip.style.top = box.bottom - outer.top + 6 + 'px';
      const p = await load(key);
      if (tip.dataset.post !== key) return;
      tip.textContent = '';
      const meta = document.createElement('div');
      meta.className = 'meta';
      const who = document.createElement('a');
      const i = p ? p.account.indexOf(':') : -1;
      if (p) who.href = '/console/accounts/' + encodeURIComponent(p.account.slice(0, i)) + '/' + encodeURIComponent(p.account.slice(i + 1));
      who.textContent = '@' + (p ? p.handle || p.account.slice(i + 1) : '?');
      meta.appendChild(who);
      meta.appendChild(document.createTextNode(' · ' + mark.dataset.t + (p && p.repost_of ? ' · repost' : '')));
      if (p && p.original && /^https?:\/\//.test(p.original)) {
        const a = document.createElement('a');
        a.href = p.original;
        a.rel = 'noopener noreferrer nofollow';
        a.target = '_blank';
        a.className = 'ext';
        a.textContent = ' original ↗';
        meta.appendChild(a);
      }
      const text = document.createElement('p');
      text.className = 'post-text';
      text.textContent = p ? p.text : 'The post could not be loaded.';
      tip.appendChild(meta);
      tip.appendChild(text);
    };
    const hide = () => {
      if (!pinned) tip.hidden = true;
    };
    document.querySelectorAll('.tl-tick').forEach((m) => {
      m.addEventListener('mouseenter', () => pinned || show(m));
      m.addEventListener('focus', () => pinned || show(m));
      m.addEventListener('mouseleave', hide);
      m.addEventListener('blur', hide);
      m.addEventListener('click', (ev) => {
        ev.stopPropagation();
        pinned = pinned === m ? null : m;
        if (pinned) show(m);
        else hide();
      });
    });
    document.addEventListener('click', (ev) => {
      if (pinned && !tip.contains(ev.target)) {
        pinned = null;
        tip.hidden = true;
      }
    });
  }
})();
