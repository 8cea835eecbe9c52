#!/usr/bin/env node
// A participant's journey from the outside (issue 18, docs/PARTICIPANTS.md), in Debian's
// Chromium against a real eventd, twice: on eventd's own pages (no frontend configured) and
// on a small frontend, tests/browser/participant/, served from another loopback origin
// (EVENTD_FRONTEND_URL, EVENTD_CORS_ORIGINS), which implements the frontend link templates.
//
// An organiser announces a small online workshop (one seat, a waiting list, two sessions,
// the stream for registered participants); somebody takes the seat; our person registers on
// the event page and is waitlisted; the e-mail (from the outbox, read with Python's email
// parser) carries a link that opens their registration; they change their programme choice;
// the first person cancels, so ours gets the seat, and the stream link appears on the page
// (not before) and in the calendar feed the page links to; they register for a second event
// with the same address, sign in by e-mail on another device, see both registrations and
// erase everything; then no row of any table mentions their address or name. A spent code
// opens nothing. Every API exchange is checked against openapi.yaml.
//
//   node tests/browser/journey.mjs --eventd BUILD/src/app/eventd --out DIR
//
// Needs what run.mjs needs (EVENTD_TEST_DATABASE_URL, /usr/bin/chromium, tools/contract's
// node_modules) and Debian's python3 with python3-icalendar and python3-vobject.
// Screenshots go to DIR (journey-<variant>-<step>.png).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  Cleanups,
  apiClient,
  collectErrors,
  contractFailures,
  freshDatabase,
  here,
  launchChromium,
  linksIn,
  loadContract,
  organiserKey as createOrganiserKey,
  outboxFor,
  readCalendar,
  rowsMentioning,
  serveStatic,
  sha256Hex,
  startEventd,
  testArguments,
  watchContext,
} from './lib.mjs';

const args = testArguments('journey.mjs');
const ORGANISER = 'lansstyrelsen-vastra-gotaland';
const YEAR = new Date().getUTCFullYear() + 1;
const WAIT = 10000; // every wait in the browser is bounded

const cleanups = new Cleanups();
after(() => cleanups.run());

const database = freshDatabase({ ...args, cleanups, prefix: 'eventd_journey' });
const organiserKey = createOrganiserKey(args.eventdPath, database.env, ORGANISER);
const { browser } = await launchChromium({ cleanups });

// Everything the pages and the test asked eventd, for the contract check at the end.
const exchanges = [];
const foreignRequests = [];
const pageErrors = [];
const apiOrigins = new Set();
const isApi = (url) => apiOrigins.has(url.origin);
const watchers = [];

// A fresh browser context: a person on a device of their own.
async function device(name) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1300 }, locale: 'sv-SE' });
  context.setDefaultTimeout(WAIT);
  context.setDefaultNavigationTimeout(WAIT);
  watchers.push(watchContext(context, { isApi, exchanges, foreign: foreignRequests, testCase: `journey ${name}` }));
  const page = await context.newPage();
  collectErrors(page, pageErrors);
  cleanups.push(() => context.close().catch(() => {}));
  return { context, page };
}

// Opens a page that must be there (a 2xx after any redirects); otherwise fails naming what came.
async function open(page, url) {
  const response = await page.goto(url);
  if (!response || response.status() >= 300) {
    const body = response ? (await response.text()).replace(/\s+/g, ' ').slice(0, 300) : '';
    throw new Error(`GET ${url} answered ${response ? response.status() : 'nothing'}: ${body}`);
  }
  return response;
}

// A webmail on a site of its own: the person opens an e-mail's link by clicking it there, so
// the page is reached by a navigation from another site, as from a real mail client (a
// SameSite=Strict cookie set on the way must still work). `message` is the mail's text.
let inbox = '';
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// The text with its links (as linksIn finds them) made clickable, everything escaped.
function inboxHtml(text) {
  let html = '';
  let at = 0;
  for (const link of linksIn(text)) {
    const start = text.indexOf(link, at);
    html += escapeHtml(text.slice(at, start)) + `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
    at = start + link.length;
  }
  return html + escapeHtml(text.slice(at));
}
const webmail = await serveStatic(here, {
  cleanups,
  generated: {
    '/inbox': () => [
      'text/html; charset=utf-8',
      '<!doctype html><html lang="sv"><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
        `<title>Inkorg</title></head><body><h1>Inkorg</h1><pre>${inboxHtml(inbox)}</pre></body></html>`,
    ],
  },
});

// Clicks `link` in the webmail showing `text`; returns the answer to the navigation it starts.
async function followMailLink(page, text, link) {
  inbox = text;
  await open(page, `${webmail}/inbox`);
  const target = link.split('#')[0];
  const answered = page.waitForResponse((r) => r.request().isNavigationRequest() && r.url() === target);
  await page.locator(`a[href="${link}"]`).first().click();
  return answered;
}

// Polls the outbox for a message of `kind` to `email` beyond the first `seen` of them.
async function mailOf(email, kind, seen = 0) {
  for (let i = 0; i < 50; ++i) {
    const mails = outboxFor(database.url, email).filter((m) => m.kind === kind);
    if (mails.length > seen) {
      const mail = mails[mails.length - 1];
      assert.deepEqual(mail.defects, [], `${kind}: the message does not parse cleanly`);
      assert.ok(mail.text, `${kind}: no text part`);
      return mail;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const kinds = outboxFor(database.url, email).map((m) => m.kind);
  throw new Error(`no ${kind} message to ${email} in the outbox: ${JSON.stringify(kinds)}`);
}

// The stream link may sit in any property of a VEVENT (LOCATION, URL, CONFERENCE, DESCRIPTION).
const calendarMentions = (events, text) => events.some((event) => Object.values(event).some((value) => value.includes(text)));

// --- the two variants ------------------------------------------------------------------------
// Each drives its pages by their labels and roles; the journey below is the same for both.
const frontendUi = {
  name: 'frontend',
  eventPage: (base, slug) => `${base}/events/${slug}`,
  signInPage: (base) => `${base}/sign-in`,
  async register(page, person, sessionTitle) {
    await page.getByLabel('Name', { exact: true }).fill(person.name);
    await page.getByLabel('E-mail', { exact: true }).fill(person.email);
    if (sessionTitle) await page.getByRole('checkbox', { name: sessionTitle }).check();
    await page.getByRole('checkbox', { name: /I agree/ }).check();
    await page.getByRole('button', { name: 'Register' }).click();
    await page.locator('#registration-result[data-status]').waitFor();
    return page.locator('#registration-result').getAttribute('data-status');
  },
  async registrationShown(page) {
    await page.getByRole('heading', { level: 1, name: 'Your registration' }).waitFor();
    return page.locator('#registration-status').getAttribute('data-status');
  },
  async chooseSessions(page, tick, untick) {
    await page.getByRole('checkbox', { name: untick }).uncheck();
    await page.getByRole('checkbox', { name: tick }).check();
    await page.getByRole('button', { name: 'Save programme choice' }).click();
    await page.getByText('Your programme choice is saved.').waitFor();
  },
  async feedLink(page) {
    // With a person token: the person's calendar of everything, made on the page.
    await page.getByRole('button', { name: 'Make a calendar link' }).click();
    return page.locator('#person-feed-url').getAttribute('href');
  },
  async signIn(page, email) {
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('E-mail', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.getByText('a sign-in link is on its way').waitFor();
  },
  async personShown(page) {
    await page.getByRole('heading', { level: 1, name: 'Your registrations' }).waitFor();
  },
  async refusedShown(page) {
    await page.getByRole('heading', { level: 1, name: 'This link has expired' }).waitFor();
  },
  async exportData(page) {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download everything we keep about you' }).click();
    const file = await (await download).createReadStream();
    const chunks = [];
    for await (const chunk of file) chunks.push(chunk);
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  },
  async eraseEverything(page) {
    await page.getByRole('checkbox', { name: /cancelled and my data erased/ }).check();
    await page.getByRole('button', { name: 'Erase all my data' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your data is erased' }).waitFor();
  },
};

// Clicks a form's button on eventd's own pages and waits for the page the POST answers with:
// its HTTP status, or an error naming the status and the page's text when it is an error.
async function submitForm(page, button) {
  const answered = page.waitForResponse((r) => r.request().isNavigationRequest() && r.request().method() === 'POST');
  await button.click();
  const response = await answered;
  await page.waitForLoadState('load');
  if (response.status() >= 400) {
    const text = (await page.locator('main').innerText()).slice(0, 300);
    throw new Error(`POST ${new URL(response.url()).pathname} answered ${response.status()}: ${text}`);
  }
  return response.status();
}

// A link with a code opens a page whose button signs the browser in: opening the link spends
// nothing, since mail scanners fetch the links of a message (they do not press buttons).
// Waits for the landing page or for `heading` (a page without a code), presses the button if
// it is the landing page, and waits for `heading`.
async function continueFromLanding(page, heading) {
  const button = page.getByRole('button', { name: /^(Fortsätt|Continue)$/ });
  await button.or(heading).first().waitFor();
  if (await button.count()) await Promise.all([page.waitForNavigation(), button.click()]);
  await heading.waitFor();
}

// eventd's own pages (templates/pages/), in the event's language (Swedish) or English.
const builtInUi = {
  name: 'built-in',
  eventPage: (base, slug) => `${base}/events/${slug}`,
  signInPage: (base) => `${base}/me/sign-in`,
  async register(page, person, sessionTitle) {
    await page.getByLabel(/^(Namn|Name)/).fill(person.name);
    await page.getByLabel(/^(E-post|E-mail)/).fill(person.email);
    if (sessionTitle) await page.getByRole('checkbox', { name: sessionTitle }).check();
    await page.getByRole('checkbox', { name: /samtycker|agree|consent/i }).check();
    await submitForm(page, page.getByRole('button', { name: /^(Anmäl|Register)/ }));
    // templates/pages/registered.html: the outcome in a status paragraph.
    const outcome = await page.getByRole('status').first().innerText();
    if (/väntelistan|waitlist/i.test(outcome)) return 'waitlisted';
    if (/fått en plats|have a seat/i.test(outcome)) return 'confirmed';
    return `unknown: ${(await page.locator('main').innerText()).slice(0, 300)}`;
  },
  async registrationShown(page) {
    await continueFromLanding(page, page.getByRole('heading', { level: 1, name: /^(Din anmälan|Your registration)$/ }));
    const status = await page.locator('dl.facts').innerText();
    if (/väntelistan|waitlist/i.test(status)) return 'waitlisted';
    if (/har en plats|have a seat/i.test(status)) return 'confirmed';
    return `unknown: ${status}`;
  },
  async chooseSessions(page, tick, untick) {
    await page.getByRole('checkbox', { name: untick }).uncheck();
    await page.getByRole('checkbox', { name: tick }).check();
    await submitForm(page, page.getByRole('button', { name: /^(Spara ändringarna|Save the changes)$/ }));
  },
  async feedLink(page) {
    const feed = page.locator('a[href*="/calendar.ics"]');
    if (!(await feed.count())) {
      await submitForm(page, page.getByRole('button', { name: /^(Skapa en ny kalenderlänk|Make a new calendar link)$/ }));
    }
    return feed.first().getAttribute('href');
  },
  async signIn(page, email) {
    await page.getByLabel(/^(E-postadress|E-mail address)$/).fill(email);
    await submitForm(page, page.getByRole('button', { name: /^(Skicka länk|Send link)$/ }));
    await page.getByRole('status').first().waitFor();
  },
  async personShown(page) {
    await continueFromLanding(page, page.getByRole('heading', { level: 1, name: /^(Dina sidor|Your pages)$/ }));
  },
  async refusedShown(page) {
    const refused = /^(Länken har redan använts|The link was used already)/;
    await continueFromLanding(page, page.getByRole('heading', { level: 1, name: refused }));
  },
  async eraseEverything(page) {
    await page.getByRole('checkbox', { name: /^(Ja, radera allt om mig|Yes, erase everything about me)/ }).check();
    await submitForm(page, page.getByRole('button', { name: /^(Radera allt|Erase everything)$/ }));
    await page.getByRole('heading', { level: 1, name: /^(Allt om dig är raderat|Everything about you is erased)$/ }).waitFor();
  },
};

const VARIANTS = [
  { ui: builtInUi, person: { name: 'Siri Almqvist-Journey', email: 'siri.almqvist@example.se' } },
  { ui: frontendUi, person: { name: 'Maja Ekdahl-Journey', email: 'maja.ekdahl@example.se' } },
];

// EVENTD_JOURNEY_ONLY=frontend (or built-in) runs one variant.
const only = process.env.EVENTD_JOURNEY_ONLY;
for (const { ui, person } of VARIANTS.filter((v) => !only || v.ui.name === only)) {
  const where = ui.name === 'frontend' ? 'a frontend on its own origin' : "eventd's own pages";
  test(`a participant's journey on ${where}`, { timeout: 180000 }, async (t) => {
    const frontend = ui.name === 'frontend';
    const shot = (page, step) => page.screenshot({ path: join(args.out, `journey-${ui.name}-${step}.png`), fullPage: true });

    // --- the frontend's origin (it learns eventd's from /config.js) and eventd -------------
    let apiBase = null;
    const pageOrigin = frontend
      ? await serveStatic(join(here, 'participant'), {
          cleanups,
          fallback: 'index.html',
          generated: { '/config.js': () => ['text/javascript', `window.EVENTD_API = ${JSON.stringify(apiBase)};\n`] },
        })
      : null;
    const eventd = await startEventd(
      args.eventdPath,
      { ...database.env, ...(frontend ? { EVENTD_FRONTEND_URL: pageOrigin, EVENTD_CORS_ORIGINS: pageOrigin } : {}) },
      { cleanups },
    );
    apiBase = eventd.api;
    apiOrigins.add(eventd.api);
    const base = frontend ? pageOrigin : eventd.api; // where links lead
    const call = apiClient(eventd.api, exchanges, `journey ${ui.name} (test)`);

    // --- the organiser's workshop (one seat, a waiting list, two sessions) and a second event
    const slug = `journey-workshop-${ui.name}-${YEAR}`;
    const secondSlug = `journey-seminar-${ui.name}-${YEAR}`;
    const title = `Verkstad om mottagande (${ui.name})`;
    const secondTitle = `Seminarium om bosättning (${ui.name})`;
    const stream = `https://stream.example.org/journey/${ui.name}`;
    const sessionTitles = ['Del 1: Kartläggning', 'Del 2: Samverkan'];
    const online = (url) => ({ platform: 'Zoom', stream_url: url, access: 'registered' });
    const created = await call('POST', '/v1/events', {
      key: organiserKey,
      body: {
        slug,
        title,
        summary: 'En förmiddag i två delar om mottagandet av nyanlända.',
        language: 'sv',
        kind: 'workshop',
        format: 'online',
        status: 'published',
        timezone: 'Europe/Stockholm',
        starts_at: `${YEAR}-03-12T09:00:00+01:00`,
        ends_at: `${YEAR}-03-12T12:00:00+01:00`,
        online: online(stream),
        organiser_id: ORGANISER,
        capacity: 1,
        waitlist: true,
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sessionIds = [];
    for (const [i, sessionTitle] of sessionTitles.entries()) {
      const session = await call('POST', `/v1/events/${slug}/sessions`, {
        key: organiserKey,
        body: {
          title: sessionTitle,
          kind: 'workshop',
          starts_at: `${YEAR}-03-12T${['09:00', '10:45'][i]}:00+01:00`,
          ends_at: `${YEAR}-03-12T${['10:30', '12:00'][i]}:00+01:00`,
        },
      });
      assert.equal(session.status, 201, JSON.stringify(session.body));
      sessionIds.push(session.body.id);
    }
    const second = await call('POST', '/v1/events', {
      key: organiserKey,
      body: {
        slug: secondSlug,
        title: secondTitle,
        language: 'sv',
        kind: 'seminar',
        format: 'online',
        status: 'published',
        timezone: 'Europe/Stockholm',
        starts_at: `${YEAR}-04-16T13:00:00+02:00`,
        ends_at: `${YEAR}-04-16T15:00:00+02:00`,
        online: online(`${stream}/seminar`),
        organiser_id: ORGANISER,
      },
    });
    assert.equal(second.status, 201, JSON.stringify(second.body));

    // Somebody else takes the only seat.
    const other = { name: `Olle Berg (${ui.name})`, email: `olle.berg.${ui.name}@example.se` };
    const first = await call('POST', `/v1/events/${slug}/registrations`, { body: { ...other, consent: true } });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.status, 'confirmed');

    // The steps build on each other: after a failure the rest are skipped, not failed again.
    let broken = false;
    const step = (name, fn) =>
      t.test(name, { skip: broken && 'an earlier step failed' }, async (s) => {
        try {
          await fn(s);
        } catch (error) {
          broken = true;
          throw error;
        }
      });

    const me = await device(`${ui.name} (phone)`);
    let registrationLink;
    let mailText;
    let registrationId;
    let personToken = null;
    let phoneToken = null;

    await step('registers on the event page and is waitlisted', async () => {
      await open(me.page, ui.eventPage(base, slug));
      await me.page.getByRole('heading', { level: 1, name: title }).waitFor();
      await shot(me.page, '1-event');
      assert.equal(await ui.register(me.page, person, sessionTitles[0]), 'waitlisted');
      await shot(me.page, '2-waitlisted');
      const query = `?q=${encodeURIComponent(person.email)}`;
      const listed = await call('GET', `/v1/events/${slug}/registrations${query}`, { key: organiserKey });
      assert.equal(listed.body.items.length, 1);
      assert.equal(listed.body.items[0].status, 'waitlisted');
      assert.deepEqual(listed.body.items[0].session_ids, [sessionIds[0]]);
      registrationId = listed.body.items[0].id;
    });

    await step('the e-mail in the outbox links to the registration page with a code', async () => {
      const mail = await mailOf(person.email, 'registration_waitlisted');
      const links = linksIn(mail.text);
      const pattern = frontend
        ? new RegExp(`^${base}/registrations/${registrationId}#code=evc_[A-Za-z0-9_-]+$`)
        : new RegExp(`^${base}/registrations/${registrationId}\\?code=evc_[A-Za-z0-9_-]+$`);
      registrationLink = links.find((link) => pattern.test(link));
      mailText = mail.text;
      assert.ok(registrationLink, `no link to the registration page in:\n${mail.text}`);
      // … and to the person's page (its own code) and the event's page.
      const personPage = new RegExp(`^${base}/me${frontend ? '#' : '\\?'}code=evc_[A-Za-z0-9_-]+$`);
      assert.ok(links.some((link) => personPage.test(link)), `no link to the person's page in:\n${mail.text}`);
      assert.ok(links.includes(`${base}/events/${slug}`), `no link to the event's page in:\n${mail.text}`);
      // No link meant for a person opens JSON: API URLs only as calendar feeds.
      const json = links.filter((link) => link.includes('/v1/') && !link.endsWith('.ics'));
      assert.deepEqual(json, [], mail.text);
    });

    await step('the link opens the registration: waitlisted, no stream link yet', async () => {
      const opened = await followMailLink(me.page, mailText, registrationLink);
      assert.equal(opened.status(), 200, `${registrationLink}: ${opened.status()}`);
      assert.equal(await ui.registrationShown(me.page), 'waitlisted');
      // The code is gone from the address bar and the history.
      assert.equal(me.page.url(), `${base}/registrations/${registrationId}`);
      if (frontend) {
        personToken = await me.page.evaluate(() => sessionStorage.getItem('eventd.person'));
        assert.match(personToken ?? '', /^evu_/);
        phoneToken = personToken;
      } else {
        const cookies = await me.context.cookies(base);
        assert.ok(cookies.length > 0, 'no cookie set');
        for (const cookie of cookies) {
          assert.equal(cookie.httpOnly, true, cookie.name);
          assert.equal(cookie.sameSite, 'Strict', cookie.name);
          assert.doesNotMatch(cookie.value, /^evc_/);
        }
      }
      assert.ok(!(await me.page.content()).includes(stream), 'the stream link is shown to a waitlisted person');
      if (personToken) {
        const seen = await call('GET', `/v1/registrations/${registrationId}`, { key: personToken });
        assert.equal(seen.status, 200);
        assert.equal(seen.body.access?.stream_url ?? null, null);
      }
    });

    await step('changes the programme choice', async () => {
      await ui.chooseSessions(me.page, sessionTitles[1], sessionTitles[0]);
      await shot(me.page, '3-programme');
      const seen = await call('GET', `/v1/registrations/${registrationId}`, { key: organiserKey });
      assert.deepEqual(seen.body.session_ids, [sessionIds[1]]);
    });

    await step('gets the seat when the first person cancels: the stream link appears', async () => {
      const cancelled = await call('DELETE', `/v1/registrations/${first.body.id}`, { key: first.body.manage_token });
      assert.equal(cancelled.status, 204);
      // Opened again (not reload(): after a form's POST that would send it again).
      await open(me.page, `${base}/registrations/${registrationId}`);
      assert.equal(await ui.registrationShown(me.page), 'confirmed');
      const link = me.page.locator(`a[href="${stream}"]`);
      await link.first().waitFor();
      await shot(me.page, '4-confirmed');
      assert.ok(await mailOf(person.email, 'registration_promoted'));
      if (personToken) {
        const seen = await call('GET', `/v1/registrations/${registrationId}`, { key: personToken });
        assert.equal(seen.body.access?.stream_url, stream);
      }
    });

    await step('subscribes: the feed the page links to carries the stream link', async () => {
      const href = await ui.feedLink(me.page);
      assert.ok(href, 'no calendar link on the page');
      const url = new URL(href.replace(/^webcal:/, 'http:'), base);
      assert.equal(url.origin, eventd.api);
      const feed = await call('GET', url.pathname + url.search);
      assert.equal(feed.status, 200);
      assert.match(feed.headers['content-type'], /^text\/calendar/);
      const events = readCalendar(feed.body);
      assert.ok(events.some((event) => event.SUMMARY === title), JSON.stringify(events));
      assert.ok(calendarMentions(events, stream), `the stream link is not in the feed:\n${feed.body}`);
      // Its links lead to pages, not JSON.
      for (const event of events) assert.equal(event.URL, `${base}/events/${slug}`, JSON.stringify(event));
    });

    await step('registers for a second event with the same address', async () => {
      await open(me.page, ui.eventPage(base, secondSlug));
      await me.page.getByRole('heading', { level: 1, name: secondTitle }).waitFor();
      assert.equal(await ui.register(me.page, person, null), 'confirmed');
      await shot(me.page, '5-second-event');
    });

    const laptop = await device(`${ui.name} (laptop)`);
    let signInLink;
    let signInText;
    await step('signs in by e-mail on another device and sees both registrations', async () => {
      await open(laptop.page, ui.signInPage(base));
      await ui.signIn(laptop.page, person.email);
      await shot(laptop.page, '6-sign-in');
      const mail = await mailOf(person.email, 'person_sign_in');
      const pattern = new RegExp(`^${base}/me${frontend ? '#' : '\\?'}code=evc_[A-Za-z0-9_-]+$`);
      const link = linksIn(mail.text).find((l) => pattern.test(l));
      assert.ok(link, `no sign-in link in:\n${mail.text}`);
      const opened = await followMailLink(laptop.page, mail.text, link);
      assert.equal(opened.status(), 200, `${link}: ${opened.status()}`);
      await ui.personShown(laptop.page);
      assert.equal(laptop.page.url(), `${base}/me`);
      await laptop.page.getByRole('link', { name: title }).waitFor();
      await laptop.page.getByRole('link', { name: secondTitle }).waitFor();
      await shot(laptop.page, '7-me');
      signInLink = link;
      signInText = mail.text;
      if (frontend) {
        // The links in JSON lead to the frontend's pages too, without a code.
        const token = await laptop.page.evaluate(() => sessionStorage.getItem('eventd.person'));
        const overview = await call('GET', '/v1/me', { key: token });
        assert.equal(overview.status, 200);
        assert.equal(overview.body.registrations.length, 2);
        for (const r of overview.body.registrations) {
          assert.equal(r.links.page, `${base}/registrations/${r.id}`);
          assert.equal(r.event.links.page, `${base}/events/${r.event.slug}`);
        }
      }
    });

    if (ui.exportData) {
      await step('downloads everything held about them', async () => {
        const data = await ui.exportData(laptop.page);
        assert.equal(data.email, person.email);
        assert.ok(data.exported_at);
        assert.deepEqual(data.registrations.map((r) => r.event.title).sort(), [secondTitle, title].sort());
        assert.ok(data.registrations.every((r) => r.name === person.name));
      });
    }

    await step('a spent code opens nothing', async () => {
      const stranger = await device(`${ui.name} (someone with the old e-mail)`);
      await followMailLink(stranger.page, mailText, registrationLink);
      await ui.refusedShown(stranger.page);
      await shot(stranger.page, '8-spent-code');
      let content = await stranger.page.content();
      // The sign-in link, opened again, neither.
      await followMailLink(stranger.page, signInText, signInLink);
      await ui.refusedShown(stranger.page);
      content += await stranger.page.content();
      assert.ok(!content.includes(person.email) && !content.includes(person.name), 'a spent code showed personal data');
      assert.ok(!content.includes(stream));
      if (frontend) {
        assert.equal(await stranger.page.evaluate(() => sessionStorage.getItem('eventd.person')), null);
      } else {
        // Whatever cookie the page may set, it opens no registration.
        const again = await stranger.page.goto(`${base}/registrations/${registrationId}`);
        assert.ok(!(await stranger.page.content()).includes(person.name), `status ${again.status()}`);
      }
      await stranger.context.close();
    });

    await step('erases everything', async () => {
      if (frontend) personToken = await laptop.page.evaluate(() => sessionStorage.getItem('eventd.person'));
      await ui.eraseEverything(laptop.page);
      await shot(laptop.page, '9-erased');
      for (const token of [personToken, phoneToken].filter(Boolean)) {
        const after = await call('GET', '/v1/me', { key: token });
        assert.equal(after.status, 401, 'a person token still works after erasure');
      }
      for (const event of [slug, secondSlug]) {
        const listed = await call('GET', `/v1/events/${event}/registrations?limit=200`, { key: organiserKey });
        assert.ok(!JSON.stringify(listed.body).includes(person.email), event);
      }
      const seat = await call('GET', `/v1/registrations/${registrationId}`, { key: organiserKey });
      assert.equal(seat.body.erased, true);
      assert.equal(seat.body.status, 'cancelled');
    });

    await step('the database holds no personal data of that person', () => {
      // Every row of every table, as text (bytea as hex): the address, the name, and the
      // address's SHA-256 (in case something is keyed by it).
      const needles = [person.email, person.name, sha256Hex(person.email)];
      assert.deepEqual(rowsMentioning(database.url, needles), []);
      // The search does find what is there: the other person's data is kept.
      assert.ok(rowsMentioning(database.url, [other.email]).length > 0, 'the search finds nothing at all');
    });

    await t.test('eventd stops on SIGTERM with exit code 0', async () => {
      await me.context.close().catch(() => {});
      await laptop.context.close().catch(() => {});
      const [code, signal] = await eventd.stop();
      assert.equal(signal, null, eventd.log.slice(-4000));
      assert.equal(code, 0, eventd.log.slice(-4000));
      apiOrigins.delete(eventd.api);
    });
  });
}

test('every API answer matches openapi.yaml', async () => {
  await Promise.all(watchers.map((watcher) => watcher.settle()));
  // eventd's own pages (HTML) are no operation of the contract; the API routes all are.
  const { contract } = loadContract();
  const api = exchanges.filter((e) => e.request.target.startsWith('/v1/') || contract.match(e.request.target.split('?')[0]));
  assert.ok(api.length >= (only ? 10 : 30), `only ${api.length} API exchanges seen`);
  assert.deepEqual(contractFailures(api), []);
  // The frontend page made every call of a participant's journey itself (and was refused a
  // spent code), so each of these was checked as a browser sent it, CORS and all.
  const fromFrontend = new Set(
    api
      .filter((e) => e.test_case.startsWith('journey frontend (') && !e.test_case.endsWith('(test)'))
      .map((e) => `${e.request.method} ${contract.match(e.request.target.split('?')[0]).template} ${e.response.status}`),
  );
  if (!only || only === 'frontend') {
    const expected = [
      'GET /v1/events/{id} 200',
      'GET /v1/events/{id}/sessions 200',
      'POST /v1/events/{id}/registrations 201',
      'POST /v1/me/session 201',
      'POST /v1/me/session 401',
      'GET /v1/registrations/{id} 200',
      'PATCH /v1/registrations/{id} 200',
      'POST /v1/me/feed-token 200',
      'POST /v1/me/sign-in 202',
      'GET /v1/me 200',
      'POST /v1/me/export 200',
      'DELETE /v1/me 204',
    ];
    assert.deepEqual(expected.filter((operation) => !fromFrontend.has(operation)), [], [...fromFrontend].join('\n'));
  }
});

test('nothing was fetched from outside this machine, and no page script failed', () => {
  assert.deepEqual(foreignRequests, []);
  // Chromium logs every 4xx answer as a console error ("Failed to load resource"): the spent
  // code's 401 is one on purpose. Anything else is a page script's failure or a CSP refusal.
  assert.deepEqual(
    pageErrors.filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e)),
    [],
  );
});
