// The contract checker itself (lib/check.mjs): it must pass a conforming exchange and catch each kind of
// drift it promises to catch. Exchanges are made up here, against the real openapi.yaml.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Contract, METHODS, isAnyValue } from '../lib/contract.mjs';
import { checkExchanges } from '../lib/check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const openapi = join(here, '../../../openapi.yaml');
const contract = new Contract(openapi);
const closed = new Contract(openapi, { closed: true });  // as check-exchanges.mjs reads it
const forum = contract.document.components.examples.Forum.value;

// The route table exactly as the contract has it, unless a test changes it.
function contractRoutes() {
  const routes = [];
  for (const [pattern, item] of Object.entries(contract.document.paths)) {
    for (const method of METHODS) if (item[method]) routes.push({ method: method.toUpperCase(), pattern });
  }
  return routes;
}

function exchange(method, target, status, { headers = {}, body = '', requestBody = '', requestHeaders = {} } = {}) {
  return {
    request: { method, target, headers: requestHeaders, body: requestBody },
    response: { status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) },
    test_case: 'made up',
  };
}

// One result per call: the violations as the CLI prints them, and whether there were any.
function check(exchanges, routes = contractRoutes()) {
  const { failures } = checkExchanges(closed, routes, exchanges);
  return { status: failures.length ? 1 : 0, output: failures.join('\n') };
}

const json = { 'content-type': 'application/json' };
const problem = (status, title) => ({ type: 'http://127.0.0.1:8080/problems/not-found', title, status, detail: 'x' });
const organisationHeaders = { ...json, etag: '"1"', 'last-modified': 'Fri, 01 Mar 2024 09:00:00 GMT' };

describe('check-exchanges.mjs', () => {
  test('conforming exchanges pass', () => {
    const result = check([
      exchange('GET', '/healthz', 200, { headers: json, body: { status: 'ok' } }),
      exchange('GET', '/v1/organisations/forum', 200, { headers: organisationHeaders, body: forum }),
      exchange('HEAD', '/v1/organisations/forum', 200, { headers: organisationHeaders }),
      exchange('GET', '/v1/nothing-here', 404, {
        headers: { 'content-type': 'application/problem+json' },
        body: problem(404, 'Not Found'),
      }),
    ]);
    assert.equal(result.status, 0, result.output);
  });

  test("an error of eventd's own pages may be a page; an HTML error of the API may not", () => {
    const html = { 'content-type': 'text/html; charset=utf-8' };
    const page = check([exchange('GET', '/events/no-such-event', 404, { headers: html, body: '<!DOCTYPE html>' })]);
    assert.equal(page.status, 0, page.output);
    const api = check([exchange('GET', '/v1/events/no-such-event', 404, { headers: html, body: '<!DOCTYPE html>' })]);
    assert.equal(api.status, 1);
    assert.match(api.output, /not application\/problem\+json/);
  });

  test('a status the contract does not declare fails', () => {
    const result = check([exchange('GET', '/healthz', 418, { headers: json, body: { status: 'ok' } })]);
    assert.equal(result.status, 1);
    assert.match(result.output, /status 418 is not declared for GET \/healthz/);
  });

  test('a body missing a required member, or with an undeclared one, fails', () => {
    const { name, ...nameless } = forum;
    const missing = check([exchange('GET', '/v1/organisations/forum', 200, { headers: organisationHeaders, body: nameless })]);
    assert.equal(missing.status, 1);
    assert.match(missing.output, /must have required property 'name'/);
    const extra = check([
      exchange('GET', '/v1/organisations/forum', 200, { headers: organisationHeaders, body: { ...forum, secret: 1 } }),
    ]);
    assert.equal(extra.status, 1);
    assert.match(extra.output, /unevaluated properties \(secret\)/);
  });

  // Event's oneOf (its two shapes of times) describes part of the object: closing the
  // event must not close the branches, and must still refuse an undeclared member.
  test('an event at set times or all day passes; its shapes mixed, or an undeclared member, fail', () => {
    const event = contract.document.components.examples.IntegrationsforumEvent.value;
    const schema = '/components/schemas/Event';
    const allDay = { ...event, all_day: true, starts_at: null, ends_at: null, starts_on: '2020-11-26', ends_on: '2020-11-26' };
    assert.deepEqual(closed.check(schema, event), []);
    assert.deepEqual(closed.check(schema, allDay), []);
    assert.notDeepEqual(closed.check(schema, { ...event, starts_at: null }), []);
    assert.notDeepEqual(closed.check(schema, { ...allDay, starts_on: null }), []);
    assert.match(closed.check(schema, { ...event, secret: 1 }).join('\n'), /unevaluated properties \(secret\)/);
  });

  // ReadOnlyMember says nothing of its value (openapi-typescript makes it `unknown`): a PATCH
  // sending back the whole event, objects (counts, links) included, must not be refused for
  // their members, while the patch itself stays closed.
  test('a read-only member sent back is any value; an undeclared member of a patch still fails', () => {
    assert.equal(isAnyValue(closed.document.components.schemas.ReadOnlyMember), true);
    assert.equal(isAnyValue({ type: 'object' }), false);
    const event = contract.document.components.examples.IntegrationsforumEvent.value;
    const schema = '/components/schemas/EventPatch';
    assert.deepEqual(closed.check(schema, { ...event, title: 'Ny titel' }), []);
    assert.deepEqual(closed.check(schema, { sequence: 3, counts: { confirmed: 1, anything: true }, links: 'x' }), []);
    assert.match(closed.check(schema, { ...event, secret: 1 }).join('\n'), /secret/);
    assert.equal(closed.document.components.schemas.ReadOnlyMember.unevaluatedProperties, undefined);
    assert.equal(closed.document.components.schemas.EventPatch.properties.counts.unevaluatedProperties, undefined);
  });

  test('a missing required header, or an undeclared watched one, fails', () => {
    const noLocation = check([
      exchange('POST', '/v1/organisations', 201, {
        headers: { ...json, etag: '"1"' },
        body: forum,
        requestBody: JSON.stringify({ name: forum.name, kind: forum.kind }),
        requestHeaders: json,
      }),
    ]);
    assert.equal(noLocation.status, 1);
    assert.match(noLocation.output, /required header Location is missing/);
    const stray = check([
      exchange('GET', '/healthz', 200, { headers: { ...json, etag: '"1"' }, body: { status: 'ok' } }),
    ]);
    assert.equal(stray.status, 1);
    assert.match(stray.output, /header etag is sent but not declared/);
  });

  test('an error that is not problem+json, or whose status member differs, fails', () => {
    const html = check([exchange('GET', '/v1/organisations/nope', 404, { headers: { 'content-type': 'text/html' }, body: '<p>' })]);
    assert.equal(html.status, 1);
    assert.match(html.output, /not application\/problem\+json/);
    const mismatch = check([
      exchange('GET', '/v1/organisations/nope', 404, {
        headers: { 'content-type': 'application/problem+json' },
        body: problem(400, 'Not Found'),
      }),
    ]);
    assert.equal(mismatch.status, 1);
    assert.match(mismatch.output, /problem "status" is 400, HTTP status 404/);
  });

  test('a request the contract refuses but the service accepted fails', () => {
    const result = check([
      exchange('GET', '/v1/organisations?limit=500', 200, { headers: json, body: { items: [], next_cursor: null } }),
    ]);
    assert.equal(result.status, 1);
    assert.match(result.output, /accepted query parameter limit=500/);
  });

  test('an array query parameter is read from commas and repeats, each value checked', () => {
    const list = { headers: json, body: { items: [], next_cursor: null } };
    const fine = check([
      exchange('GET', '/v1/events?include=organiser', 200, list),
      exchange('GET', '/v1/events?include=organiser&include=organiser', 200, list),
    ]);
    assert.equal(fine.status, 0, fine.output);
    const refused = check([exchange('GET', '/v1/events?include=organiser,sessions', 200, list)]);
    assert.equal(refused.status, 1);
    assert.match(refused.output, /accepted query parameter include=organiser,sessions/);
  });

  test('a route missing from the contract, or an operation the service lacks, fails', () => {
    const routes = contractRoutes().filter((r) => r.pattern !== '/metrics');
    routes.push({ method: 'GET', pattern: '/v1/secret' });
    const result = check([], routes);
    assert.equal(result.status, 1);
    assert.match(result.output, /route GET \/v1\/secret is served but not in the contract/);
    assert.match(result.output, /operation GET \/metrics is in the contract but not served/);
  });

  test('a 405 must list the contract\'s methods in Allow', () => {
    const result = check([
      exchange('PUT', '/healthz', 405, {
        headers: { 'content-type': 'application/problem+json', allow: 'GET, POST, HEAD, OPTIONS' },
        body: problem(405, 'Method Not Allowed'),
      }),
    ]);
    assert.equal(result.status, 1);
    assert.match(result.output, /Allow: GET, POST, HEAD, OPTIONS/);
  });
});
