// Compile a JSON Schema 2020-12 document, and every $defs entry with an $id, under Ajv's
// strict mode. Prints {"error": message or null, "warnings": [...]} as JSON.
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats");

const warnings = [];
const note = (...parts) => warnings.push(parts.join(" "));
const ajv = new Ajv2020({strict: true, allErrors: true, logger: {log: note, warn: note, error: note}});
addFormats(ajv);
const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const compiled = [];
try {
  ajv.compile(schema);
  compiled.push(schema.$id);
  for (const sub of Object.values(schema.$defs || {})) {
    if (sub.$id) {
      if (!ajv.getSchema(sub.$id)) throw new Error(`no schema compiled for ${sub.$id}`);
      compiled.push(sub.$id);
    }
  }
} catch (e) {
  console.log(JSON.stringify({error: e.message, warnings, compiled}));
  process.exit(1);
}
console.log(JSON.stringify({error: null, warnings, compiled}));
