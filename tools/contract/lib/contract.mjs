// openapi.yaml as something to check HTTP exchanges against: path templates, operations,
// responses, and JSON Schema validators (ajv, draft 2020-12, as OpenAPI 3.1 uses) compiled
// from the schemas where they sit in the document, so their $refs resolve as written.
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const DOCUMENT_ID = 'https://eventd.invalid/openapi.yaml';
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function pointerEscape(token) {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

// Object schemas in openapi.yaml stay open for clients (new members may come), but the
// service must not send members the contract does not describe. For checking, every object
// schema without its own additionalProperties/unevaluatedProperties is closed with
// `unevaluatedProperties: false`, which sees through $ref, allOf and oneOf. A schema that is
// an allOf member is left open (closing it would reject the other members' properties); the
// allOf holding it is closed instead, and so is every other $ref to it. So is a oneOf/anyOf
// branch beside `properties` (Event's two shapes of times): it describes part of the object.
// A schema that says nothing of its value (only annotations: ReadOnlyMember, "any value") is
// left open, and so is every $ref to it: its value may be an object with any members.
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', 'deprecated', 'readOnly', 'writeOnly', '$comment']);
export function isAnyValue(schema) {
  return Boolean(schema) && typeof schema === 'object' && Object.keys(schema).every((key) => ANNOTATIONS.has(key));
}

function closeObjectSchemas(document) {
  const schemas = document.components?.schemas ?? {};
  const anyValue = new Set(Object.entries(schemas).filter(([, schema]) => isAnyValue(schema)).map(([name]) => name));
  const refersToAnyValue = (node) =>
    node.$ref?.startsWith('#/components/schemas/') && anyValue.has(node.$ref.split('/').pop());
  const allOfTargets = new Set();
  const collect = (node) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node.allOf)) {
      for (const member of node.allOf) {
        if (member.$ref?.startsWith('#/components/schemas/')) allOfTargets.add(member.$ref.split('/').pop());
      }
    }
    for (const value of Object.values(node)) collect(value);
  };
  collect(document);

  const isOpen = (node) => node.additionalProperties === undefined && node.unevaluatedProperties === undefined;
  const close = (node, { member = false } = {}) => {
    if (!node || typeof node !== 'object' || Array.isArray(node) || refersToAnyValue(node)) return;
    const looksLikeObject = node.properties || node.allOf || node.$ref || node.type === 'object';
    if (!member && looksLikeObject && isOpen(node)) node.unevaluatedProperties = false;
    for (const value of Object.values(node.properties ?? {})) close(value);
    if (node.items) close(node.items);
    const part = Boolean(node.properties);
    for (const key of ['anyOf', 'oneOf']) for (const branch of node[key] ?? []) close(branch, { member: part });
    for (const branch of node.allOf ?? []) close(branch, { member: true });
    // if/then/else and not describe parts of an object: never closed on their own.
  };
  for (const [name, schema] of Object.entries(schemas)) close(schema, { member: allOfTargets.has(name) });
  // Schemas written inline in paths and responses.
  const visit = (node) => {
    if (!node || typeof node !== 'object') return;
    if (node.schema && typeof node.schema === 'object') close(node.schema);
    for (const [key, value] of Object.entries(node)) if (key !== 'schemas' && key !== 'schema') visit(value);
  };
  visit(document.paths);
  visit(document.components?.responses);
  visit(document.components?.requestBodies);
}

export class Contract {
  // closed: treat object schemas as closed (see closeObjectSchemas).
  constructor(path, { closed = false } = {}) {
    this.document = YAML.parse(readFileSync(path, 'utf8'));
    if (closed) closeObjectSchemas(this.document);
    // OpenAPI-only keywords in schemas (example, discriminator, ...) are annotations here.
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.document, DOCUMENT_ID);
    this.validators = new Map();
    this.templates = Object.keys(this.document.paths).map((template) => ({
      template,
      segments: template.split('/'),
      literals: template.split('/').filter((s) => !s.startsWith('{')).length,
    }));
  }

  // "#/components/responses/X" -> [object, its JSON pointer]
  resolve(object, pointer) {
    let seen = 0;
    while (object && object.$ref) {
      if (!object.$ref.startsWith('#/')) throw new Error(`external $ref not supported: ${object.$ref}`);
      pointer = object.$ref.slice(1);
      object = pointer
        .split('/')
        .slice(1)
        .reduce((node, token) => node?.[token.replaceAll('~1', '/').replaceAll('~0', '~')], this.document);
      if (++seen > 20) throw new Error(`$ref loop at ${pointer}`);
    }
    return [object, pointer];
  }

  // The path template a concrete path matches, preferring literal segments over parameters
  // (as the service's router does), with the parameter values.
  match(path) {
    const segments = path.split('/');
    let best = null;
    for (const candidate of this.templates) {
      if (candidate.segments.length !== segments.length) continue;
      const params = {};
      const fits = candidate.segments.every((segment, i) => {
        if (segment.startsWith('{') && segment.endsWith('}')) {
          if (segments[i] === '') return false;
          params[segment.slice(1, -1)] = segments[i];
          return true;
        }
        return segment === segments[i];
      });
      if (fits && (!best || candidate.literals > best.literals)) best = { ...candidate, params };
    }
    return best;
  }

  operations(template) {
    const item = this.document.paths[template];
    return METHODS.filter((m) => item[m]).map((m) => ({ method: m, operation: item[m] }));
  }

  operation(template, method) {
    return this.document.paths[template]?.[method];
  }

  // Parameters of an operation merged with its path item's, each resolved.
  parameters(template, method) {
    const item = this.document.paths[template];
    const list = [];
    const add = (params, base) =>
      (params ?? []).forEach((p, i) => {
        const [param, pointer] = this.resolve(p, `${base}/parameters/${i}`);
        list.push({ param, pointer });
      });
    const itemPointer = `/paths/${pointerEscape(template)}`;
    add(item.parameters, itemPointer);
    add(item[method]?.parameters, `${itemPointer}/${method}`);
    return list;
  }

  // The response object declared for a status: exact code, then 4XX/5XX, then default.
  response(template, method, status) {
    const base = `/paths/${pointerEscape(template)}/${method}/responses`;
    const responses = this.operation(template, method)?.responses ?? {};
    for (const key of [String(status), `${String(status)[0]}XX`, 'default']) {
      if (responses[key]) {
        const [response, pointer] = this.resolve(responses[key], `${base}/${key}`);
        return { key, response, pointer };
      }
    }
    return null;
  }

  requestBody(template, method) {
    const body = this.operation(template, method)?.requestBody;
    if (!body) return null;
    const [resolved, pointer] = this.resolve(body, `/paths/${pointerEscape(template)}/${method}/requestBody`);
    return { body: resolved, pointer };
  }

  // A validator for the schema at a JSON pointer of the document.
  validator(pointer) {
    if (!this.validators.has(pointer)) {
      this.validators.set(pointer, this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` }));
    }
    return this.validators.get(pointer);
  }

  // Validates `value` against the schema at `pointer`; returns a list of messages.
  check(pointer, value) {
    const validate = this.validator(pointer);
    if (validate(value)) return [];
    return validate.errors.map((e) => `${e.instancePath || '(root)'} ${e.message}${paramsText(e.params)}`);
  }

  schemaPointer(pointer) {
    return `${pointer}/schema`;
  }

  static escape(token) {
    return pointerEscape(token);
  }
}

function paramsText(params) {
  if (!params) return '';
  if (params.additionalProperty) return ` (${params.additionalProperty})`;
  if (params.unevaluatedProperty) return ` (${params.unevaluatedProperty})`;
  if (params.allowedValues) return ` (${params.allowedValues.join(', ')})`;
  if (params.missingProperty) return '';
  return '';
}

// "application/json; charset=utf-8" -> "application/json"
export function mediaType(contentType) {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonMediaType(type) {
  return type === 'application/json' || type.endsWith('+json');
}
