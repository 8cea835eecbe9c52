// A participant's pages on eventd's frontend link templates (docs/PARTICIPANTS.md), in plain
// JavaScript: no framework, no build step, nothing but eventd's API (openapi.yaml).
//
// How a person gets in: every e-mail link to a private page carries a single-use code in the
// fragment (`#code=evc_…`), which never reaches a server. The page exchanges it once for a
// person token (POST /v1/me/session → `evu_…`), keeps the token in sessionStorage (this tab
// only, gone when it closes) and removes the fragment from the address bar and the history
// (history.replaceState), so the spent code is neither bookmarked nor shared. The token goes
// to eventd as `Authorization: Bearer evu_…`. Without one, the page offers sign-in by e-mail.
'use strict';

const api = window.EVENTD_API;
const TOKEN = 'eventd.person';
const main = document.getElementById('main');
const alertBox = document.getElementById('alert');

// --- talking to eventd ------------------------------------------------------------------
async function call(method, path, { body, token, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(api + path, init);
  } catch (error) {
    return { status: 0, etag: null, data: { detail: `eventd is not reachable (${error.message})` } };
  }
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  return {
    status: response.status,
    etag: response.headers.get('ETag'),
    data: text && type.includes('json') ? JSON.parse(text) : null,
  };
}

const ok = (result) => result.status >= 200 && result.status < 300;

// --- building the page (text only through textContent: nothing a server sends is HTML) ----
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function show(title, ...content) {
  document.title = `${title} – Events`;
  alertBox.hidden = true;
  const nodes = content.flat(Infinity).filter((node) => node !== null && node !== undefined);
  main.replaceChildren(el('h1', { text: title }), ...nodes);
}

function showAlert(message) {
  alertBox.textContent = message;
  alertBox.hidden = false;
}

const problem = (result) => (result.data && result.data.detail) || `eventd answered ${result.status}`;

// "2031-11-26T09:15:00+01:00" is already in the event's own zone: show it as it is.
const day = (instant) => instant.slice(0, 10);
const clock = (instant) => instant.slice(11, 16);
function when(event) {
  if (event.all_day) return event.starts_on === event.ends_on ? event.starts_on : `${event.starts_on} – ${event.ends_on}`;
  return day(event.starts_at) === day(event.ends_at)
    ? `${day(event.starts_at)}, ${clock(event.starts_at)}–${clock(event.ends_at)}`
    : `${day(event.starts_at)} ${clock(event.starts_at)} – ${day(event.ends_at)} ${clock(event.ends_at)}`;
}
const sessionLabel = (session) => `${clock(session.starts_at)}–${clock(session.ends_at)} ${session.title}`;

// Checkboxes for the programme; none ticked means the whole event.
function sessionChoice(sessions, chosen) {
  return el(
    'fieldset',
    {},
    el('legend', { text: 'Sessions you will attend' }),
    el('p', { class: 'hint', id: 'sessions-hint', text: 'Tick none to come to the whole event.' }),
    sessions.map((session) =>
      el(
        'label',
        { class: 'check' },
        el('input', { type: 'checkbox', name: 'session_ids', value: session.id, checked: chosen.includes(session.id) }),
        sessionLabel(session),
      ),
    ),
  );
}

const chosenSessions = (form) => [...form.querySelectorAll('input[name=session_ids]:checked')].map((box) => box.value);

// --- the person's token -----------------------------------------------------------------
const personToken = () => sessionStorage.getItem(TOKEN);

// Exchanges the fragment's code, if any. Returns 'none', 'signed-in' or 'refused'.
async function takeCode() {
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (!code) return 'none';
  // Off the address bar and out of the history first, whatever the exchange says.
  history.replaceState(null, '', location.pathname + location.search);
  const result = await call('POST', '/v1/me/session', { body: { code } });
  if (!ok(result)) return 'refused';
  sessionStorage.setItem(TOKEN, result.data.token);
  return 'signed-in';
}

function signInOffer(reason) {
  show(
    reason === 'refused' ? 'This link has expired' : 'Please sign in',
    el('p', {
      id: 'link-refused',
      text:
        reason === 'refused'
          ? 'The link you opened has been used already or is too old: each link in our e-mails opens the page once.'
          : 'This page shows your personal data, so we need to know it is you.',
    }),
    el('p', {}, el('a', { href: '/sign-in', text: 'Get a new link by e-mail' })),
  );
}

// --- /events/{slug} -----------------------------------------------------------------------
async function eventPage(slug) {
  const [event, sessions] = await Promise.all([
    call('GET', `/v1/events/${encodeURIComponent(slug)}`),
    call('GET', `/v1/events/${encodeURIComponent(slug)}/sessions?limit=200`),
  ]);
  if (!ok(event)) return show('Event not found', el('p', { text: problem(event) }));
  if (!ok(sessions)) return showAlert(problem(sessions));
  const e = event.data;
  const result = el('div', { id: 'registration-result', role: 'status' });
  const form = el(
    'form',
    { id: 'register', 'aria-labelledby': 'register-heading' },
    el('label', {}, 'Name', el('input', { type: 'text', name: 'name', autocomplete: 'name', required: true })),
    el('label', {}, 'E-mail', el('input', { type: 'email', name: 'email', autocomplete: 'email', required: true })),
    el('label', {}, 'Organisation (optional)', el('input', { type: 'text', name: 'organisation', autocomplete: 'organization' })),
    sessions.data.items.length ? sessionChoice(sessions.data.items, []) : null,
    el(
      'label',
      { class: 'check' },
      el('input', { type: 'checkbox', name: 'consent', required: true }),
      'I agree that my name and e-mail address are kept for this event',
    ),
    el('button', { type: 'submit', text: 'Register' }),
  );
  // One key per filled-in form: a retry after a lost answer registers nobody twice.
  let idempotencyKey = crypto.randomUUID();
  form.addEventListener('input', () => (idempotencyKey = crypto.randomUUID()));
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const data = new FormData(form);
    const body = {
      name: data.get('name').trim(),
      email: data.get('email').trim(),
      organisation: data.get('organisation').trim() || null,
      session_ids: chosenSessions(form),
      consent: data.get('consent') === 'on',
    };
    const answer = await call('POST', `/v1/events/${e.id}/registrations`, {
      body,
      headers: { 'Idempotency-Key': idempotencyKey },
    });
    if (!ok(answer)) {
      result.removeAttribute('data-status');
      result.className = '';
      result.textContent = answer.status === 409 ? problem(answer) : `Not registered: ${problem(answer)}`;
      return;
    }
    const r = answer.data;
    result.className = 'status';
    result.dataset.status = r.status;
    result.textContent =
      r.status === 'confirmed'
        ? `You have a seat. We have sent a confirmation to ${body.email}, with a link to your registration.`
        : `The event is full: you are number ${r.waitlist_position} on the waiting list. We have sent an e-mail to ` +
          `${body.email} with a link to your registration, and we write again when a seat is yours.`;
    form.reset();
  });
  show(
    e.title,
    el('p', { class: 'when', id: 'event-when', text: when(e) }),
    e.summary ? el('p', { text: e.summary }) : null,
    sessions.data.items.length ? el('h2', { text: 'Programme' }) : null,
    sessions.data.items.length
      ? el('ol', { id: 'programme' }, sessions.data.items.map((s) => el('li', { text: sessionLabel(s) })))
      : null,
    el('h2', { id: 'register-heading', text: 'Register' }),
    form,
    result,
  );
}

// --- /registrations/{id} ------------------------------------------------------------------
const NEXT = {
  attend: 'Your seat is confirmed.',
  wait_for_seat: 'When a seat frees up it is yours, and we send you an e-mail.',
  none: 'This registration is cancelled.',
  ended: 'The event is over.',
};

async function registrationPage(id) {
  const taken = await takeCode();
  const token = personToken();
  if (!token) return signInOffer(taken);
  const registration = await call('GET', `/v1/registrations/${encodeURIComponent(id)}`, { token });
  if (registration.status === 401) {
    sessionStorage.removeItem(TOKEN);
    return signInOffer('expired');
  }
  if (!ok(registration)) return show('Registration not found', el('p', { text: problem(registration) }));
  const r = registration.data;
  const [event, sessions] = await Promise.all([
    call('GET', `/v1/events/${r.event_id}`),
    call('GET', `/v1/events/${r.event_id}/sessions?limit=200`),
  ]);
  if (!ok(event) || !ok(sessions)) return showAlert(problem(ok(event) ? sessions : event));
  const e = event.data;
  let etag = registration.etag;

  const access = r.access || {};
  const status = el('p', {
    id: 'registration-status',
    class: 'status',
    'data-status': r.status,
    text:
      r.status === 'waitlisted'
        ? `You are number ${r.waitlist_position ?? access.waitlist_position} on the waiting list.`
        : NEXT[access.next] || `Status: ${r.status}.`,
  });
  if (r.status === 'waitlisted' && NEXT[access.next]) status.append(` ${NEXT[access.next]}`);

  const online = [];
  if (e.format !== 'in_person') {
    online.push(el('h2', { text: 'Taking part online' }));
    online.push(
      access.stream_url
        ? el(
            'p',
            {},
            el('a', {
              id: 'stream-link',
              href: access.stream_url,
              text: `Join the stream${access.platform ? ` (${access.platform})` : ''}`,
            }),
          )
        : el('p', { id: 'no-stream', text: 'The link to the stream appears here once your seat is confirmed.' }),
    );
  }

  const saved = el('p', { id: 'programme-saved', role: 'status' });
  const programme = el(
    'form',
    { id: 'programme-form', 'aria-labelledby': 'programme-heading' },
    sessionChoice(sessions.data.items, r.session_ids),
    el('button', { type: 'submit', text: 'Save programme choice' }),
  );
  programme.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    saved.textContent = '';
    const answer = await call('PATCH', `/v1/registrations/${r.id}`, {
      token,
      body: { session_ids: chosenSessions(programme) },
      headers: { 'Content-Type': 'application/merge-patch+json', ...(etag ? { 'If-Match': etag } : {}) },
    });
    if (answer.status === 412) {
      saved.textContent = 'Your registration changed in the meantime: reload the page and choose again.';
      return;
    }
    if (!ok(answer)) {
      saved.textContent = `Not saved: ${problem(answer)}`;
      return;
    }
    etag = answer.etag;
    saved.textContent = 'Your programme choice is saved.';
  });

  // With the registration's own key (manage token) eventd gives this registration's feed and
  // invitation; with a person token, the person's calendar of everything.
  const calendar = [];
  const item = (id, href, text) => el('li', {}, el('a', { id, href, text }));
  if (r.webcal_url) calendar.push(item('subscribe', r.webcal_url, 'Subscribe in your calendar app'));
  if (r.feed_url) calendar.push(item('feed', r.feed_url, 'Calendar feed (https, for web calendars)'));
  if (r.links && r.links.invite) calendar.push(item('invite', r.links.invite, 'Download the invitation (.ics)'));

  show(
    'Your registration',
    el('p', {}, 'For ', el('a', { href: `/events/${e.slug}`, id: 'event-link', text: e.title }), `, ${when(e)}.`),
    el('h2', { text: 'Status' }),
    status,
    online,
    sessions.data.items.length ? el('h2', { id: 'programme-heading', text: 'Programme' }) : null,
    sessions.data.items.length ? [programme, saved] : null,
    el('h2', { text: 'Calendar' }),
    calendar.length ? el('ul', { id: 'calendar-links' }, calendar) : feedWidget(token, null),
    el('p', {}, el('a', { href: '/me', text: 'All your registrations' })),
  );
}

// One calendar of everything of the person (POST /v1/me/feed-token); eventd shows its link
// only to the session that made it (`existing.feed_url`), and a new one ends the old link.
function feedWidget(token, existing) {
  const links = el('div', { id: 'person-feed' });
  const showLinks = (data) =>
    links.replaceChildren(
      el(
        'ul',
        {},
        el('li', {}, el('a', { id: 'person-webcal', href: data.webcal_url, text: 'Subscribe to all your events' })),
        el('li', {}, el('a', { id: 'person-feed-url', href: data.feed_url, text: 'Calendar feed of all your events (https)' })),
      ),
    );
  if (existing && existing.feed_url) showLinks(existing);
  const button = el('button', {
    type: 'button',
    text:
      existing && (existing.feed_url || existing.has_feed)
        ? 'Make a new calendar link (the old one stops working)'
        : 'Make a calendar link',
    onclick: async () => {
      const answer = await call('POST', '/v1/me/feed-token', { token });
      if (!ok(answer)) return showAlert(problem(answer));
      showLinks(answer.data);
      button.textContent = 'Make a new calendar link (the old one stops working)';
    },
  });
  return el('div', {}, links, button);
}

// --- /me ----------------------------------------------------------------------------------
// One entry of GET /v1/me: its event, whether embedded or named by members of its own.
const eventOf = (item) => item.event || { title: item.event_title, slug: item.event_slug, starts_at: item.event_starts_at };

async function mePage() {
  const taken = await takeCode();
  const token = personToken();
  if (!token) return signInOffer(taken);
  const me = await call('GET', '/v1/me', { token });
  if (me.status === 401) {
    sessionStorage.removeItem(TOKEN);
    return signInOffer('expired');
  }
  if (!ok(me)) return showAlert(problem(me));
  const { email, registrations = [], media_requests: mediaRequests = [] } = me.data;

  const feed = feedWidget(token, me.data);

  // Everything eventd keeps about the address (GDPR art. 15 and 20), saved as a JSON file.
  const exportButton = el('button', {
    type: 'button',
    text: 'Download everything we keep about you',
    onclick: async () => {
      const answer = await call('POST', '/v1/me/export', { token });
      if (!ok(answer)) return showAlert(problem(answer));
      const file = new Blob([JSON.stringify(answer.data, null, 2)], { type: 'application/json' });
      const link = el('a', { href: URL.createObjectURL(file), download: 'my-data.json' });
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(link.href);
    },
  });

  const erase = el(
    'form',
    { id: 'erase', 'aria-labelledby': 'erase-heading' },
    el('p', {
      text:
        'Cancels every registration and withdraws every media request of this address, and erases ' +
        'everything we keep about you. This cannot be undone.',
    }),
    el(
      'label',
      { class: 'check' },
      el('input', { type: 'checkbox', name: 'sure', required: true }),
      'I want all my registrations cancelled and my data erased',
    ),
    el('button', { type: 'submit', class: 'danger', text: 'Erase all my data' }),
  );
  erase.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const answer = await call('DELETE', '/v1/me', { token });
    if (!ok(answer)) return showAlert(problem(answer));
    sessionStorage.removeItem(TOKEN);
    show(
      'Your data is erased',
      el('p', { id: 'erased', text: 'Your registrations are cancelled and nothing about you is kept any longer.' }),
    );
  });

  const signOut = el('button', {
    type: 'button',
    text: 'Sign out',
    onclick: async () => {
      await call('DELETE', '/v1/me/session', { token });
      sessionStorage.removeItem(TOKEN);
      signInOffer('signed-out');
    },
  });

  show(
    'Your registrations',
    el('p', { id: 'signed-in-as', text: `Signed in as ${email}.` }),
    el('h2', { text: 'Events' }),
    registrations.length
      ? el(
          'ul',
          { id: 'my-registrations' },
          registrations.map((r) => {
            const e = eventOf(r);
            return el(
              'li',
              { 'data-status': r.status },
              el('a', { href: `/registrations/${r.id}`, text: e.title }),
              `${e.starts_at ? `, ${day(e.starts_at)}` : ''}: ` +
                (r.status === 'waitlisted' ? `waiting list, number ${r.waitlist_position}` : r.status),
            );
          }),
        )
      : el('p', { text: 'No registrations.' }),
    mediaRequests.length ? el('h2', { text: 'Media requests' }) : null,
    mediaRequests.length
      ? el('ul', { id: 'my-media-requests' }, mediaRequests.map((m) => el('li', { text: `${eventOf(m).title}: ${m.status}` })))
      : null,
    el('h2', { text: 'Your calendar' }),
    el('p', { class: 'hint', text: 'One calendar with all your events, kept up to date.' }),
    feed,
    el('h2', { text: 'Your data' }),
    el('p', {}, exportButton),
    el('h2', { id: 'erase-heading', text: 'Erase everything' }),
    erase,
    el('p', {}, signOut),
  );
}

// --- /sign-in -----------------------------------------------------------------------------
function signInPage() {
  const result = el('p', { id: 'sign-in-result', role: 'status' });
  const form = el(
    'form',
    { id: 'sign-in' },
    el('label', {}, 'E-mail', el('input', { type: 'email', name: 'email', autocomplete: 'email', required: true })),
    el('button', { type: 'submit', text: 'Send me a sign-in link' }),
  );
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    const email = new FormData(form).get('email').trim();
    const answer = await call('POST', '/v1/me/sign-in', { body: { email } });
    result.textContent = ok(answer)
      ? `If ${email} has registrations with us, a sign-in link is on its way to it. The link works once, for 15 minutes.`
      : `No link sent: ${problem(answer)}`;
  });
  show(
    'Sign in',
    el('p', { text: 'We send a link to the e-mail address you registered with. It opens all your registrations.' }),
    form,
    result,
  );
}

// --- the routes (the frontend link templates of docs/PARTICIPANTS.md) -----------------------
async function route() {
  const path = location.pathname.replace(/\/+$/, '');
  let match;
  if ((match = path.match(/^\/events\/([^/]+)$/))) return eventPage(decodeURIComponent(match[1]));
  if ((match = path.match(/^\/registrations\/([^/]+)$/))) return registrationPage(decodeURIComponent(match[1]));
  if (path === '/me') return mePage();
  if (path === '/sign-in') return signInPage();
  return show('Page not found', el('p', {}, el('a', { href: '/sign-in', text: 'Sign in to see your registrations' })));
}

route().catch((error) => showAlert(`Something went wrong: ${error.message}`));
