// What the browser tests share: a fresh database with the seed events, eventd started as a
// process, static pages served from another loopback origin, Debian's Chromium driven by
// playwright-core (from tools/contract's node_modules), every API exchange recorded and
// checked against openapi.yaml, and the helpers to read the database and the outbox.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '../..');
const { chromium } = createRequire(join(root, 'tools/contract/package.json'))('playwright-core');
const { Contract, METHODS } = await import(join(root, 'tools/contract/lib/contract.mjs'));
const { checkExchanges } = await import(join(root, 'tools/contract/lib/check.mjs'));

// Debian's python3 has python3-icalendar and python3-vobject; a python3 earlier in PATH may not.
export const PYTHON = process.env.EVENTD_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

// --eventd PATH --out DIR, and EVENTD_TEST_DATABASE_URL.
export function testArguments(name) {
  const { values } = parseArgs({ options: { eventd: { type: 'string' }, out: { type: 'string' } } });
  if (!values.eventd || !values.out) throw new Error(`usage: ${name} --eventd PATH --out DIR`);
  mkdirSync(values.out, { recursive: true });
  const maintenanceUrl = process.env.EVENTD_TEST_DATABASE_URL;
  if (!maintenanceUrl) throw new Error('EVENTD_TEST_DATABASE_URL is not set: run with scripts/test');
  return { eventdPath: values.eventd, out: values.out, maintenanceUrl };
}

// Cleanups run in reverse order of registration (node:test's after()).
export class Cleanups {
  constructor() {
    this.steps = [];
  }
  push(step) {
    this.steps.push(step);
  }
  async run() {
    for (const step of this.steps.reverse()) await step();
    this.steps = [];
  }
}

// --- the database ----------------------------------------------------------------------
// A fresh database with the schema and the seed events (`eventd demo`); dropped at cleanup.
export function freshDatabase({ maintenanceUrl, eventdPath, cleanups, prefix = 'eventd_browser' }) {
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const url = maintenanceUrl.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
  execFileSync('psql', [maintenanceUrl, '-qX', '-c', `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`]);
  cleanups.push(() => {
    execFileSync('psql', [maintenanceUrl, '-qX', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  });
  // Nothing of the caller's own eventd settings: where links lead, who may call, the mail server.
  const env = { ...process.env, EVENTD_DATABASE_URL: url, EVENTD_THREADS: '2', EVENTD_DB_POOL: '4' };
  for (const name of ['EVENTD_PUBLIC_URL', 'EVENTD_FRONTEND_URL', 'EVENTD_CORS_ORIGINS', 'EVENTD_SMTP_URL']) delete env[name];
  execFileSync(eventdPath, ['demo'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return { name, url, env };
}

export function organiserKey(eventdPath, env, organisation) {
  return execFileSync(eventdPath, ['keys', 'create', '--role', 'organiser', '--organisation', organisation], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

// Runs SQL through psql (stdin, so psql variables work: `:'email'` is a quoted literal).
// Returns the unaligned, tuples-only output.
export function psql(url, sql, variables = {}) {
  const args = [url, '-qAtX', '-v', 'ON_ERROR_STOP=1'];
  for (const [name, value] of Object.entries(variables)) args.push('-v', `${name}=${value}`);
  return execFileSync('psql', args, { input: sql, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'] });
}

// Every row of every table of the database (each row cast to text: every column, jsonb and
// bytea as hex included) that contains one of `needles`, case-insensitively, as
// "schema.table: row". Empty when the database holds none of them.
export function rowsMentioning(url, needles) {
  const found = [];
  for (const needle of needles) {
    const out = psql(
      url,
      `SELECT format('SELECT %L || '': '' || r::text FROM %I.%I AS r WHERE strpos(lower(r::text), %L) > 0',
                     table_schema || '.' || table_name, table_schema, table_name, lower(:'needle'))
         FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        ORDER BY table_schema, table_name
       \\gexec\n`,
      { needle },
    );
    for (const line of out.split('\n').filter(Boolean)) found.push(`[${needle}] ${line}`);
  }
  return found;
}

export const sha256Hex = (text) => createHash('sha256').update(text).digest('hex');

// --- e-mail, as the outbox holds it ------------------------------------------------------
// The messages to `email`, oldest first: {kind, subject, text, html, defects}, each read with
// Python's email parser (tests/tools/check_mail.py), so encodings are decoded as a mail
// client would.
export function outboxFor(url, email) {
  const rows = JSON.parse(
    psql(
      url,
      `SELECT coalesce(json_agg(json_build_object('kind', kind, 'subject', subject, 'message', message) ORDER BY seq), '[]')
         FROM mail_outbox WHERE lower(recipient_email) = lower(:'email')`,
      { email },
    ),
  );
  const dir = mkdtempSync(join(tmpdir(), 'eventd-mail-'));
  try {
    return rows.map((row, i) => {
      if (row.message === null) return { kind: row.kind, subject: row.subject, text: null, html: null, defects: [] };
      const file = join(dir, `${i}.eml`);
      writeFileSync(file, row.message);
      let parsed;
      try {
        parsed = execFileSync(PYTHON, [join(root, 'tests/tools/check_mail.py'), file], { encoding: 'utf8' });
      } catch (error) {
        parsed = error.stdout; // exit 1: defects, which the caller sees
      }
      const mail = JSON.parse(parsed);
      return { kind: row.kind, subject: mail.subject, text: mail.text, html: mail.html, defects: mail.defects };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The http(s) links of a text, in order.
export const linksIn = (text) =>
  [...(text ?? '').matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));

// --- calendars --------------------------------------------------------------------------
// Checks a calendar with tests/tools/check_ics.py (python3-icalendar and python3-vobject must
// both accept it and agree), then returns every VEVENT's properties as python3-icalendar
// reads them: [{UID: ..., URL: ..., DESCRIPTION: ..., ...}] (values as text).
export function readCalendar(text) {
  const dir = mkdtempSync(join(tmpdir(), 'eventd-ics-'));
  try {
    const file = join(dir, 'feed.ics');
    writeFileSync(file, text);
    execFileSync(PYTHON, [join(root, 'tests/tools/check_ics.py'), file], { encoding: 'utf8' });
    const script = [
      'import icalendar, json, sys',
      'cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())',
      'out = []',
      'for ev in cal.walk("VEVENT"):',
      '    row = {}',
      '    for name, value in ev.property_items(recursive=False):',
      '        if name in ("BEGIN", "END"): continue',
      '        if isinstance(value, str): text = str(value)',
      '        elif isinstance(value, bytes): text = value.decode("utf-8")',
      '        else: text = value.to_ical().decode("utf-8")',
      '        row[name] = row[name] + "\\n" + text if name in row else text',
      '    out.append(row)',
      'print(json.dumps(out))',
    ].join('\n');
    return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- static pages on their own origin ----------------------------------------------------
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

// Serves `dir` on a free loopback port. `fallback`: the file for any other path without an
// extension (a single-page frontend's routes); `generated`: {path: () => [type, body]}.
export async function serveStatic(dir, { cleanups, fallback = null, generated = {} }) {
  const server = createServer((request, response) => {
    const pathname = new URL(request.url, 'http://x').pathname;
    if (generated[pathname]) {
      const [type, body] = generated[pathname]();
      response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
      return;
    }
    const path = normalize(pathname).replace(/^\/+/, '') || 'index.html';
    let file = join(dir, path);
    if (fallback && (!existsSync(file) || statSync(file).isDirectory()) && !extname(path)) file = join(dir, fallback);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

// --- eventd ------------------------------------------------------------------------------
export async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// Starts `eventd serve` on a free port with `env` (EVENTD_PUBLIC_URL is its own origin unless
// `env` names one) and waits until it listens. stop() sends SIGTERM and resolves to [code, signal].
export async function startEventd(eventdPath, env, { cleanups }) {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const child = spawn(eventdPath, ['serve'], {
    env: { ...env, EVENTD_PUBLIC_URL: env.EVENTD_PUBLIC_URL ?? api, EVENTD_LISTEN: `127.0.0.1:${port}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const instance = { api, port, process: child, log: '' };
  child.stderr.on('data', (chunk) => (instance.log += chunk));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  instance.stop = async () => {
    if (!exited()) child.kill('SIGTERM');
    if (exited()) return [child.exitCode, child.signalCode];
    return new Promise((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  };
  cleanups.push(() => (exited() ? undefined : instance.stop()));
  for (let i = 0; !instance.log.includes('listening'); ++i) {
    if (i > 300 || exited()) throw new Error(`eventd did not start:\n${instance.log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return instance;
}

// --- the API from the test itself, recorded like the browser's exchanges -------------------
// call(method, path, {body, key, headers}) → {status, headers, etag, body (parsed JSON or text)}.
export function apiClient(api, exchanges, testCase) {
  return async function call(method, path, { body, key, headers = {} } = {}) {
    const requestHeaders = { ...headers };
    if (key) requestHeaders.authorization = `Bearer ${key}`;
    if (body !== undefined && !requestHeaders['content-type']) requestHeaders['content-type'] = 'application/json';
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(api + path, { method, headers: requestHeaders, body: body === undefined ? undefined : text });
    const answer = await response.text();
    const responseHeaders = Object.fromEntries(response.headers.entries());
    exchanges.push({
      request: { method, target: path, headers: requestHeaders, body: text },
      response: { status: response.status, headers: responseHeaders, body: answer },
      test_case: testCase,
    });
    let parsed = answer;
    if (/json/.test(responseHeaders['content-type'] ?? '') && answer) parsed = JSON.parse(answer);
    return { status: response.status, headers: responseHeaders, etag: responseHeaders.etag ?? null, body: parsed };
  };
}

// --- Chromium ----------------------------------------------------------------------------
const CHROMIUM = {
  executablePath: process.env.EVENTD_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
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
};

// One browser profile (a persistent context).
export async function launchBrowser({ cleanups, viewport = { width: 1100, height: 1400 } }) {
  const profile = mkdtempSync(join(tmpdir(), 'eventd-chromium-'));
  cleanups.push(() => rmSync(profile, { recursive: true, force: true }));
  const context = await chromium.launchPersistentContext(profile, { ...CHROMIUM, viewport });
  let open = true;
  const close = async () => {
    if (open) await context.close();
    open = false;
  };
  cleanups.push(close);
  return { context, close };
}

// A browser for several fresh contexts (newContext(): a person on another device, without
// the cookies and storage of the first).
export async function launchChromium({ cleanups }) {
  const browser = await chromium.launch(CHROMIUM);
  let open = true;
  const close = async () => {
    if (open) await browser.close();
    open = false;
  };
  cleanups.push(close);
  return { browser, close };
}

// Watches a browser context: requests that leave this machine (`foreign`), and every
// exchange with an origin `isApi(url)` accepts, as check-exchanges.mjs reads them
// (`exchanges`). settle() waits for the exchanges still being read.
export function watchContext(context, { isApi, exchanges, foreign, testCase }) {
  const pending = new Set();
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
      foreign.push(request.url());
    }
  });
  context.on('requestfinished', (request) => {
    const url = new URL(request.url());
    if (url.protocol !== 'http:' || !isApi(url)) return;
    const work = (async () => {
      const response = await request.response();
      if (!response) return;
      const status = response.status();
      const body = status >= 300 && status < 400 ? '' : (await response.body().catch(() => Buffer.alloc(0))).toString('utf8');
      exchanges.push({
        request: {
          method: request.method(),
          target: url.pathname + url.search,
          headers: await request.allHeaders(),
          body: request.postData() ?? '',
        },
        response: { status, headers: await response.allHeaders(), body },
        test_case: typeof testCase === 'function' ? testCase() : testCase,
      });
    })();
    // A context closed under a request leaves nothing to read: that exchange is not recorded.
    const settled = work.catch(() => {});
    pending.add(settled);
    settled.finally(() => pending.delete(settled));
  });
  return { settle: () => Promise.all([...pending]) };
}

// Console errors and uncaught exceptions of a page.
export function collectErrors(page, errors) {
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
}

// --- the contract ------------------------------------------------------------------------
export function loadContract() {
  const contract = new Contract(join(root, 'openapi.yaml'), { closed: true });
  const routes = Object.entries(contract.document.paths).flatMap(([pattern, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ method: m.toUpperCase(), pattern })),
  );
  return { contract, routes };
}

// The failures of check-exchanges.mjs for these exchanges (an empty list when they all fit).
export function contractFailures(exchanges) {
  const { contract, routes } = loadContract();
  return checkExchanges(contract, routes, exchanges).failures;
}
