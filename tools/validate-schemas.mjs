#!/usr/bin/env node
// Validates the shipped samples against the JSON Schemas in schemas/, and checks that the known-bad
// documents in tests/ScenarioEngine.Cli.Tests/bad/ are rejected.
//
//   node tools/validate-schemas.mjs            (from anywhere; paths are relative to the repository root)
//
// What is checked:
//   samples/journeys/*.json   must be valid against schemas/journey.schema.json
//   samples/messages/*.json   must be valid against schemas/message.schema.json
//   samples/events/*.jsonl    every non-empty line must be valid against schemas/event.schema.json
//   samples/segments/*.json   must be valid against schemas/segment.schema.json (which $refs journey.schema.json)
//   samples/integration-events/*.json   must be valid against schemas/integration-event.schema.json
//   tests/ScenarioEngine.Cli.Tests/bad/<kind>.<name>.json   must be INVALID against the <kind> schema
//                             (kind: journey, message, event, segment or integration-event)
//
// Prints one JSON object to stdout: {"ok", "schemas", "checked", "unexpected", "results": [...]}; each result is
// {"file", "line"?, "schema", "expect": "valid"|"invalid", "valid", "errors": [{"instancePath", "message", "params"}]}.
// Exit code: 0 when every outcome is as expected, 1 when any is not, 2 when a schema does not compile or a file
// cannot be read.
//
// Uses ajv 8 (JSON Schema draft 2020-12) in strict mode with ajv-formats, both pinned in the root package.json.

import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const rel = (p) => relative(root, p).split(sep).join("/");

function listFiles(dir, suffix) {
  const full = join(root, dir);
  if (!existsSync(full)) {
    return [];
  }

  return readdirSync(full)
    .filter((f) => f.endsWith(suffix))
    .sort()
    .map((f) => join(full, f));
}

function readText(file) {
  const text = readFileSync(file, "utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Output goes to a pipe when a test runs this script: set process.exitCode and let Node drain stdout, never
// process.exit(), which can cut a large output short.
class SetupError extends Error {}

function fail(message) {
  throw new SetupError(message);
}

function main() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);

  // segment.schema.json refers to journey.schema.json's $defs by a relative URI ("journey.schema.json#/$defs/..."),
  // resolved against its $id: the journey schema is compiled first, which registers it under its own $id.
  const schemaKinds = ["journey", "message", "event", "segment", "integration-event"];
  const validators = {};
  for (const kind of schemaKinds) {
    const file = join(root, "schemas", `${kind}.schema.json`);
    try {
      validators[kind] = ajv.compile(JSON.parse(readText(file)));
    } catch (e) {
      fail(`${rel(file)} does not compile in strict mode: ${e.message}`);
    }
  }

  const results = [];

  function check(kind, expect, file, value, line) {
    const validate = validators[kind];
    const valid = validate(value);
    const errors = valid
      ? []
      : validate.errors.map((e) => ({ instancePath: e.instancePath, schemaPath: e.schemaPath, message: e.message, params: e.params }));
    const result = { file: rel(file), schema: kind, expect, valid, errors };
    if (line !== undefined) {
      result.line = line;
    }

    results.push(result);
  }

  function checkJsonFile(kind, expect, file) {
    let value;
    try {
      value = JSON.parse(readText(file));
    } catch (e) {
      // Text that is not JSON is never a valid document.
      results.push({ file: rel(file), schema: kind, expect, valid: false, errors: [{ instancePath: "", message: `not valid JSON: ${e.message}` }] });
      return;
    }

    check(kind, expect, file, value);
  }

  for (const file of listFiles("samples/journeys", ".json")) {
    checkJsonFile("journey", "valid", file);
  }

  for (const file of listFiles("samples/messages", ".json")) {
    checkJsonFile("message", "valid", file);
  }

  for (const file of listFiles("samples/segments", ".json")) {
    checkJsonFile("segment", "valid", file);
  }

  for (const file of listFiles("samples/integration-events", ".json")) {
    checkJsonFile("integration-event", "valid", file);
  }

  for (const file of listFiles("samples/events", ".jsonl")) {
    const lines = readText(file).split(/\r?\n/);
    lines.forEach((text, i) => {
      if (text.trim() === "") {
        return;
      }

      let value;
      try {
        value = JSON.parse(text);
      } catch (e) {
        results.push({ file: rel(file), line: i + 1, schema: "event", expect: "valid", valid: false, errors: [{ instancePath: "", message: `not valid JSON: ${e.message}` }] });
        return;
      }

      check("event", "valid", file, value, i + 1);
    });
  }

  for (const file of listFiles("tests/ScenarioEngine.Cli.Tests/bad", ".json")) {
    const name = file.slice(file.lastIndexOf(sep) + 1);
    const kind = name.split(".")[0];
    if (!schemaKinds.includes(kind)) {
      fail(`${rel(file)}: a bad document's name must start with journey., message., event., segment. or integration-event.`);
    }

    checkJsonFile(kind, "invalid", file);
  }

  const unexpected = results.filter((r) => r.valid !== (r.expect === "valid"));
  const output = {
    ok: unexpected.length === 0,
    schemas: schemaKinds.map((k) => `schemas/${k}.schema.json`),
    checked: results.length,
    unexpected: unexpected.length,
    results,
  };

  process.stdout.write(JSON.stringify(output, null, 2) + "\n");
  for (const r of unexpected) {
    const where = r.line === undefined ? r.file : `${r.file}:${r.line}`;
    const detail = r.errors.map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
    process.stderr.write(`UNEXPECTED ${r.expect === "valid" ? "INVALID" : "VALID"}: ${where}${detail ? ` (${detail})` : ""}\n`);
  }

  return unexpected.length === 0 ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (e) {
  if (!(e instanceof SetupError)) {
    throw e;
  }

  process.stdout.write(JSON.stringify({ ok: false, error: e.message }, null, 2) + "\n");
  process.exitCode = 2;
}
