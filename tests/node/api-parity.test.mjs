// The npm side of tests/vectors/api-parity.json, the name-by-name table of the Python and npm
// public APIs (tests/python/test_api_parity.py replays the Python side). Both directions, for
// each way of loading the built package and for its declarations (wasm/pkg/web/tokensmith.d.ts):
// every npm name of the table exists, and every export, prototype member, declared member and
// declared parameter or option is in the table, so an addition without an entry fails here.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadFlavours, pkgDir, thrownBy, vectors } from "./load-package.mjs";

const TABLE = vectors("api-parity.json");
const CLASSES = TABLE.classes.filter((c) => c.npm);
const FUNCTIONS = TABLE.functions.filter((f) => f.npm);
const ERRORS = TABLE.errors.filter((e) => e.npm);
const DTS = readFileSync(join(pkgDir, "web/tokensmith.d.ts"), "utf8");

const npmNames = (entries) => new Set(entries.filter((e) => e.npm !== null).map((e) => e.npm));
const sorted = (set) => [...set].sort();

/** The text of a top-level declaration block (`export class Name …` or `export interface Name`)
 * of the .d.ts, up to its closing brace at the start of a line. */
function block(kind, name) {
  const start = DTS.search(new RegExp(`^export ${kind} ${name}\\b`, "m"));
  if (start < 0) return undefined;
  const end = DTS.indexOf("\n}", start);
  return DTS.slice(start, end + 2);
}

/** The member names an interface (or class) block declares: `name:`, `name?:`, `name(`. */
function declaredMembers(text) {
  const names = new Set();
  for (const [, name] of text.matchAll(/^\s+(?:readonly\s+|get\s+)?(\w+)\??\s*[(:]/gm)) {
    if (name !== "constructor") names.add(name);
  }
  return names;
}

/** Splits a parameter list at its top-level commas. */
function splitParams(list) {
  const parts = [];
  let depth = 0;
  let current = "";
  for (const ch of list) {
    if ("<({[".includes(ch)) depth++;
    if (">)}]".includes(ch)) depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts.map((p) => p.trim());
}

/** The names a declared signature `(a: T, options?: SomeOptions)` takes: each parameter's own
 * name, or, for a parameter typed with one of the package's interfaces, that interface's
 * members (the option names). */
function signatureNames(signature) {
  const names = new Set();
  for (const param of splitParams(signature)) {
    const [, name, type] = param.match(/^(\w+)\??\s*:\s*(.*)$/s);
    const iface = type.replace(/\s*\|\s*(undefined|null)\b/g, "").trim();
    const members = /^\w+$/.test(iface) && block("interface", iface);
    if (members) for (const member of declaredMembers(members)) names.add(member);
    else names.add(name);
  }
  return names;
}

/** The parameter list of `name(…)` declared in `text` (its first declaration). */
function declaredSignature(text, name, prefix = "\\s+") {
  const match = text.match(new RegExp(`^${prefix}${name}\\(([^\\n]*)\\)[^\\n]*$`, "m"));
  return match?.[1];
}

let loaded;
before(async () => {
  loaded = await loadFlavours();
});
after(() => loaded?.cleanup());

test("every entry has a reason when a side is missing", () => {
  const walk = (entries, where) => {
    for (const entry of entries) {
      const name = entry.python ?? entry.npm;
      assert.ok(name, `${where}: an entry without any name`);
      if (entry.python === null || entry.npm === null) assert.ok(entry.reason, `${where}.${name}: no reason`);
      // Own keys only: every object has an inherited `constructor`.
      for (const key of ["params", "constructor", "members", "attributes"]) {
        if (Object.hasOwn(entry, key)) walk(entry[key], `${where}.${name}`);
      }
    }
  };
  for (const section of ["constants", "functions", "classes", "errors"]) walk(TABLE[section], section);
});

for (const flavour of ["require (node condition)", "import (node condition)", "web build"]) {
  describe(flavour, () => {
    const lib = () => loaded.flavours[flavour];
    const web = flavour === "web build";

    test("the exports are the table's npm names", () => {
      const table = new Set();
      for (const section of ["constants", "functions", "classes", "errors"]) {
        for (const entry of TABLE[section]) {
          if (entry.npm && (!entry.flavours || web)) table.add(entry.npm);
        }
      }
      assert.deepEqual(sorted(new Set(Object.keys(lib()))), sorted(table));
    });

    for (const entry of CLASSES) {
      test(`${entry.npm}: prototype members are the table's`, () => {
        const cls = lib()[entry.npm];
        const proto = cls.prototype;
        // wasm-bindgen's own `__…` helpers and symbol-keyed members (dispose, inspect) are no API.
        const own = Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor" && !n.startsWith("__"));
        assert.deepEqual(sorted(new Set(own)), sorted(npmNames(entry.members)));
        for (const member of entry.members.filter((m) => m.npm)) {
          const descriptor = Object.getOwnPropertyDescriptor(proto, member.npm);
          if (member.kind === "property") assert.equal(typeof descriptor.get, "function", `${member.npm} is a getter`);
          else assert.equal(typeof descriptor.value, "function", `${member.npm} is a method`);
        }
      });
    }

    test("each family's error is its class, with the table's code and attributes", async () => {
      const t = lib();
      const json = { "content-type": "application/json" };
      // The same calls as tests/python/test_api_parity.py TRIGGERS.
      const triggers = {
        oauth: () => t.parseTokenResponse({ status: 400, headers: json, body: '{"error":"foo_bar"}' }),
        response: () => t.parseTokenResponse({ status: 200, headers: json, body: "not json" }),
        input: () => t.basicAuthorization("a:b", "s", "raw"),
        jwt: () => t.decodeJwt("x"),
        pat: () => t.patParse("x"),
        cache: () => new t.TokenClient({ tokenUrl: "https://example.com/t", clientId: "id", clientSecret: "s" }).importCache("{"),
      };
      const base = TABLE.errors.find((e) => e.npm === "TokenError");
      for (const entry of ERRORS.filter((e) => e.example_code)) {
        const err = await thrownBy(triggers[entry.family]);
        assert.equal(err?.constructor, t[entry.npm], `${entry.family}: ${err?.name} ${err?.code}`);
        assert.equal(err.name, entry.npm);
        assert.equal(err.code, entry.example_code);
        for (const attribute of npmNames([...entry.attributes, ...base.attributes])) {
          assert.ok(attribute in err, `${entry.npm}.${attribute}`);
        }
        // No response, no status: null as Python's None.
        if (!["oauth", "response"].includes(entry.family)) assert.deepEqual([err.status, err.retryAfter], [null, null]);
      }
    });

    test("error hierarchy", () => {
      for (const entry of ERRORS) {
        const cls = lib()[entry.npm];
        const parent = entry.npm_base === null ? Error : lib()[entry.npm_base];
        assert.equal(Object.getPrototypeOf(cls), parent, entry.npm);
        assert.ok(new cls("m", "c", {}) instanceof Error);
      }
      // An OAuth error the table maps to a Python-only subclass is an OAuthError with that code.
      for (const entry of TABLE.errors.filter((e) => e.oauth_code)) {
        const body = JSON.stringify({ error: entry.oauth_code });
        const err = (() => {
          try {
            lib().parseTokenResponse({ status: 400, headers: { "content-type": "application/json" }, body });
          } catch (e) {
            return e;
          }
        })();
        assert.equal(err.constructor, lib().OAuthError, entry.oauth_code);
        assert.equal(err.code, entry.oauth_code);
      }
    });
  });
}

describe("tokensmith.d.ts declares the table's npm names", () => {
  for (const entry of FUNCTIONS) {
    test(`function ${entry.npm}`, () => {
      const prefix = entry.npm === "default" ? "export default function " : "export function ";
      const name = entry.npm === "default" ? "\\w+ ?" : entry.npm;
      const signature = declaredSignature(DTS, name, prefix);
      assert.ok(signature !== undefined, `${entry.npm} is not declared`);
      if (entry.params) assert.deepEqual(sorted(signatureNames(signature)), sorted(npmNames(entry.params)));
    });
  }

  for (const entry of CLASSES) {
    test(`class ${entry.npm}`, () => {
      const text = block("class", entry.npm);
      assert.ok(text, `class ${entry.npm} is not declared`);
      assert.deepEqual(sorted(declaredMembers(text)), sorted(npmNames(entry.members)));
      for (const member of entry.members.filter((m) => m.npm && m.kind === "method")) {
        const signature = declaredSignature(text, member.npm);
        assert.ok(signature !== undefined, `${entry.npm}.${member.npm}() is not declared`);
        assert.deepEqual(sorted(signatureNames(signature)), sorted(npmNames(member.params)), `${entry.npm}.${member.npm}`);
      }
      const constructor = npmNames(entry.constructor);
      if (constructor.size) {
        const signature = declaredSignature(text, "constructor");
        assert.deepEqual(sorted(signatureNames(signature)), sorted(constructor), `new ${entry.npm}`);
      }
    });
  }

  test("error classes and their bases", () => {
    for (const entry of ERRORS) {
      const base = entry.npm_base ?? "Error";
      assert.match(DTS, new RegExp(`^export class ${entry.npm} extends ${base} \\{`, "m"), entry.npm);
      const text = block("class", entry.npm);
      for (const attribute of npmNames(entry.attributes)) {
        assert.match(text, new RegExp(`readonly ${attribute}:`), `${entry.npm}.${attribute}`);
      }
    }
  });
});
