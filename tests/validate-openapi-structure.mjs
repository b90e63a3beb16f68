// validate-openapi-structure.mjs -- checks openapi/openapi.yaml against the official
// OpenAPI 3.1 JSON Schema (@seriousme/openapi-schema-validator), then compiles every
// schema under components/schemas with Ajv's JSON Schema 2020-12 class and ajv-formats,
// the same validator the tests use on live responses, so a schema that Ajv cannot
// compile (a bad pattern, an unknown keyword or format) fails here and not in a test;
// each schema's own `examples` must validate against it.
// Usage: node tests/validate-openapi-structure.mjs [openapi/openapi.yaml]
// Prints one line "openapi-schema-validator: N errors" and exits non-zero on errors.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import YAML from "yaml";

const file = process.argv[2] ?? "openapi/openapi.yaml";
const doc = YAML.parse(readFileSync(file, "utf8"), { uniqueKeys: true });
let errors = 0;

const validator = new Validator();
const res = await validator.validate(doc);
if (res.valid && validator.version !== "3.1") {
  console.error(`expected OpenAPI 3.1, found ${validator.version}`);
  errors++;
} else if (!res.valid) {
  console.error(JSON.stringify(res.errors, null, 2));
  errors += Array.isArray(res.errors) ? res.errors.length : 1;
}

// Ajv knows nothing of "components": give it the component schemas as $defs of one
// schema (rewriting the references to match) and compile each of them by reference.
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addFormat("password", true); // an OpenAPI format: a hint to hide the value, not a constraint
// OpenAPI's `discriminator` is a hint for generated clients (oneOf still decides); Ajv's own
// support refuses `mapping`, so it is an annotation here and tests/openapi/check-examples.mjs
// checks that each mapping entry names the oneOf branch with that constant.
ajv.addKeyword({ keyword: "discriminator", schemaType: "object" });
const schemas = doc.components?.schemas ?? {};
const id = "https://idekom.invalid/components.json";
const defs = JSON.parse(
  JSON.stringify(schemas).replaceAll('"#/components/schemas/', '"#/$defs/'),
);
ajv.addSchema({ $id: id, $defs: defs });
for (const name of Object.keys(schemas)) {
  try {
    const validate = ajv.getSchema(`${id}#/$defs/${name}`);
    if (!validate) throw new Error("not found");
    for (const example of schemas[name].examples ?? []) {
      if (!validate(example)) {
        throw new Error(`example ${JSON.stringify(example)} is invalid: ${ajv.errorsText(validate.errors)}`);
      }
    }
  } catch (e) {
    console.error(`components/schemas/${name}: ${e.message}`);
    errors++;
  }
}

console.log(`openapi-schema-validator: ${errors} error${errors === 1 ? "" : "s"} (OpenAPI ${validator.version ?? "?"}, ${Object.keys(schemas).length} schemas compiled with Ajv 2020-12)`);
process.exit(errors ? 1 : 0);
