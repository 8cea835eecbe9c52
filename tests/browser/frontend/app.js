// The frontend stand-in: lists events, shows one with its programme and calendar links,
// registers a participant, and lets an organiser edit the title with If-Match.
'use strict';

const api = new URLSearchParams(location.search).get('api');
const $ = (id) => document.getElementById(id);
const state = { slug: null, etag: null, staleEtag: null };

async function call(method, path, { body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    if (!init.headers['Content-Type']) init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(api + path, init);
  const text = await response.text();
  const type = response.headers.get('Content-Type') || '';
  return {
    status: response.status,
    etag: response.headers.get('ETag'),
    data: text && type.includes('json') ? JSON.parse(text) : null,
  };
}

function showError(result) {
  $('error').hidden = false;
  $('error').textContent = `${result.status}: ${result.data ? result.data.detail : 'no body'}`;
}

// "2020-11-26T09:15:00+01:00" -> "2020-11-26 09:15", as the event's own zone gives it.
const localTime = (instant) => `${instant.slice(0, 10)} ${instant.slice(11, 16)}`;

function when(event) {
  if (event.all_day) return event.starts_on === event.ends_on ? event.starts_on : `${event.starts_on} – ${event.ends_on}`;
  return `${localTime(event.starts_at)} – ${event.ends_at.slice(11, 16)}`;
}

async function listEvents() {
  const result = await call('GET', '/v1/events?limit=50');
  if (result.status !== 200) return showError(result);
  const list = $('event-list');
  list.replaceChildren();
  for (const event of result.data.items) {
    const item = document.createElement('li');
    const link = document.createElement('button');
    link.textContent = event.title;
    link.addEventListener('click', () => showEvent(event.slug));
    const date = document.createElement('span');
    date.className = 'when';
    date.textContent = when(event);
    item.append(link, date);
    list.append(item);
  }
}

async function showEvent(slug) {
  const [event, sessions, speakers] = await Promise.all([
    call('GET', `/v1/events/${slug}`),
    call('GET', `/v1/events/${slug}/sessions?limit=200`),
    call('GET', `/v1/events/${slug}/speakers?limit=200`),
  ]);
  for (const result of [event, sessions, speakers]) if (result.status !== 200) return showError(result);
  state.slug = slug;
  renderEvent(event.data);
  const names = new Map(speakers.data.items.map((s) => [s.id, s.name]));
  const programme = $('programme');
  programme.replaceChildren();
  for (const session of sessions.data.items) {
    const item = document.createElement('li');
    const who = session.speaker_ids.map((id) => names.get(id)).filter(Boolean);
    item.textContent = `${session.starts_at.slice(11, 16)}–${session.ends_at.slice(11, 16)} ${session.title}` +
      (who.length ? ` — ${who.join(', ')}` : '');
    programme.append(item);
  }
  $('event').hidden = false;
}

function renderEvent(event) {
  $('event-title').textContent = event.title;
  $('event-when').textContent = when(event);
  $('event-summary').textContent = event.summary || '';
  $('webcal').href = event.webcal_url;
  $('ics').href = event.calendar_url;
}

$('register').addEventListener('submit', async (submit) => {
  submit.preventDefault();
  const form = new FormData($('register'));
  const result = await call('POST', `/v1/events/${state.slug}/registrations`, {
    body: {
      name: form.get('name'),
      email: form.get('email'),
      organisation: form.get('organisation') || null,
      country: form.get('country') || null,
      consent: form.get('consent') === 'on',
    },
  });
  if (result.status !== 201) return showError(result);
  const registration = result.data;
  $('registration-result').textContent = `Anmälan ${registration.status} (${registration.id})`;
  $('registration-result').dataset.status = registration.status;
  const feed = document.createElement('a');
  feed.id = 'personal-feed';
  feed.href = registration.feed_url.replace(/^https?:/, 'webcal:');
  feed.textContent = ' Din personliga kalender';
  $('registration-result').append(feed);
});

function organiserHeaders(extra = {}) {
  return { Authorization: `Bearer ${new FormData($('organiser')).get('key')}`, ...extra };
}

$('load-for-edit').addEventListener('click', async () => {
  const result = await call('GET', `/v1/events/${state.slug}`, { headers: organiserHeaders() });
  if (result.status !== 200) return showError(result);
  state.etag = result.etag;
  $('etag').textContent = result.etag;
  $('edit-title').value = result.data.title;
});

async function saveTitle(etag) {
  return call('PATCH', `/v1/events/${state.slug}`, {
    body: { title: $('edit-title').value },
    headers: organiserHeaders({ 'Content-Type': 'application/merge-patch+json', 'If-Match': etag }),
  });
}

$('save').addEventListener('click', async () => {
  const result = await saveTitle(state.etag);
  if (result.status !== 200) return showError(result);
  state.staleEtag = state.etag;
  state.etag = result.etag;
  $('etag').textContent = result.etag;
  renderEvent(result.data);
  $('save-result').textContent = 'Sparat';
});

$('save-stale').addEventListener('click', async () => {
  const result = await saveTitle(state.staleEtag);
  $('save-result').textContent =
    result.status === 412 ? `Ändrat av någon annan (${result.status}): ${result.data.detail}` : `Oväntat: ${result.status}`;
});

$('api-base').textContent = `API: ${api}`;
listEvents();
