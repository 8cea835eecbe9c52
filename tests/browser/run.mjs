#!/usr/bin/env node
// A real browser against a real eventd, as the separate web frontend would use it:
// Debian's Chromium, headless, opens tests/browser/frontend/ served from one loopback
// origin and calls eventd on another, through CORS. Then it opens eventd's /docs.
//
//   node tests/browser/run.mjs --eventd BUILD/src/app/eventd --out DIR
//
// Needs EVENTD_TEST_DATABASE_URL (a PostgreSQL maintenance URL, as scripts/test sets it),
// /usr/bin/chromium, and tools/contract's node_modules (playwright-core). Screenshots go to
// DIR (frontend.png, docs.png).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Cleanups,
  collectErrors,
  contractFailures,
  freshDatabase,
  here,
  launchBrowser,
  organiserKey as createOrganiserKey,
  root,
  serveStatic,
  startEventd,
  testArguments,
  watchContext,
} from './lib.mjs';

const args = testArguments('run.mjs');

// The organiser of Integrationsforum 2020 in the seed data. The seed events are all past,
// and only events that have not ended take registrations: the organiser announces next
// year's Integrationsforum (the seed's event and programme, moved), which the page shows.
const ORGANISER = 'lansstyrelsen-vastra-gotaland';
const YEAR = new Date().getUTCFullYear() + 1;
const EVENT = `integrationsforum-${YEAR}`;
const TITLE = `Integrationsforum ${YEAR}`;

const cleanups = new Cleanups();
after(() => cleanups.run());

// --- a fresh database with the seed events, the frontend's own origin, eventd ----------
const database = freshDatabase({ ...args, cleanups });
const organiserKey = createOrganiserKey(args.eventdPath, database.env, ORGANISER);
const pageOrigin = await serveStatic(join(here, 'frontend'), { cleanups });
const eventd = await startEventd(args.eventdPath, { ...database.env, EVENTD_CORS_ORIGINS: pageOrigin }, { cleanups });
const { api, port: apiPort } = eventd;

async function apiGet(path, key) {
  const response = await fetch(api + path, { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  return { status: response.status, etag: response.headers.get('ETag'), body: await response.json() };
}

async function apiPost(path, body, key) {
  const response = await fetch(api + path, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
}

// 26 November is in winter time (+01:00) every year, so only the year changes.
const seed = JSON.parse(readFileSync(join(root, 'api/examples/events/integrationsforum-2020.json'), 'utf8'));
const moved = (value) => JSON.parse(JSON.stringify(value).replaceAll('2020-11-26T', `${YEAR}-11-26T`));
await apiPost('/v1/events', { ...moved(seed.event), slug: EVENT, title: TITLE }, organiserKey);
for (const session of seed.sessions) await apiPost(`/v1/events/${EVENT}/sessions`, moved(session), organiserKey);

// --- Chromium --------------------------------------------------------------------------
const { context: browser, close: closeBrowser } = await launchBrowser({ cleanups });
// Every request the pages make must stay on this machine: no CDN, no fonts from elsewhere.
const foreignRequests = [];
const consoleErrors = [];
// What the page asked eventd and what it got, for the contract check at the end.
// (Redoc's worker is a blob: URL whose origin is eventd's.)
const exchanges = [];
const watcher = watchContext(browser, {
  isApi: (url) => url.origin === api,
  exchanges,
  foreign: foreignRequests,
  testCase: 'browser',
});
const page = browser.pages()[0] ?? (await browser.newPage());
collectErrors(page, consoleErrors);

test('the frontend, on its own origin, uses eventd through CORS', async (t) => {
  await page.goto(`${pageOrigin}/index.html?api=${encodeURIComponent(api)}`);

  await t.test('lists the published events', async () => {
    await page.locator('#event-list li').nth(3).waitFor();
    const titles = await page.locator('#event-list button').allTextContents();
    const listed = await apiGet('/v1/events?limit=50');
    assert.deepEqual(titles, listed.body.items.map((e) => e.title));
    // The four seed events, next year's copy of the study trip (eventd demo) and this test's.
    assert.equal(titles.length, 6);
    assert.ok(titles.includes(TITLE), titles.join(' | '));
    assert.ok(titles.includes('Svenskt migrationsarbete på agendan på internationellt möte i Östersund'));
  });

  await t.test('shows one event with its programme and speakers', async () => {
    await page.getByRole('button', { name: TITLE }).click();
    await page.locator('#event-title').filter({ hasText: TITLE }).waitFor();
    assert.equal(await page.locator('#event-when').textContent(), `${YEAR}-11-26 09:00 – 16:00`);
    const programme = await page.locator('#programme li').allTextContents();
    const sessions = await apiGet(`/v1/events/${EVENT}/sessions`);
    assert.equal(programme.length, sessions.body.items.length);
    assert.ok(
      programme.includes('09:15–10:15 Global migration i coronatider — Alice Petrén'),
      programme.join('\n'),
    );
  });

  await t.test('offers the webcal:// link of the event feed', async () => {
    const event = await apiGet(`/v1/events/${EVENT}`);
    const webcal = await page.locator('#webcal').getAttribute('href');
    assert.equal(webcal, `webcal://127.0.0.1:${apiPort}/v1/events/${event.body.id}/calendar.ics`);
    // The same feed over http answers with a calendar.
    const feed = await fetch(await page.locator('#ics').getAttribute('href'));
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), new RegExp(`SUMMARY:${TITLE}`));
  });

  await t.test('registers a participant', async () => {
    await page.fill('#register input[name=name]', 'Karin Lindqvist');
    await page.fill('#register input[name=email]', 'karin.lindqvist@example.se');
    await page.fill('#register input[name=organisation]', 'Rädda Barnen');
    await page.check('#register input[name=consent]');
    await page.click('#register button[type=submit]');
    await page.locator('#registration-result[data-status]').waitFor();
    assert.equal(await page.locator('#registration-result').getAttribute('data-status'), 'confirmed');
    assert.match(await page.locator('#personal-feed').getAttribute('href'), /^webcal:\/\/127\.0\.0\.1:\d+\//);
    // The organiser sees the registration the page made.
    const registrations = await apiGet(`/v1/events/${EVENT}/registrations`, organiserKey);
    assert.equal(registrations.status, 200);
    assert.ok(registrations.body.items.some((r) => r.email === 'karin.lindqvist@example.se'));
  });

  await t.test('an organiser edits the title with If-Match; a stale ETag is refused', async () => {
    await page.fill('#organiser input[name=key]', organiserKey);
    await page.click('#load-for-edit');
    await page.locator('#etag').filter({ hasText: '"' }).waitFor();
    const before = await apiGet(`/v1/events/${EVENT}`, organiserKey);
    assert.equal(await page.locator('#etag').textContent(), before.etag);

    await page.fill('#edit-title', `${TITLE} – digital konferens`);
    await page.click('#save');
    await page.locator('#save-result').filter({ hasText: 'Sparat' }).waitFor();
    assert.equal(await page.locator('#event-title').textContent(), `${TITLE} – digital konferens`);
    const after = await apiGet(`/v1/events/${EVENT}`);
    assert.equal(after.body.title, `${TITLE} – digital konferens`);
    assert.notEqual(after.etag, before.etag);
    assert.equal(await page.locator('#etag').textContent(), after.etag);

    await page.click('#save-stale');
    await page.locator('#save-result').filter({ hasText: '412' }).waitFor();
    assert.equal((await apiGet(`/v1/events/${EVENT}`)).etag, after.etag);
  });

  assert.equal(await page.locator('#error').isHidden(), true, await page.locator('#error').textContent());
  await page.screenshot({ path: join(args.out, 'frontend.png'), fullPage: true });

  // Last: it spends the page's public writes (the rate limit's burst) to get a 429.
  await t.test('the page reads every header eventd exposes (Access-Control-Expose-Headers)', async () => {
    const seen = await page.evaluate(
      async ({ api, key, event }) => {
        const read = (response, names) => Object.fromEntries(names.map((n) => [n, response.headers.get(n)]));
        const out = {};
        const list = await fetch(`${api}/v1/events?limit=1`);
        out.list = { status: list.status, ...read(list, ['Link', 'X-Request-Id']) };
        const one = await fetch(`${api}/v1/events/${event}`);
        out.event = { status: one.status, ...read(one, ['ETag', 'Last-Modified']) };
        const body = JSON.stringify({ name: 'Ebba Ström', email: 'ebba.strom@example.se', consent: true });
        const post = () =>
          fetch(`${api}/v1/events/${event}/registrations`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'browser-expose-7d1e4c2a-ebba' },
            body,
          });
        const created = await post();
        out.created = { status: created.status, ...read(created, ['Location', 'ETag', 'Idempotent-Replayed']) };
        const replayed = await post();
        out.replayed = { status: replayed.status, ...read(replayed, ['ETag', 'Idempotent-Replayed']) };
        const feed = await fetch(`${api}/v1/events/${event}/calendar.ics`);
        out.feed = { status: feed.status, ...read(feed, ['Content-Disposition']) };
        const csv = await fetch(`${api}/v1/events/${event}/registrations`, {
          headers: { Authorization: `Bearer ${key}`, Accept: 'text/csv' },
        });
        out.csv = { status: csv.status, ...read(csv, ['Content-Disposition']) };
        const html = await fetch(`${api}/events/${event}`);
        out.page = { status: html.status, ...read(html, ['Content-Language']) };
        // Public writes are limited per address (a burst of 10 by default): empty bodies (422,
        // nothing written) until the 429.
        for (let i = 0; i < 40; ++i) {
          const refused = await fetch(`${api}/v1/events/${event}/registrations`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '{}',
          });
          if (refused.status === 429) {
            out.limited = { status: 429, ...read(refused, ['Retry-After']) };
            break;
          }
        }
        return out;
      },
      { api, key: organiserKey, event: EVENT },
    );
    assert.equal(seen.list.status, 200);
    assert.match(seen.list.Link ?? '', /^<http:\/\/127\.0\.0\.1:\d+\/v1\/events\?limit=1&cursor=[^>]+>; rel="next"$/);
    assert.ok(seen.list['X-Request-Id'], 'X-Request-Id');
    // The list itself, as the browser got it (scripts cannot read this header): each name once.
    const exposed = (await fetch(`${api}/healthz`, { headers: { Origin: pageOrigin } })).headers.get(
      'Access-Control-Expose-Headers',
    );
    assert.deepEqual(exposed.split(/,\s*/).sort(), [
      'Content-Disposition', 'Content-Language', 'ETag', 'Idempotent-Replayed', 'Last-Modified', 'Link', 'Location',
      'Retry-After', 'X-Request-Id',
    ]);
    assert.equal(seen.event.status, 200);
    assert.ok(seen.event.ETag, 'ETag of an event');
    assert.ok(seen.event['Last-Modified'], 'Last-Modified');
    assert.equal(seen.created.status, 201);
    assert.match(seen.created.Location ?? '', /\/v1\/registrations\/[0-9a-f-]{36}$/);
    assert.ok(seen.created.ETag, 'ETag of a created registration');
    assert.equal(seen.created['Idempotent-Replayed'], null);
    assert.equal(seen.replayed.status, 201);
    assert.equal(seen.replayed['Idempotent-Replayed'], 'true');
    assert.equal(seen.replayed.ETag, seen.created.ETag);
    assert.equal(seen.feed.status, 200);
    assert.match(seen.feed['Content-Disposition'] ?? '', /^inline; filename=".+\.ics"$/);
    assert.equal(seen.csv.status, 200);
    assert.equal(seen.csv['Content-Disposition'], 'attachment; filename="registrations.csv"');
    assert.equal(seen.page.status, 200);
    assert.match(seen.page['Content-Language'] ?? '', /^(sv|en)$/);
    assert.ok(seen.limited, 'no 429 within 40 public writes');
    assert.match(seen.limited['Retry-After'] ?? '', /^\d+$/);
  });
});

test('GET /docs renders the API reference from eventd alone', async () => {
  const before = consoleErrors.length;
  await page.goto(`${api}/docs`);
  // Redoc renders the title and every operation's summary from /openapi.yaml.
  await page.getByRole('heading', { level: 1, name: /^eventd/ }).waitFor({ timeout: 60000 });
  await page.getByRole('heading', { name: 'List events' }).waitFor();
  await page.getByRole('heading', { name: 'Add a session to the programme' }).waitFor();
  await page.screenshot({ path: join(args.out, 'docs.png') });
  const errors = consoleErrors.slice(before);
  assert.deepEqual(errors.filter((e) => /Content Security Policy|Refused to/.test(e)), []);
});

test('every answer the page got from eventd matches openapi.yaml', async () => {
  await watcher.settle();
  assert.ok(exchanges.length >= 8, `only ${exchanges.length} exchanges seen`);
  assert.deepEqual(contractFailures(exchanges), []);
});

test('nothing was fetched from outside this machine', () => {
  assert.deepEqual(foreignRequests, []);
});

// In the sanitizer build a report aborts eventd: it must stop on its own, cleanly.
test('eventd stops on SIGTERM with exit code 0', async () => {
  await closeBrowser();
  const [code, signal] = await eventd.stop();
  assert.equal(signal, null, eventd.log.slice(-4000));
  assert.equal(code, 0, eventd.log.slice(-4000));
});
