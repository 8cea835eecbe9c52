#!/usr/bin/env node
// Contract test: validates every HTTP exchange the API tests recorded (EVENTD_CONTRACT_LOG,
// one JSON line each, see tests/support/exchange_log.cpp) against openapi.yaml.
//
//   node check-exchanges.mjs OPENAPI_YAML EXCHANGES_JSONL
//
// Fails (exit 1), printing each case with the test that caused it, when
//  - the service answered a route/status pair the contract does not declare, or a 5xx
//    other than 503;
//  - a body does not validate against the schema declared for that route, status and
//    media type (ajv, JSON Schema 2020-12), or has a media type the contract does not list;
//  - an error is not application/problem+json with the declared problem schema, or its
//    `status` member differs from the HTTP status;
//  - a header a client reads (ETag, Location, Last-Modified, Retry-After, ...) is sent
//    where the contract does not declare it, or a header declared `required` is missing;
//  - on a 2xx, the request body, path or query parameters did not satisfy the declared
//    schemas (the service accepted what the contract says it refuses);
//  - the route table and the contract's paths differ (a route missing from the contract,
//    or a documented operation the service does not have);
//  - a path that is not in the contract answered anything but a 404/400 problem, or a
//    method the contract does not list answered anything but 405 with the right `Allow`.
import { readFileSync } from 'node:fs';
import { Contract } from './lib/contract.mjs';
import { checkExchanges } from './lib/check.mjs';

const [openapiPath, logPath] = process.argv.slice(2);
if (!openapiPath || !logPath) {
  console.error('usage: check-exchanges.mjs OPENAPI_YAML EXCHANGES_JSONL');
  process.exit(2);
}

const contract = new Contract(openapiPath, { closed: true });
const lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
if (lines.length === 0) {
  console.error(`${logPath} is empty: did the API tests run with EVENTD_CONTRACT_LOG set?`);
  process.exit(1);
}
const first = JSON.parse(lines[0]);
if (!Array.isArray(first.routes)) {
  console.error(`${logPath} does not start with the route table`);
  process.exit(1);
}
const exchanges = lines.slice(1).map((line) => JSON.parse(line));
const { failures, seen, untested, uncalled, operations } = checkExchanges(contract, first.routes, exchanges);

console.log(`contract: ${exchanges.length} exchanges checked against ${operations.size} operations`);
console.log(`contract: ${seen.size} distinct route/status pairs seen; ${untested.length} declared responses not provoked by any test`);
if (process.env.EVENTD_CONTRACT_VERBOSE) for (const u of untested) console.log(`  not provoked: ${u}`);
for (const u of uncalled) console.log(`  operation never called by a test: ${u}`);
if (failures.length) {
  console.log(`\ncontract: ${failures.length} violation(s):`);
  for (const f of failures.slice(0, 200)) console.log(`- ${f}`);
  if (failures.length > 200) console.log(`... and ${failures.length - 200} more`);
  process.exit(1);
}
console.log('contract: every exchange matches openapi.yaml');
