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
import { spawn, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const { chromium } = createRequire(join(root, 'tools/contract/package.json'))('playwright-core');
const { Contract, METHODS } = await import(join(root, 'tools/contract/lib/contract.mjs'));
const { checkExchanges } = await import(join(root, 'tools/contract/lib/check.mjs'));

const { values: args } = parseArgs({ options: { eventd: { type: 'string' }, out: { type: 'string' } } });
if (!args.eventd || !args.out) throw new Error('usage: run.mjs --eventd PATH --out DIR');
mkdirSync(args.out, { recursive: true });
const maintenanceUrl = process.env.EVENTD_TEST_DATABASE_URL;
if (!maintenanceUrl) throw new Error('EVENTD_TEST_DATABASE_URL is not set: run with scripts/test');

// The organiser of Integrationsforum 2020 in the seed data. The seed events are all past,
// and only events that have not ended take registrations: the organiser announces next
// year's Integrationsforum (the seed's event and programme, moved), which the page shows.
const ORGANISER = 'lansstyrelsen-vastra-gotaland';
const YEAR = new Date().getUTCFullYear() + 1;
const EVENT = `integrationsforum-${YEAR}`;
const TITLE = `Integrationsforum ${YEAR}`;

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

// --- a fresh database with the seed events ---------------------------------------------
const database = `eventd_browser_${process.pid}_${Date.now()}`;
const databaseUrl = maintenanceUrl.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
execFileSync('psql', [maintenanceUrl, '-qX', '-c', `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8'`]);
cleanups.push(() => {
  execFileSync('psql', [maintenanceUrl, '-qX', '-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`]);
});
const eventdEnv = { ...process.env, EVENTD_DATABASE_URL: databaseUrl, EVENTD_THREADS: '2', EVENTD_DB_POOL: '4' };
execFileSync(args.eventd, ['demo'], { env: eventdEnv, stdio: ['ignore', 'ignore', 'inherit'] });
const organiserKey = execFileSync(args.eventd, ['keys', 'create', '--role', 'organiser', '--organisation', ORGANISER], {
  env: eventdEnv,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'ignore'],
}).trim();

// --- the frontend's own origin ---------------------------------------------------------
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
const frontendDir = join(here, 'frontend');
const pageServer = createServer((request, response) => {
  const path = normalize(new URL(request.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = join(frontendDir, path);
  if (!file.startsWith(frontendDir) || !existsSync(file)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});
await new Promise((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
cleanups.push(() => new Promise((resolve) => pageServer.close(resolve)));
const pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;

// --- eventd, allowing that origin ------------------------------------------------------
async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
const apiPort = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const eventd = spawn(args.eventd, ['serve'], {
  env: { ...eventdEnv, EVENTD_LISTEN: `127.0.0.1:${apiPort}`, EVENTD_PUBLIC_URL: api, EVENTD_CORS_ORIGINS: pageOrigin },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let eventdLog = '';
eventd.stderr.on('data', (chunk) => (eventdLog += chunk));
cleanups.push(() => {
  if (eventd.exitCode !== null || eventd.signalCode !== null) return undefined;
  eventd.kill('SIGTERM');
  return new Promise((resolve) => eventd.on('exit', resolve));
});
for (let i = 0; !eventdLog.includes('listening'); ++i) {
  if (i > 300 || eventd.exitCode !== null) throw new Error(`eventd did not start:\n${eventdLog}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}

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
const profile = mkdtempSync(join(tmpdir(), 'eventd-chromium-'));
cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.EVENTD_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1100, height: 1400 },
  // The machine's network is closed: without these, Chromium keeps trying to reach Google.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let browserOpen = true;
const closeBrowser = async () => {
  if (browserOpen) await browser.close();
  browserOpen = false;
};
cleanups.push(closeBrowser);

// Every request the pages make must stay on this machine: no CDN, no fonts from elsewhere.
const foreignRequests = [];
const consoleErrors = [];
browser.on('request', (request) => {
  const url = new URL(request.url());
  if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
    foreignRequests.push(request.url());
  }
});
// What the page asked eventd and what it got, for the contract check at the end.
const exchanges = [];
browser.on('requestfinished', async (request) => {
  const url = new URL(request.url());
  // Redoc's worker is a blob: URL whose origin is eventd's.
  if (url.protocol !== 'http:' || url.origin !== api) return;
  const response = await request.response();
  exchanges.push({
    request: { method: request.method(), target: url.pathname + url.search, headers: await request.allHeaders(), body: request.postData() ?? '' },
    response: { status: response.status(), headers: await response.allHeaders(), body: (await response.body()).toString('utf8') },
    test_case: 'browser',
  });
});
const page = browser.pages()[0] ?? (await browser.newPage());
page.on('console', (message) => {
  if (message.type() === 'error') consoleErrors.push(message.text());
});
page.on('pageerror', (error) => consoleErrors.push(String(error)));

test('the frontend, on its own origin, uses eventd through CORS', async (t) => {
  await page.goto(`${pageOrigin}/index.html?api=${encodeURIComponent(api)}`);

  await t.test('lists the published events', async () => {
    await page.locator('#event-list li').nth(3).waitFor();
    const titles = await page.locator('#event-list button').allTextContents();
    const listed = await apiGet('/v1/events?limit=50');
    assert.deepEqual(titles, listed.body.items.map((e) => e.title));
    assert.equal(titles.length, 5);
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

test('every answer the page got from eventd matches openapi.yaml', () => {
  const contract = new Contract(join(root, 'openapi.yaml'), { closed: true });
  const routes = Object.entries(contract.document.paths).flatMap(([pattern, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), pattern })),
  );
  assert.ok(exchanges.length >= 8, `only ${exchanges.length} exchanges seen`);
  assert.deepEqual(checkExchanges(contract, routes, exchanges).failures, []);
});

test('nothing was fetched from outside this machine', () => {
  assert.deepEqual(foreignRequests, []);
});

// In the sanitizer build a report aborts eventd: it must stop on its own, cleanly.
test('eventd stops on SIGTERM with exit code 0', async () => {
  await closeBrowser();
  eventd.kill('SIGTERM');
  const [code, signal] =
    eventd.exitCode !== null || eventd.signalCode !== null
      ? [eventd.exitCode, eventd.signalCode]
      : await new Promise((resolve) => eventd.on('exit', (c, s) => resolve([c, s])));
  assert.equal(signal, null, eventdLog.slice(-4000));
  assert.equal(code, 0, eventdLog.slice(-4000));
});
