// What the browser builds keeps to the one description of a report: the Report schema in
// app/api/openapi.json (issue 15). ajv reads it as JSON Schema 2020-12, OpenAPI 3.1's dialect;
// the server checks the same file with fastjsonschema (app/report_contract.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

import {
  CAMERA_DETAILS, CHECK_STATUSES, DEVICE_CHOICES, MEDIA_PATHS, MEDIA_REASONS, PATHS, SUMMARIES,
  buildReadiness,
} from "../../app/static/js/lib/readiness.mjs";
import { TRANSPORTS, VERDICTS } from "../../app/static/js/lib/call-quality.mjs";

const openapi = JSON.parse(readFileSync(new URL("../../app/api/openapi.json", import.meta.url)));
const schemas = openapi.components.schemas;
// The schemas' $refs point into OpenAPI's "components"; OpenAPI's "discriminator" only names
// each kind's schema, which oneOf decides anyway. Both are known to ajv as plain keywords.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true, keywords: ["components", "discriminator"] });
addFormats(ajv, ["uuid", "date-time"]);
const compiled = (name) => ajv.compile({ $ref: `#/components/schemas/${name}`, components: openapi.components });
const validReport = compiled("Report");
// Only for saying why: Report's oneOf lists every kind's complaints, this one the readiness'.
const validReadiness = compiled("ReadinessReport");

const REPORT_ID = "0b7e4f5c-2f1e-4c7a-9b1d-3f0e6a9c2d41";
const DEVICE = { form: "desktop", os: "windows", browser: "chrome", major: 131, choice: "computer" };

function assertValid(report, what) {
  if (validReport(report)) return;
  validReadiness(report);
  assert.fail(`${what}: ${ajv.errorsText(validReadiness.errors)}`);
}

// The schema's own enum for a check's status, and for any property of a check.
function checkSchema(name) {
  const check = schemas.Readiness.properties.checks.properties[name];
  return check.$ref ? schemas[check.$ref.split("/").pop()] : check;
}
const withoutNull = (values) => values.filter((value) => value !== null);
const MEDIA_SCHEMA = checkSchema("connection").properties.media;
const FULL_MEDIA = { path: "relay", transport: "tcp", loss_pct: 0.4, jitter_ms: 3, rtt_ms: 2,
  kbps: 1383, verdict: "udp-blocked", reasons: ["udp-blocked"] };

describe("the Report schema and readiness.mjs", () => {
  it("know the same checks and, for each, the same statuses in the same order", () => {
    const described = Object.keys(schemas.Readiness.properties.checks.properties);
    assert.deepEqual(Object.keys(CHECK_STATUSES), described);
    for (const name of described) {
      assert.deepEqual(CHECK_STATUSES[name], checkSchema(name).properties.status.enum, name);
    }
  });

  it("know the same fields: a full report has the schema's, and its checks no others", () => {
    const checks = Object.fromEntries(Object.keys(CHECK_STATUSES).map((name) => [name, {
      status: "ok", detail: "dark", devices: 1, output_selectable: true, rtt_ms: 1, jitter_ms: 1,
      down_kbps: 1, up_kbps: 1, udp: "ok", save_data: false, type: "wifi", secure_context: true,
      get_user_media: true, webrtc: true, media: FULL_MEDIA,
    }]));
    const report = buildReadiness({ id: REPORT_ID, path: "web", device: DEVICE, checks });
    const keys = (object) => Object.keys(object).sort();
    assert.deepEqual(keys(report), [...schemas.Readiness.required].sort());
    assert.deepEqual(keys(report), keys(schemas.Readiness.properties));
    assert.deepEqual(keys(report.device), keys(schemas.Readiness.properties.device.properties));
    // A check sends what the schema allows it (the microphone shares MediaCheck but has no
    // camera detail to send).
    for (const [name, check] of Object.entries(report.checks)) {
      for (const key of keys(check)) assert.ok(key in checkSchema(name).properties, `${name}.${key}`);
    }
    assert.deepEqual(keys(report.checks.connection.media), keys(MEDIA_SCHEMA.properties));
  });

  it("know the same media round trip: paths, transports, verdicts and reasons", () => {
    const media = MEDIA_SCHEMA.properties;
    assert.deepEqual(MEDIA_PATHS, withoutNull(media.path.enum));
    assert.deepEqual(TRANSPORTS, withoutNull(media.transport.enum));
    assert.deepEqual(VERDICTS, media.verdict.enum);
    assert.deepEqual(MEDIA_REASONS, media.reasons.items.enum);
  });

  it("accept every media verdict, with and without figures, and keep only known words", () => {
    for (const verdict of VERDICTS) {
      for (const media of [{ ...FULL_MEDIA, verdict }, { verdict }, { ...FULL_MEDIA, verdict,
        loss_pct: null, jitter_ms: null, rtt_ms: null, kbps: null, transport: null, path: null }]) {
        const report = buildReadiness({ id: REPORT_ID, path: "web", device: DEVICE,
          checks: { connection: { status: "warning", media } } });
        assert.equal(report.checks.connection.media.verdict, verdict);
        assertValid(report, `media ${verdict}`);
      }
    }
    const odd = buildReadiness({ id: REPORT_ID, path: "web", checks: { connection: { status: "ok",
      media: { verdict: "good", loss_pct: 0.04, kbps: 1377.6, reasons: ["loss", "loss", "label"],
        label: "FaceTime", transport: "quic" } } } });
    assert.deepEqual(odd.checks.connection.media, { loss_pct: 0, kbps: 1378, verdict: "good", reasons: ["loss"] });
    assertValid(odd, "cleaned media");
    const none = buildReadiness({ id: REPORT_ID, path: "web", checks: { connection: { status: "ok",
      media: { verdict: "great" } } } });
    assert.equal("media" in none.checks.connection, false);
  });

  it("know the same paths, device choices, summaries and camera details", () => {
    const readiness = schemas.Readiness.properties;
    assert.deepEqual(PATHS, readiness.path.enum);
    assert.deepEqual(DEVICE_CHOICES, withoutNull(readiness.device.properties.choice.enum));
    assert.deepEqual(SUMMARIES, readiness.summary.enum);
    assert.deepEqual([...CAMERA_DETAILS].sort(),
      withoutNull(checkSchema("camera").properties.detail.enum).sort());
  });

  it("accept a report for every status of every check, on every path", () => {
    let built = 0;
    for (const [name, statuses] of Object.entries(CHECK_STATUSES)) {
      for (const status of statuses) {
        for (const path of PATHS) {
          const report = buildReadiness({
            id: REPORT_ID, createdAt: 0, path, device: DEVICE, checks: { [name]: { status } },
          });
          assert.equal(report.checks[name].status, status);
          assertValid(report, `${name} ${status} on ${path}`);
          built += 1;
        }
      }
    }
    assert.equal(built, Object.values(CHECK_STATUSES).flat().length * PATHS.length);
  });

  it("accept every status of every check at once, and every check's other fields", () => {
    const longest = Math.max(...Object.values(CHECK_STATUSES).map((statuses) => statuses.length));
    for (let index = 0; index < longest; index += 1) {
      const checks = Object.fromEntries(Object.entries(CHECK_STATUSES).map(([name, statuses]) => [
        name, { status: statuses[index % statuses.length] }]));
      Object.assign(checks.camera, { detail: CAMERA_DETAILS[index % CAMERA_DETAILS.length],
        devices: [{ label: "FaceTime HD Camera" }] });
      Object.assign(checks.microphone, { devices: 2.4 });
      Object.assign(checks.speaker, { output_selectable: true });
      Object.assign(checks.connection, { rtt_ms: 33.4, jitter_ms: 2, down_kbps: 20000,
        up_kbps: 5000, udp: "blocked", save_data: false, type: "4g", media: FULL_MEDIA });
      Object.assign(checks.browser, { secure_context: true, get_user_media: true, webrtc: true });
      for (const path of PATHS) {
        assertValid(buildReadiness({ id: REPORT_ID, createdAt: 0, path, device: DEVICE, checks }),
          `round ${index} on ${path}`);
      }
    }
  });

  it("accept every device choice, and a report with no device words at all", () => {
    for (const choice of DEVICE_CHOICES) {
      const report = buildReadiness({ id: REPORT_ID, path: "web", device: { choice }, checks: {} });
      assert.equal(report.device.choice, choice);
      assertValid(report, choice);
    }
    assertValid(buildReadiness({ id: REPORT_ID, path: "app" }), "no device, no checks");
  });

  it("refuse what the schema does not describe (the validator is not a rubber stamp)", () => {
    const report = buildReadiness({ id: REPORT_ID, path: "web", device: DEVICE, checks: {} });
    assert.equal(validReport({ ...report, checks: { ...report.checks, camera: { status: "great" } } }),
      false);
    assert.equal(validReport({ ...report, device: { ...report.device, label: "Pixel 8" } }), false);
    assert.equal(validReport({ ...report, id: "not-a-uuid" }), false);
    const connection = (media) => ({ ...report, checks: { ...report.checks, connection: { status: "ok", media } } });
    assert.equal(validReport(connection({ verdict: "great" })), false);
    assert.equal(validReport(connection({ verdict: "good", loss_pct: 101 })), false);
    assert.equal(validReport(connection({ verdict: "good", label: "x" })), false);
    assert.equal(validReport({ ...report, kind: "step" }), false);
  });
});
