#!/usr/bin/env node
// The examples in openapi.yaml are the seed events (api/examples/): request examples must
// equal the seed payloads, and response examples must say what the service answers to
// them (same members and values; references as UUIDs instead of slugs).
//
//   node check-examples.mjs OPENAPI_YAML API_EXAMPLES_DIR
//
// (That each example fits its schema is checked by `redocly lint`.)
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';

const [openapiPath, examplesDir] = process.argv.slice(2);
if (!openapiPath || !examplesDir) {
  console.error('usage: check-examples.mjs OPENAPI_YAML API_EXAMPLES_DIR');
  process.exit(2);
}
const examples = YAML.parse(readFileSync(openapiPath, 'utf8')).components.examples;
const seed = (file) => JSON.parse(readFileSync(`${examplesDir}/${file}`, 'utf8'));
const organisation = (slug) => seed('organisations.json').find((o) => o.slug === slug);
const speaker = (slug) => seed('speakers.json').find((s) => s.slug === slug);
const event = (slug) => seed(`events/${slug}.json`).event;
const session = (slug, title) => seed(`events/${slug}.json`).sessions.find((s) => s.title === title);

// Request examples: exactly the seed payload.
const requests = {
  ForumCreate: organisation('forum'),
  PetrenCreate: speaker('alice-petren'),
  IntegrationsforumCreate: event('integrationsforum-2020'),
  OstersundCreate: event('ostersund-2019'),
  PetrenTalkCreate: session('integrationsforum-2020', 'Global migration i coronatider'),
};

// Response examples: [seed payload, path to the representation, members that differ on purpose].
const responses = {
  Forum: [organisation('forum'), [], []],
  OrganisationPage: [organisation('forum'), ['items', 0], []],
  Petren: [speaker('alice-petren'), [], []],
  PetrenTalk: [session('integrationsforum-2020', 'Global migration i coronatider'), [], []],
  IntegrationsforumEventOrganiser: [event('integrationsforum-2020'), [], []],
  // A public caller does not see the stream URL of an `on_request` event.
  IntegrationsforumEvent: [event('integrationsforum-2020'), [], ['online.stream_url']],
  EventPage: [event('integrationsforum-2020'), ['items', 0], ['online.stream_url']],
};

// Members that name other resources: slugs in the seeds, UUIDs in responses.
const REFERENCES = new Set(['organiser_id', 'organisation_id', 'owner_organisation_id', 'partner_ids', 'speaker_ids']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const problems = [];

for (const [name, payload] of Object.entries(requests)) {
  if (!payload) problems.push(`${name}: its seed payload is missing from ${examplesDir}`);
  else if (!examples[name]) problems.push(`${name}: no such example in openapi.yaml`);
  else if (!isDeepStrictEqual(examples[name].value, payload)) {
    problems.push(`${name}: differs from its seed payload (api/examples); copy the seed, do not edit it here`);
  }
}

function compare(name, sent, answered, path, ignored) {
  for (const [member, value] of Object.entries(sent)) {
    const here = path ? `${path}.${member}` : member;
    if (ignored.includes(here)) continue;
    if (!(member in answered)) {
      problems.push(`${name}: ${here} is in the seed but not in the example`);
    } else if (REFERENCES.has(member)) {
      const ids = Array.isArray(value) ? answered[member] : [answered[member]];
      const count = Array.isArray(value) ? value.length : 1;
      if (!Array.isArray(ids) || ids.length !== count || !ids.every((id) => UUID.test(id))) {
        problems.push(`${name}: ${here} should hold ${count} UUID(s) for ${JSON.stringify(value)}`);
      }
    } else if (Array.isArray(value) && value.some((v) => v && typeof v === 'object')) {
      // Lists of objects (contacts): element by element, with the same rules.
      if (!Array.isArray(answered[member]) || answered[member].length !== value.length) {
        problems.push(`${name}: ${here} should have ${value.length} element(s)`);
      } else value.forEach((v, i) => compare(name, v, answered[member][i], `${here}[${i}]`, ignored));
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (!answered[member] || typeof answered[member] !== 'object') problems.push(`${name}: ${here} is not an object`);
      else compare(name, value, answered[member], here, ignored);
    } else if (!isDeepStrictEqual(value, answered[member])) {
      problems.push(`${name}: ${here} is ${JSON.stringify(answered[member])}, the seed says ${JSON.stringify(value)}`);
    }
  }
}

for (const [name, [payload, at, ignored]] of Object.entries(responses)) {
  if (!examples[name]) {
    problems.push(`${name}: no such example in openapi.yaml`);
    continue;
  }
  const representation = at.reduce((node, key) => node?.[key], examples[name].value);
  if (!payload || !representation) problems.push(`${name}: nothing to compare`);
  else compare(name, payload, representation, '', ignored);
}

if (problems.length) {
  console.log(`examples: ${problems.length} problem(s):`);
  for (const p of problems) console.log(`- ${p}`);
  process.exit(1);
}
console.log(
  `examples: ${Object.keys(requests).length} request and ${Object.keys(responses).length} response examples match the seed events`,
);
