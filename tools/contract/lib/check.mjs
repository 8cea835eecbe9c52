// The checks of check-exchanges.mjs (see there), as a function the checker's own tests call.
import { Contract, METHODS, mediaType, isJsonMediaType } from './contract.mjs';

// Headers a client acts on: where the service sends one, the contract must say so.
export const WATCHED_HEADERS = [
  'etag',
  'last-modified',
  'location',
  'retry-after',
  'www-authenticate',
  'content-disposition',
  'link',
  'idempotency-key',
  'idempotent-replayed',
];

// routes: the service's route table [{method, pattern}]; exchanges: the recorded lines.
// Returns {failures, seen, untested, uncalled, operations}.
export function checkExchanges(contract, routes, exchanges) {
  const failures = [];
  const seen = new Set();

  function fail(exchange, message) {
    const { request, response } = exchange;
    failures.push(
      `${request.method} ${request.target} -> ${response.status}  [${exchange.test_case || 'unknown test'}]\n    ${message}`,
    );
  }

  function requestPath(target) {
    const q = target.indexOf('?');
    return q < 0 ? target : target.slice(0, q);
  }

  function queryOf(target) {
    const q = target.indexOf('?');
    return new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  }

  // A query parameter's value; an array (style form) from every occurrence, each split at
  // commas when it is not exploded (`include=organiser,sessions` or `include=a&include=b`).
  function queryValue(query, param) {
    const type = Array.isArray(param.schema?.type) ? param.schema.type[0] : param.schema?.type;
    if (type !== 'array') return query.get(param.name) ?? undefined;
    const all = query.getAll(param.name);
    if (all.length === 0) return undefined;
    return param.explode === false ? all.flatMap((v) => v.split(',')) : all;
  }

  function coerce(value, schema) {
    const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
    if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
    return value;
  }

  function checkProblem(exchange, pointerForSchema) {
    const { response } = exchange;
    const type = mediaType(response.headers['content-type']);
    if (type !== 'application/problem+json') {
      fail(exchange, `an error answered as ${type || '(no content type)'}, not application/problem+json`);
      return;
    }
    let body;
    try {
      body = JSON.parse(response.body);
    } catch {
      fail(exchange, 'the problem body is not JSON');
      return;
    }
    for (const message of contract.check(pointerForSchema, body)) fail(exchange, `problem body: ${message}`);
    if (body.status !== response.status) fail(exchange, `problem "status" is ${body.status}, HTTP status ${response.status}`);
  }

  const PROBLEM_SCHEMA = '/components/schemas/Problem';

  function checkUnrouted(exchange) {
    const { request, response } = exchange;
    const method = request.method.toLowerCase();
    const path = requestPath(request.target);
    const match = contract.match(path);
    if (!match) {
      // Not a path of the API: the router's 404 (or 400 for a broken percent-escape).
      if (response.status !== 404 && response.status !== 400) {
        fail(exchange, `the path matches no path of the contract, yet the answer is ${response.status}`);
      }
      if (response.status >= 400) checkProblem(exchange, PROBLEM_SCHEMA);
      seen.add(`(not in the contract) ${response.status}`);
      return true;
    }
    const declared = contract.operations(match.template).map((o) => o.method);
    if (method === 'options') {
      // CORS preflight and OPTIONS are answered for every path (see the contract's CORS section).
      if (response.status === 204) {
        checkAllow(exchange, declared);
      } else if (response.status === 403) {
        checkProblem(exchange, PROBLEM_SCHEMA);
      } else {
        fail(exchange, 'OPTIONS answers 204, or 403 for a preflight from an origin not allowed');
      }
      seen.add(`OPTIONS ${match.template} ${response.status}`);
      return true;
    }
    const effective = method === 'head' && !declared.includes('head') ? 'get' : method;
    if (!declared.includes(effective)) {
      if (response.status !== 405) {
        fail(exchange, `${request.method} is not an operation of ${match.template} in the contract, yet answered ${response.status}`);
      } else {
        checkProblem(exchange, PROBLEM_SCHEMA);
        checkAllow(exchange, declared);
      }
      return true;
    }
    return false;
  }

  function checkAllow(exchange, declared) {
    const allow = exchange.response.headers.allow;
    if (!allow) {
      fail(exchange, 'no Allow header');
      return;
    }
    const sent = allow.split(',').map((m) => m.trim().toLowerCase()).sort();
    const expected = [...declared];
    if (expected.includes('get') && !expected.includes('head')) expected.push('head');
    if (!expected.includes('options')) expected.push('options');
    expected.sort();
    if (sent.join(',') !== expected.join(',')) {
      fail(exchange, `Allow: ${allow}, but the contract's operations for this path are ${expected.join(', ')}`);
    }
  }

  function checkExchange(exchange) {
    const { request, response } = exchange;
    if (checkUnrouted(exchange)) return;
    const path = requestPath(request.target);
    const match = contract.match(path);
    const method = request.method.toLowerCase();
    const declared = contract.operations(match.template).map((o) => o.method);
    const operationMethod = method === 'head' && !declared.includes('head') ? 'get' : method;
    const head = method === 'head';

    if (response.status >= 500 && response.status !== 503) {
      fail(exchange, `a ${response.status}: ${response.body.slice(0, 300)}`);
    }
    const found = contract.response(match.template, operationMethod, response.status);
    if (!found) {
      const statuses = Object.keys(contract.operation(match.template, operationMethod).responses).join(', ');
      fail(exchange, `status ${response.status} is not declared for ${operationMethod.toUpperCase()} ${match.template} (declared: ${statuses})`);
      return;
    }
    seen.add(`${operationMethod.toUpperCase()} ${match.template} ${found.key}`);

    // Body
    const type = mediaType(response.headers['content-type']);
    const content = found.response.content;
    const bodiless = head || response.status === 204 || response.status === 304;
    if (bodiless) {
      if (response.body !== '') fail(exchange, 'a body where none may be');
    } else if (!content) {
      if (response.body !== '') fail(exchange, `a body (${type}) where the contract declares none`);
    } else if (!content[type]) {
      fail(exchange, `media type ${type || '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})`);
    } else if (content[type].schema) {
      const pointer = `${found.pointer}/content/${Contract.escape(type)}/schema`;
      if (isJsonMediaType(type)) {
        let body;
        try {
          body = JSON.parse(response.body);
        } catch {
          fail(exchange, `the ${type} body is not JSON`);
          body = undefined;
        }
        if (body !== undefined) for (const message of contract.check(pointer, body)) fail(exchange, `response body: ${message}`);
      } else {
        for (const message of contract.check(pointer, response.body)) fail(exchange, `response body: ${message}`);
      }
    }
    // Whatever the declared schema, errors are problem+json whose status is the HTTP status;
    // except eventd's own pages (tag Pages), which answer errors as pages where the contract
    // declares text/html for them: a person's browser never shows JSON.
    const htmlPageError =
      type === 'text/html' && content?.['text/html'] && contract.operation(match.template, operationMethod)?.tags?.includes('Pages');
    if (response.status >= 400 && !bodiless && !htmlPageError) {
      checkProblem(exchange, PROBLEM_SCHEMA);
    }

    // Headers
    const declaredHeaders = Object.fromEntries(
      Object.entries(found.response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), { name, header }]),
    );
    for (const name of WATCHED_HEADERS) {
      if (response.headers[name] !== undefined && !declaredHeaders[name]) {
        fail(exchange, `header ${name} is sent but not declared for this response`);
      }
    }
    for (const [lower, { name, header }] of Object.entries(declaredHeaders)) {
      const [resolved, pointer] = contract.resolve(header, `${found.pointer}/headers/${Contract.escape(name)}`);
      const value = response.headers[lower];
      if (value === undefined) {
        if (resolved.required) fail(exchange, `required header ${name} is missing`);
        continue;
      }
      if (resolved.schema) {
        for (const message of contract.check(`${pointer}/schema`, coerce(value, resolved.schema))) {
          fail(exchange, `header ${name}: ${message}`);
        }
      }
    }

    // What the service accepted must be what the contract allows.
    if (response.status >= 200 && response.status < 300) checkAcceptedRequest(exchange, match, operationMethod);
  }

  function checkAcceptedRequest(exchange, match, method) {
    const { request } = exchange;
    for (const { param, pointer } of contract.parameters(match.template, method)) {
      if (!param.schema) continue;
      let value;
      if (param.in === 'path') value = decodeURIComponent(match.params[param.name] ?? '');
      else if (param.in === 'query') value = queryValue(queryOf(request.target), param);
      else continue;
      if (value === undefined || value === null) continue;
      for (const message of contract.check(`${pointer}/schema`, coerce(value, param.schema))) {
        fail(exchange, `accepted ${param.in} parameter ${param.name}=${value}: ${message}`);
      }
    }
    if (request.body === '') return;
    const declared = contract.requestBody(match.template, method);
    if (!declared) {
      fail(exchange, 'accepted a request body, but the operation declares none');
      return;
    }
    const type = mediaType(request.headers['content-type']);
    const media = declared.body.content?.[type];
    if (!media) {
      fail(exchange, `accepted a ${type} body; the contract declares ${Object.keys(declared.body.content ?? {}).join(', ')}`);
      return;
    }
    if (!media.schema || !isJsonMediaType(type)) return;
    let body;
    try {
      body = JSON.parse(request.body);
    } catch {
      fail(exchange, 'accepted a request body that is not JSON');
      return;
    }
    for (const message of contract.check(`${declared.pointer}/content/${Contract.escape(type)}/schema`, body)) {
      fail(exchange, `accepted request body: ${message}`);
    }
  }

  function checkRouteTable(routes) {
    const inTable = new Set(routes.map((r) => `${r.method.toLowerCase()} ${r.pattern}`));
    const inContract = new Set();
    for (const template of Object.keys(contract.document.paths)) {
      for (const { method } of contract.operations(template)) inContract.add(`${method} ${template}`);
    }
    const shown = (entry) => entry.replace(/^\w+/, (method) => method.toUpperCase());
    for (const route of inTable) {
      if (!inContract.has(route)) failures.push(`route ${shown(route)} is served but not in the contract`);
    }
    for (const operation of inContract) {
      if (!inTable.has(operation)) failures.push(`operation ${shown(operation)} is in the contract but not served`);
    }
    return inContract;
  }

  const operations = checkRouteTable(routes);
  for (const exchange of exchanges) {
    try {
      checkExchange(exchange);
    } catch (error) {
      fail(exchange, `checker error: ${error.stack}`);
    }
  }

  // Which declared responses no test provoked: information, not failure.
  const untested = [];
  for (const operation of operations) {
    const [method, template] = operation.split(' ');
    for (const key of Object.keys(contract.operation(template, method).responses)) {
      if (!seen.has(`${method.toUpperCase()} ${template} ${key}`)) untested.push(`${method.toUpperCase()} ${template} ${key}`);
    }
  }
  const called = new Set([...seen].map((s) => s.split(' ').slice(0, 2).join(' ')));
  const uncalled = [...operations]
    .map((o) => o.replace(/^\w+/, (m) => m.toUpperCase()))
    .filter((o) => !called.has(o));
  return { failures, seen, untested, uncalled, operations };
}
