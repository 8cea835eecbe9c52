// A webhook receiver for the API tests (tests/api/webhooks_test.cpp), as an integrator would
// write one: every delivery is verified with the `standardwebhooks` npm package (pinned in
// tools/contract), against each secret the test gave it, and logged with what verified.
//
//   node tests/tools/webhook_receiver.mjs        prints "listening on <port>" on stderr
//
//   POST /_secrets  {"secrets": ["whsec_..."]}   the secrets to verify with (the answer to a
//                                                 delivery none of them verifies is a 400)
//   POST /_fail     {"count": 3, "status": 503, "retry_after": 1}  the next deliveries fail so
//   GET  /_log      every delivery received: [{id, timestamp, body, verified: [indexes of
//                   the secrets that verified], answered}]
//   anything else   a delivery: 204 once verified
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { Webhook } = createRequire(join(here, '../../tools/contract/package.json'))('standardwebhooks');

let secrets = [];
let failures = { count: 0, status: 503, retry_after: null };
const log = [];

function verifiedBy(body, headers) {
  const out = [];
  secrets.forEach((secret, i) => {
    try {
      new Webhook(secret).verify(body, headers);
      out.push(i);
    } catch {
      // not this one
    }
  });
  return out;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    if (request.url === '/_secrets') {
      secrets = JSON.parse(body).secrets;
      return response.writeHead(204).end();
    }
    if (request.url === '/_fail') {
      failures = { retry_after: null, ...JSON.parse(body) };
      return response.writeHead(204).end();
    }
    if (request.url === '/_log') {
      return response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(log));
    }
    const verified = verifiedBy(body, request.headers);
    let answered = verified.length > 0 ? 204 : 400;
    const headers = {};
    if (answered === 204 && failures.count > 0) {
      failures.count -= 1;
      answered = failures.status;
      if (failures.retry_after !== null) headers['Retry-After'] = String(failures.retry_after);
    }
    log.push({
      id: request.headers['webhook-id'],
      timestamp: request.headers['webhook-timestamp'],
      signature: request.headers['webhook-signature'],
      path: request.url,
      body,
      verified,
      answered,
    });
    response.writeHead(answered, headers).end(answered === 400 ? 'no secret verifies this delivery' : '');
  });
});

server.listen(0, '127.0.0.1', () => process.stderr.write(`listening on ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
