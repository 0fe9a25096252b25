import { describe, expect, it } from 'vitest';
import { slackMessage } from '../../../src/core/alerts/slack.ts';
import type { WebhookBody } from '../../../src/core/alerts/slack.ts';

const body = (verdict: string, handle = 'patriot_1'): WebhookBody => ({
  event: 'alert.opened',
  delivery: 'notify:1:opened:critical',
  alert: { id: 12, status: 'open', score: 84.26, severity: 'critical', verdict, members: 9, kinds: ['co_repost', 'co_text'], narratives: [{ id: 'election-fraud', title: 'Election fraud' }], first_seen_at: '2016-09-27T01:06:00.000Z', last_seen_at: '2016-09-27T02:24:00.000Z', detector_version: 't' },
  top_members: [{ account: `x:${handle}`, role: 'hub', suspicion: 0.8 }],
});

describe('Slack incoming-webhook shape', () => {
  it('says what opened, how bad, and links to the console', () => {
    const m = slackMessage(body('9 accounts reposted the same 40 posts'), 'https://cw.example.org/');
    expect(m.text).toBe('New alert #12: critical, score 84.3, 9 accounts — 9 accounts reposted the same 40 posts <https://cw.example.org/console/alerts/12|review>');
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(JSON.stringify(m.blocks)).toContain('"url":"https://cw.example.org/console/alerts/12"');
    expect(JSON.stringify(m.blocks)).toContain('Election fraud');
  });

  it('escapes hostile text so it can neither mention a channel nor make a link', () => {
    const m = slackMessage(body('<!channel> click <https://evil.example|here> & win', '<@U123>'), null);
    const all = JSON.stringify(m);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<https://evil.example');
    expect(all).not.toContain('<@U123>');
    expect(m.text).toContain('&lt;!channel&gt; click &lt;https://evil.example|here&gt; &amp; win');
    // no console URL: no link at all
    expect(all).not.toContain('"actions"');
  });
});
