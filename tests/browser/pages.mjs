#!/usr/bin/env node
// eventd's own pages in a real browser (Debian's Chromium, headless): register on an event's
// page, open the link of the confirmation e-mail (taken from the outbox) from a "webmail" on
// another site, and check that the single-use code becomes a SameSite=Strict session cookie
// there; then change the registration, see the person's page, sign out. Then a study trip's
// task falls due: its reminder's link opens the registration page, where the task is marked
// done.
//
//   node tests/browser/pages.mjs --eventd BUILD/src/app/eventd --out DIR
//
// Needs EVENTD_TEST_DATABASE_URL (as scripts/test sets it), /usr/bin/chromium and
// tools/contract's node_modules (playwright-core). A screenshot of each page goes to DIR.
//
// Why the code's page is a 200 with a <meta> refresh and not a redirect: Chromium does not
// send a SameSite=Strict cookie set on a redirect that continues a navigation from another
// site; the test shows it with a control server next to eventd.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { chromium } = createRequire(join(root, 'tools/contract/package.json'))('playwright-core');

const { values: args } = parseArgs({ options: { eventd: { type: 'string' }, out: { type: 'string' } } });
if (!args.eventd || !args.out) throw new Error('usage: pages.mjs --eventd PATH --out DIR');
mkdirSync(args.out, { recursive: true });
const maintenanceUrl = process.env.EVENTD_TEST_DATABASE_URL;
if (!maintenanceUrl) throw new Error('EVENTD_TEST_DATABASE_URL is not set: run with scripts/test');

const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function listen(server, host) {
  await new Promise((resolve) => server.listen(0, host, resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server.address().port;
}

// --- a fresh database with one published seminar -----------------------------------------
const database = `eventd_pages_${process.pid}_${Date.now()}`;
const databaseUrl = maintenanceUrl.replace(/\/[^/?]*(\?|$)/, `/${database}$1`);
const psql = (url, sql) => execFileSync('psql', [url, '-qAtX', '-c', sql], { encoding: 'utf8' }).trim();
psql(maintenanceUrl, `CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8'`);
cleanups.push(() => psql(maintenanceUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
const eventdEnv = { ...process.env, EVENTD_DATABASE_URL: databaseUrl, EVENTD_THREADS: '2', EVENTD_DB_POOL: '4' };
execFileSync(args.eventd, ['migrate'], { env: eventdEnv, stdio: ['ignore', 'ignore', 'inherit'] });
const year = new Date().getUTCFullYear() + 1;
psql(databaseUrl, "INSERT INTO organisations (slug, name, kind) VALUES ('fyrbodal', 'Fyrbodal', 'region')");
psql(
  databaseUrl,
  `INSERT INTO events (slug, title, language, kind, format, status, timezone, starts_at, ends_at, venue_city,
     venue_country, capacity, waitlist, organiser_id)
   VALUES ('seminariet', 'Seminariet', 'sv', 'seminar', 'in_person', 'published', 'Europe/Stockholm',
     '${year}-11-08T08:00:00Z', '${year}-11-08T14:30:00Z', 'Vänersborg', 'SE', 10, true,
     (SELECT id FROM organisations))`,
);

// --- eventd on 127.0.0.1, the "webmail" on localhost (another site) ----------------------
const probe = createServer();
const port = await listen(probe, '127.0.0.1');
await new Promise((resolve) => probe.close(resolve));
const eventdUrl = `http://127.0.0.1:${port}`;
const eventd = spawn(args.eventd, ['serve'], {
  // A sweep every second, so that a task's reminder is written as soon as the task exists.
  env: { ...eventdEnv, EVENTD_LISTEN: `127.0.0.1:${port}`, EVENTD_PUBLIC_URL: eventdUrl, EVENTD_RETENTION_SWEEP_S: '1' },
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

let webmailLinks = '';
const webmail = createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!DOCTYPE html>${webmailLinks}`);
});
const webmailUrl = `http://localhost:${await listen(webmail, 'localhost')}`;

// The control: on eventd's site, a SameSite=Strict cookie set by a 302 and by a <meta> refresh.
const control = createServer((request, response) => {
  const cookie = 'probe=1; HttpOnly; SameSite=Strict; Path=/';
  if (request.url === '/redirect') {
    response.writeHead(302, { 'Set-Cookie': cookie, Location: '/check' }).end();
  } else if (request.url === '/meta') {
    response
      .writeHead(200, { 'Set-Cookie': cookie, 'Content-Type': 'text/html' })
      .end('<!DOCTYPE html><meta http-equiv="refresh" content="0; url=/check">');
  } else if (request.url === '/clear') {
    response.writeHead(200, { 'Set-Cookie': 'probe=; Path=/; Max-Age=0' }).end();
  } else {
    response.writeHead(200, { 'Content-Type': 'text/html' }).end(`<p id="cookie">${request.headers.cookie ?? 'none'}</p>`);
  }
});
const controlUrl = `http://127.0.0.1:${await listen(control, '127.0.0.1')}`;

// The text of the newest message of `kind` in the outbox (its base64 parts decoded).
function latestMail(kind) {
  const message = psql(databaseUrl, `SELECT message FROM mail_outbox WHERE kind = '${kind}' ORDER BY seq DESC LIMIT 1`);
  let text = message;
  for (const part of message.split(/\r?\n--/)) {
    if (!/Content-Transfer-Encoding: base64/i.test(part)) continue;
    const body = part.split(/\r?\n\r?\n/).slice(1).join('');
    text += Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return text;
}

// --- Chromium ------------------------------------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), 'eventd-pages-chromium-'));
cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.EVENTD_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  locale: 'sv-SE',
  viewport: { width: 1000, height: 1400 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
cleanups.push(() => browser.close());
const page = await browser.newPage();
const cspErrors = [];
// A page the CSP refuses something on says so in the console (statuses, such as the 401 of a
// spent code or the missing favicon, are no error of the page).
page.on('console', (message) => /Content Security Policy|Refused/.test(message.text()) && cspErrors.push(message.text()));
const shot = (name) => page.screenshot({ path: join(args.out, `pages-${name}.png`), fullPage: true });

async function clickAndWait(selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// Why a link's cookie is set by a page of eventd's own (its button's same-site POST), never on
// the cross-site navigation from the e-mail: the control shows what Chromium does.
test('a SameSite=Strict cookie set on a redirect after a cross-site link is not sent; after a <meta> refresh it is', async () => {
  webmailLinks = `<a id="redirect" href="${controlUrl}/redirect">302</a><a id="meta" href="${controlUrl}/meta">meta</a>`;
  await page.goto(webmailUrl);
  await Promise.all([page.waitForURL(/\/check$/), page.click('#redirect')]);
  assert.equal(await page.textContent('#cookie'), 'none');
  await page.goto(`${controlUrl}/clear`);
  await page.goto(webmailUrl);
  await Promise.all([page.waitForURL(/\/check$/), page.click('#meta')]);
  assert.equal(await page.textContent('#cookie'), 'probe=1');
});

test("register on the event's page, open the e-mail's link from another site, change, sign out", async () => {
  await page.goto(`${eventdUrl}/events/seminarium`.replace('seminarium', 'seminariet'));
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  assert.match(await page.textContent('dl.facts'), /8 november \d{4} kl\. 09:00–15:30/);
  await page.fill('#name', 'Göran Pettersson');
  await page.fill('#email', 'goran@example.se');
  await page.check('#consent');
  await shot('event');
  await clickAndWait('form button');
  assert.equal(await page.textContent('h1'), 'Tack för din anmälan');
  const sessions = async () => (await browser.cookies(eventdUrl)).filter((c) => c.name === 'eventd_session');
  assert.equal((await sessions()).length, 0, 'registering signs nobody in');

  const mail = latestMail('registration_confirmed');
  const link = mail.match(new RegExp(`${eventdUrl}/registrations/[0-9a-f-]+\\?code=evc_[A-Za-z0-9_-]+`));
  assert.ok(link, `no registration link in the e-mail:\n${mail}`);
  webmailLinks = `<a id="link" href="${link[0]}">Din anmälan</a>`;
  await page.goto(webmailUrl);
  const clean = link[0].slice(0, link[0].indexOf('?'));
  // The link's page spends nothing (mail scanners fetch links); its button does.
  await Promise.all([page.waitForURL(link[0]), page.click('#link')]);
  assert.equal(await page.textContent('h1'), 'Öppna din sida');
  assert.equal((await sessions()).length, 0, 'opening the link signs nobody in');
  await Promise.all([page.waitForURL(clean), page.click('form button')]);
  await page.waitForSelector('h1:text("Din anmälan")');
  assert.equal(page.url(), clean);
  const [cookie] = await sessions();
  assert.ok(cookie, 'the session cookie is set');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.match(await page.textContent('dl.facts'), /Du har en plats\./);
  await shot('registration');

  await page.fill('#needs', 'Vegetarisk');
  await clickAndWait('form:has(input[value=save]) button');
  assert.equal(await page.textContent('.notice'), 'Ändringarna är sparade.');
  assert.equal(psql(databaseUrl, "SELECT needs FROM registrations WHERE email = 'goran@example.se'"), 'Vegetarisk');

  // The code worked once.
  await page.goto(link[0]);
  await clickAndWait('form button');
  assert.equal(await page.textContent('h1'), 'Länken har redan använts eller gått ut');

  await page.goto(`${eventdUrl}/me`);
  assert.equal(await page.textContent('h1'), 'Dina sidor');
  await clickAndWait('form:has(input[value=feed]) button');
  assert.match(await page.getAttribute('a[href^="webcal://"]', 'href'), /\/v1\/feeds\/evn_/);
  assert.equal(await page.locator('svg.qr').count(), 1);
  await shot('me');
  await clickAndWait('form:has(input[value=sign_out]) button');
  assert.equal(await page.textContent('h1'), 'Du är utloggad');
  assert.equal((await sessions()).length, 0);
  assert.deepEqual(cspErrors, [], 'the Content-Security-Policy refused nothing');
  assert.ok(!eventdLog.includes('evc_'), 'no code in the log');
});

test("a task's reminder: its link opens the registration page, where the task is marked done", async () => {
  psql(
    databaseUrl,
    `INSERT INTO tasks (event_id, title, description, due_at)
     SELECT id, 'Skicka kostönskemål', 'Till hotellet och restaurangen.', now() + interval '1 day' FROM events`,
  );
  // The retention sweep (every second here) writes the reminder, once.
  let reminders = '0';
  for (let i = 0; i < 100 && reminders === '0'; ++i) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    reminders = psql(databaseUrl, "SELECT count(*) FROM mail_outbox WHERE kind = 'task_reminder'");
  }
  assert.equal(reminders, '1', 'one reminder for the one participant');
  const mail = latestMail('task_reminder');
  assert.match(mail, /Påminnelse: Skicka kostönskemål/);
  const link = mail.match(new RegExp(`${eventdUrl}/registrations/[0-9a-f-]+\\?code=evc_[A-Za-z0-9_-]+`));
  assert.ok(link, `no registration link in the reminder:\n${mail}`);

  webmailLinks = `<a id="link" href="${link[0]}">Din anmälan</a>`;
  await page.goto(webmailUrl);
  await Promise.all([page.waitForURL(link[0]), page.click('#link')]);
  await Promise.all([page.waitForURL(link[0].slice(0, link[0].indexOf('?'))), page.click('form button')]);
  await page.waitForSelector('h1:text("Din anmälan")');
  assert.equal(await page.textContent('#tasks-heading'), 'Att göra före resan');
  assert.match(await page.textContent('ul.tasks li'), /Skicka kostönskemål/);
  await shot('task-open');
  await clickAndWait('form:has(input[value=task_done]) button');
  assert.match(await page.textContent('ul.tasks li'), /: klart/);
  assert.equal(await page.locator('form:has(input[value=task_open]) button').count(), 1);
  await shot('task-done');
  assert.equal(psql(databaseUrl, "SELECT status || ' ' || changed_by FROM task_progress"), 'done participant');
  // Done is no reason for a second reminder.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(psql(databaseUrl, "SELECT count(*) FROM mail_outbox WHERE kind = 'task_reminder'"), '1');
  assert.deepEqual(cspErrors, [], 'the Content-Security-Policy refused nothing');
});
