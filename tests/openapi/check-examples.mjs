// check-examples.mjs -- every request body and every success (2xx) response of
// openapi/openapi.yaml (paths and webhooks) carries a whole-body example at its media type
// (`example`, or `examples` with `value`s), and every such example validates against the
// media type's schema with Ajv (JSON Schema 2020-12 and ajv-formats, as tests/http/support.mjs
// validates live responses). Generated clients and their documentation show these examples,
// so one that the schema refuses would teach integrators a body the service never sends.
// The walk is generic: a route added later is checked without touching this file.
// A media type whose schema is a file's bytes (a string with `format: binary`,
// `contentMediaType` or `contentEncoding`) needs no example; one that has an example is checked.
// Also checks that every `discriminator` names, per mapping entry, a oneOf branch whose
// property is that constant (Ajv cannot check a mapping: it refuses `mapping` outright).
// Usage: node tests/openapi/check-examples.mjs [openapi/openapi.yaml]
// Prints one line "openapi-examples: N errors ..." and exits non-zero on errors.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";

const file = process.argv[2] ?? "openapi/openapi.yaml";
const doc = YAML.parse(readFileSync(file, "utf8"), { uniqueKeys: true });
const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];
const DOC_ID = "openapi.json";

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const copy = structuredClone(doc);
delete copy.$id;
ajv.addSchema(copy, DOC_ID, undefined, false);

const escape = (s) => String(s).replaceAll("~", "~0").replaceAll("/", "~1");
function resolve(pointer) {
  let cur = doc;
  for (const raw of pointer.slice(2).split("/")) {
    cur = cur?.[raw.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  if (cur === undefined) throw new Error(`${pointer} does not resolve`);
  return cur;
}
/** Follows non-schema $refs (responses, requestBodies); returns [object, its pointer]. */
function deref(obj, ptr) {
  while (obj && typeof obj.$ref === "string") [obj, ptr] = [resolve(obj.$ref), obj.$ref];
  return [obj, ptr];
}

/** A schema (through its $refs) for raw bytes: a string with `format: binary`, `contentMediaType` or `contentEncoding`. */
function isBinary(schema) {
  [schema] = deref(schema);
  if (!schema || typeof schema !== "object") return false;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.length === 1 && types[0] === "string" &&
    (schema.format === "binary" || "contentMediaType" in schema || "contentEncoding" in schema);
}

const errors = [];
const seen = new Set(); // a shared component response is checked once
let checked = 0;
let exempt = 0; // binary media types without an example

function checkContent(content, ptr, where) {
  for (const [mediaType, media] of Object.entries(content ?? {})) {
    const at = `${ptr}/content/${escape(mediaType)}`;
    if (seen.has(at)) continue;
    seen.add(at);
    checked++;
    const values = [];
    if ("example" in media) values.push(["example", media.example]);
    for (const [name, ex] of Object.entries(media.examples ?? {})) {
      const [e] = deref(ex, `${at}/examples/${escape(name)}`);
      if (!("value" in e)) errors.push(`${where} ${mediaType}: examples/${name} has no value`);
      else values.push([`examples/${name}`, e.value]);
    }
    if (values.length === 0) {
      // A file's bytes (an upload or a download) have no meaningful whole-body example in YAML.
      if (isBinary(media.schema)) {
        exempt++;
        continue;
      }
      errors.push(`${where} ${mediaType}: no whole-body example (add \`example\` or \`examples\` at the media type)`);
      continue;
    }
    if (media.schema === undefined) continue;
    let validate;
    try {
      validate = ajv.compile({ $ref: `${DOC_ID}#${at.slice(1)}/schema` });
    } catch (e) {
      errors.push(`${where} ${mediaType}: schema does not compile: ${e.message}`);
      continue;
    }
    for (const [name, value] of values) {
      if (!validate(value)) {
        errors.push(`${where} ${mediaType} ${name}: ${ajv.errorsText(validate.errors, { separator: "; " })}`);
      }
    }
  }
}

function checkOperations(items, base) {
  for (const [key, rawItem] of Object.entries(items ?? {})) {
    const [item, itemPtr] = deref(rawItem, `#/${base}/${escape(key)}`);
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const opPtr = `${itemPtr}/${method}`;
      const name = `${method.toUpperCase()} ${key}`;
      if (op.requestBody) {
        const [body, bodyPtr] = deref(op.requestBody, `${opPtr}/requestBody`);
        checkContent(body.content, bodyPtr, `${name} request body`);
      }
      for (const [status, rawResponse] of Object.entries(op.responses ?? {})) {
        if (!/^2(\d\d|XX)$/i.test(status)) continue;
        const [response, responsePtr] = deref(rawResponse, `${opPtr}/responses/${escape(status)}`);
        checkContent(response.content, responsePtr, `${name} ${status}`);
      }
    }
  }
}

checkOperations(doc.paths, "paths");
checkOperations(doc.webhooks, "webhooks");

// Discriminators: each mapping entry points at a oneOf branch whose property is that const,
// and every branch is mapped (a client decoding by the mapping must never meet an unknown tag).
(function walk(node, ptr) {
  if (!node || typeof node !== "object") return;
  if (node.discriminator && typeof node.discriminator === "object" && !Array.isArray(node.discriminator)) {
    const { propertyName, mapping = {} } = node.discriminator;
    const branches = (node.oneOf ?? []).map((b) => b.$ref);
    const mapped = Object.values(mapping);
    for (const [tag, ref] of Object.entries(mapping)) {
      const target = branches.includes(ref) ? resolve(ref) : null;
      if (!target) errors.push(`${ptr}: discriminator maps ${tag} to ${ref}, which is not a oneOf branch`);
      else if (target.properties?.[propertyName]?.const !== tag || !target.required?.includes(propertyName)) {
        errors.push(`${ptr}: ${ref} does not require ${propertyName} = ${JSON.stringify(tag)}`);
      }
    }
    for (const ref of branches) if (!mapped.includes(ref)) errors.push(`${ptr}: oneOf branch ${ref} is not in the discriminator mapping`);
  }
  for (const [k, v] of Object.entries(node)) walk(v, `${ptr}/${escape(k)}`);
})(doc, "#");

for (const e of errors) console.error(e);
console.log(`openapi-examples: ${errors.length} error${errors.length === 1 ? "" : "s"} (${checked} request and 2xx media types checked, ${exempt} binary ones without an example)`);
process.exit(errors.length ? 1 : 0);
