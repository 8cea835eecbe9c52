#!/usr/bin/env node
// "Types a frontend can generate": the TypeScript client of this folder (client.ts) against
// types generated from openapi.yaml, as a frontend developer would build it.
//
//   node tests/typescript/run.mjs types --out DIR
//     openapi-typescript (default options) makes DIR/eventd-api.d.ts from openapi.yaml, and
//     tsc (strict, tsconfig.json here) type-checks client.ts against it and compiles it into
//     DIR/js. A type error means openapi.yaml does not describe what the client needs.
//   node tests/typescript/run.mjs journeys --out DIR --eventd PATH
//     runs the compiled client (from `types`) against a real eventd over a fresh database
//     with the seed events: an organiser's new event, a participant's journey, a media
//     request approved; every exchange is then checked against openapi.yaml.
//     Needs EVENTD_TEST_DATABASE_URL (a PostgreSQL maintenance URL, as scripts/test sets it).
//
// Everything comes from tools/contract's node_modules (npm ci); nothing is downloaded.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const tools = join(root, 'tools/contract/node_modules');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, eventd: { type: 'string' } },
});
const [command] = positionals;
if (!values.out || !['types', 'journeys'].includes(command) || (command === 'journeys' && !values.eventd)) {
  console.error('usage: run.mjs types --out DIR | run.mjs journeys --out DIR --eventd PATH');
  process.exit(2);
}
const out = values.out;

if (command === 'types') buildClient();
else await runJourneys(values.eventd);

// The client may not get past a type error with an escape hatch: no `as` or `<T>` casts, no
// non-null assertions (`x!`), no `any`, no @ts-ignore/@ts-expect-error/@ts-nocheck.
function escapeHatches(file) {
  const ts = createRequire(join(root, 'tools/contract/package.json'))('typescript');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const at = (node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node) => {
    if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.getText() === 'const')) found.push(`${at(node)}: an \`as\` cast`);
    if (ts.isTypeAssertionExpression(node)) found.push(`${at(node)}: a <T> cast`);
    if (ts.isNonNullExpression(node)) found.push(`${at(node)}: a non-null assertion`);
    if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(`${at(node)}: \`any\``);
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const match of source.text.matchAll(/@ts-(ignore|expect-error|nocheck)/g)) {
    found.push(`${file}:${source.getLineAndCharacterOfPosition(match.index).line + 1}: @ts-${match[1]}`);
  }
  return found;
}

function buildClient() {
  const hatches = escapeHatches(join(here, 'client.ts'));
  if (hatches.length) {
    console.error(hatches.join('\n'));
    console.error('contract_types: the client must compile without escape hatches; fix openapi.yaml instead');
    process.exit(1);
  }
  mkdirSync(out, { recursive: true });
  const types = join(out, 'eventd-api.d.ts');
  // Default options: what a frontend developer gets from `npx openapi-typescript openapi.yaml`.
  execFileSync(process.execPath, [join(tools, 'openapi-typescript/bin/cli.js'), join(root, 'openapi.yaml'), '-o', types], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });

  // The project: tsconfig.json of this folder, plus where the generated types and
  // openapi-fetch are (client.ts imports them by name; neither lives next to it).
  rmSync(join(out, 'js'), { recursive: true, force: true });
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify(
      {
        extends: join(here, 'tsconfig.json'),
        compilerOptions: {
          rootDir: here,
          outDir: join(out, 'js'),
          noEmitOnError: true,
          types: [],
          paths: { 'eventd-api': [types], 'openapi-fetch': [join(tools, 'openapi-fetch')] },
        },
        files: [join(here, 'client.ts')],
      },
      null,
      2,
    ),
  );
  try {
    execFileSync(process.execPath, [join(tools, 'typescript/bin/tsc'), '-p', join(out, 'tsconfig.json'), '--pretty', 'false'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    console.error(`${error.stdout}${error.stderr}`);
    console.error('contract_types: the client does not type-check against the types generated from openapi.yaml');
    process.exit(1);
  }

  // The compiled client imports openapi-fetch at run time, as an ES module.
  writeFileSync(join(out, 'package.json'), JSON.stringify({ private: true, type: 'module' }) + '\n');
  if (!existsSync(join(out, 'node_modules'))) symlinkSync(tools, join(out, 'node_modules'), 'dir');
  console.log(`contract_types: ${join(here, 'client.ts')} type-checks against ${types}`);
}

async function runJourneys(eventdPath) {
  const { test, after } = await import('node:test');
  const assert = (await import('node:assert/strict')).default;
  const browser = await import(pathToFileURL(join(root, 'tests/browser/lib.mjs')).href);
  const client = await import(pathToFileURL(join(out, 'js/client.js')).href);

  const maintenanceUrl = process.env.EVENTD_TEST_DATABASE_URL;
  if (!maintenanceUrl) throw new Error('EVENTD_TEST_DATABASE_URL is not set: run with scripts/test');
  const cleanups = new browser.Cleanups();
  after(() => cleanups.run());

  // The organiser of Integrationsforum in the seed data; the event is next year's, so it
  // takes registrations. 20 May is in summer time (+02:00) every year.
  const ORGANISATION = 'lansstyrelsen-vastra-gotaland';
  const YEAR = new Date().getUTCFullYear() + 1;
  const database = browser.freshDatabase({ maintenanceUrl, eventdPath, cleanups, prefix: 'eventd_ts' });
  const key = browser.organiserKey(eventdPath, database.env, ORGANISATION);
  const eventd = await browser.startEventd(eventdPath, database.env, { cleanups });

  // openapi-fetch calls this fetch: every exchange is recorded as check-exchanges.mjs reads them.
  const exchanges = [];
  let testCase = '';
  async function recordingFetch(request) {
    const body = request.body ? await request.clone().text() : '';
    const response = await fetch(request);
    const url = new URL(request.url);
    exchanges.push({
      request: { method: request.method, target: url.pathname + url.search, headers: Object.fromEntries(request.headers), body },
      response: { status: response.status, headers: Object.fromEntries(response.headers), body: await response.clone().text() },
      test_case: `typescript client: ${testCase}`,
    });
    return response;
  }
  const api = client.connect(eventd.api, recordingFetch);
  const slug = `typescript-client-${YEAR}`;
  let published;

  test('the organiser creates, programmes and publishes an event', async () => {
    testCase = 'organiser';
    published = await client.organiserCreatesEvent(api, key, {
      organisation: ORGANISATION,
      slug,
      title: `Typade klienter ${YEAR}`,
      startsAt: `${YEAR}-05-20T09:00:00+02:00`,
      endsAt: `${YEAR}-05-20T16:00:00+02:00`,
    });
    assert.equal(published.event.status, 'published');
    assert.equal(published.event.venue?.city, 'Göteborg');
    assert.equal(client.when(published.event), `${YEAR}-05-20 09:00 – 16:00`);
    // The event as read, sent back whole with a new title.
    const renamed = await client.organiserRenamesEvent(api, key, published.event.id, `Typade klienter ${YEAR}: programmet`);
    assert.equal(renamed.title, `Typade klienter ${YEAR}: programmet`);
    assert.equal(renamed.starts_at, published.event.starts_at);
    assert.equal(renamed.venue?.city, 'Göteborg');
    // An all-day event, the other shape of times.
    const shown = await client.organiserDraftsStudyVisit(api, key, ORGANISATION, `${YEAR}-09-04`, `${YEAR}-09-05`);
    assert.equal(shown, `${YEAR}-09-04 – ${YEAR}-09-05`);
  });

  test('a participant registers, changes the programme, subscribes and cancels', async () => {
    testCase = 'participant';
    const journey = await client.participantJourney(api, slug, crypto.randomUUID());
    assert.equal(journey.listed, `${YEAR}-05-20 09:00 – 16:00`);
    assert.equal(journey.registration.status, 'confirmed');
    assert.deepEqual(journey.registration.session_ids, [published.sessionId]);
    assert.equal(journey.registration.needs, 'Vegetarisk kost');
    assert.match(journey.feedUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1\/feeds\/evf_/);
    assert.match(journey.subscribe, /^webcal:\/\//);
  });

  test('a journalist asks for the stream; the organiser reads the registrations and approves', async () => {
    testCase = 'media';
    const requestId = await client.journalistAsks(api, published.event.id);
    const followUp = await client.organiserFollowsUp(api, key, published.event.id);
    assert.equal(followUp.registrations.length, 1);
    assert.equal(followUp.registrations[0].status, 'cancelled');
    assert.equal(followUp.registrations[0].erased, true);
    assert.equal(followUp.approved.id, requestId);
    assert.equal(followUp.approved.status, 'approved');
  });

  test('a study trip: a delegation with a task and a leader; a member does the task', async () => {
    testCase = 'study trip';
    const trip = await client.studyTrip(api, key, published.event.id, `${YEAR}-05-10T23:59:00`);
    assert.equal(trip.delegation.name, 'Cyprus');
    assert.deepEqual(trip.delegation.counts, { confirmed: 1, waitlisted: 0 });
    assert.match(trip.delegation.feed_url, /\/v1\/feeds\/evl_/);
    assert.deepEqual(trip.members.map((r) => r.name), ['Andreas Christou']);
    assert.equal(trip.tasksOfMember.length, 1);
    assert.equal(trip.tasksOfMember[0].status, 'done');
    assert.equal(trip.tasksOfMember[0].task.due_at, `${YEAR}-05-10T23:59:00+02:00`);
    const calendar = browser.readCalendar(trip.leaderFeed);
    assert.ok(calendar.length >= 1, 'the leader feed has the event');
    assert.match(trip.leaderFeed, /BEGIN:VTODO[\s\S]*STATUS:COMPLETED/);
  });

  test("every exchange of the client fits openapi.yaml", () => {
    assert.ok(exchanges.length > 20, `only ${exchanges.length} exchanges were recorded`);
    assert.deepEqual(browser.contractFailures(exchanges), []);
  });
}
