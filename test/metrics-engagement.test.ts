/** Web sessions, social posts and events on small fixtures, expected values worked out by hand here. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Warehouse } from '../src/warehouse/warehouse.js';
import { load, metric } from './helpers/metrics.js';
import { memoryWorkspace } from './helpers/workspace.js';

let wh: Warehouse;
const JAN = { from: '2024-01-01', to: '2024-02-01' };

beforeAll(async () => {
  wh = await memoryWorkspace();
  await load(wh, {
    // A (s1): 2 page views and an interaction over 600 s. B (s2): a single page view — a bounce.
    // v3 has no session ids: 09:00 and 09:20 are one session (C, 1200 s); after a 40-minute gap,
    // 10:00 and a search at 10:01 are another (D, 60 s, not a bounce: it has an interaction).
    // v4's session E starts on 31 January and runs past midnight into February (1200 s).
    // A's page view at 10:02 has no path: a page view, but no page's.
    web_events: `event_id,visitor_id,customer_id,session_id,occurred_at,type,path
w1,v1,c1,s1,2024-01-10T10:00:00Z,pageview,/
w11,v1,c1,s1,2024-01-10T10:02:00Z,pageview,
w2,v1,c1,s1,2024-01-10T10:05:00Z,add_to_cart,/p
w3,v1,c1,s1,2024-01-10T10:10:00Z,pageview,/cart
w4,v2,,s2,2024-01-11T11:00:00Z,pageview,/
w5,v3,,,2024-01-12T09:00:00Z,pageview,/
w6,v3,,,2024-01-12T09:20:00Z,pageview,/pricing
w7,v3,,,2024-01-12T10:00:00Z,pageview,/
w8,v3,,,2024-01-12T10:01:00Z,search,/
w9,v4,,,2024-01-31T23:50:00Z,pageview,/
w10,v4,,,2024-02-01T00:10:00Z,pageview,/blog`,
    social_posts: `post_id,channel,posted_at,impressions,likes,shares,comments,clicks
p1,x,2024-01-05,1000,30,5,5,10
p2,x,2024-01-06,0,0,0,0,0
p3,x,2023-12-20,500,100,0,0,0`,
    campaign_events: `event_id,campaign_id,customer_id,occurred_at,type
g1,w1,c1,2024-01-05,registered
g2,w1,c1,2024-01-20,attended
g3,w1,c1,2024-01-20T10:00:00Z,interaction
g4,w1,c1,2024-01-20T10:05:00Z,interaction
g5,w1,c2,2024-01-06,registered
g6,w1,c3,2023-12-20,registered
g7,w1,c3,2024-01-20,attended`,
  });
});
afterAll(async () => wh.close());

describe('web', () => {
  it('derives sessions at 30-minute gaps where no session id is given', async () => {
    expect(await metric(wh, 'sessions', JAN)).toMatchObject({ value: 5 });
    expect(await metric(wh, 'page_views', JAN)).toMatchObject({ value: 8 }); // with A's pathless one; the page view of 1 February is not January's
  });

  it('average session duration counts a single-event session as 0', async () => {
    expect(await metric(wh, 'avg_session_duration', JAN)).toMatchObject({ value: (600 + 0 + 1200 + 60 + 1200) / 5, n: 5 });
  });

  it('bounce rate: one page view and no interaction', async () => {
    expect(await metric(wh, 'bounce_rate', JAN)).toMatchObject({ value: 20, n: 5 });
  });

  it('exit rate: sessions ending on a page over its views, per page and over all pages', async () => {
    // Last page views in January: A on /cart, B on /, C on /pricing, D on / (its search is not a
    // page view); E's last page view (/blog) is in February. Page views in January: / 5, /cart 1, /pricing 1.
    const r = await metric(wh, 'exit_rate', JAN);
    expect(r.value).toBeCloseTo((100 * 4) / 7, 9);
    expect(r.parts).toEqual({ '/': 40, '/cart': 100, '/pricing': 100 });
  });
});

describe('sessions across imports', () => {
  it('joins events of a later file to the sessions they continue, and a re-import changes nothing', async () => {
    const w = await memoryWorkspace();
    // File 1: v5 at 09:00 and 09:20 (one derived session), s9 at 12:00. File 2: v5 at 09:40 — 20
    // minutes after 09:20, so the same session, now 2400 s — and s9's second event at 12:10.
    await load(w, {
      web_events: `event_id,visitor_id,customer_id,session_id,occurred_at,type,path
a1,v5,,,2024-01-12T09:00:00Z,pageview,/
a2,v5,,,2024-01-12T09:20:00Z,pageview,/a
a3,v6,,s9,2024-01-12T12:00:00Z,pageview,/`,
    });
    expect(await metric(w, 'sessions', JAN)).toMatchObject({ value: 2 });
    const second = `event_id,visitor_id,customer_id,session_id,occurred_at,type,path
a4,v5,,,2024-01-12T09:40:00Z,pageview,/b
a5,v6,,s9,2024-01-12T12:10:00Z,signup,/`;
    await load(w, { web_events: second });
    await load(w, { web_events: second.split('\n')[0]! }); // an empty file touches nothing
    expect(await metric(w, 'sessions', JAN)).toMatchObject({ value: 2 });
    expect(await metric(w, 'avg_session_duration', JAN)).toMatchObject({ value: (2400 + 600) / 2 });
    expect(await metric(w, 'bounce_rate', JAN)).toMatchObject({ value: 0 }); // s9 now has an interaction
    await w.close();
  });
});

describe('social and events', () => {
  it('social engagement rate: interactions per impression of the posts published in the period', async () => {
    expect(await metric(wh, 'social_engagement_rate', JAN)).toMatchObject({ value: 5, n: 2, parts: { impressions: 1000, likes: 30 } });
  });

  it('registrations in the period, their attendance, and interactions per attendee', async () => {
    expect(await metric(wh, 'event_registrations', JAN)).toMatchObject({ value: 2 });
    expect(await metric(wh, 'event_attendance_rate', JAN)).toMatchObject({ value: 50, n: 2 });
    expect(await metric(wh, 'event_interactions_per_attendee', JAN)).toMatchObject({ value: 2, n: 1 });
  });
});
