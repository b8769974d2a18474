import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  BROWSER_STATUSES, CAMERA_DETAILS, CONNECTION_STATUSES, MEDIA_STATUSES,
  READINESS_VERSION, SPEAKER_STATUSES, SUMMARIES, buildReadiness, checksThatMatter, newReportId, summarise,
} from "../../app/static/js/lib/readiness.mjs";

const ALL_OK = {
  camera: { status: "ok" },
  microphone: { status: "ok" },
  speaker: { status: "ok" },
  connection: { status: "ok" },
  browser: { status: "ok" },
};
const with_ = (changes) => ({ ...ALL_OK, ...changes });
const MEDIA_FAILURES = ["blocked", "os-blocked", "in-use", "not-found", "failed", "insecure", "unsupported"];

describe("vocabulary", () => {
  test("READINESS_VERSION is 1", () => assert.equal(READINESS_VERSION, 1));

  // Each list is the Report schema's (tests/js/report-contract.test.mjs); here only how the
  // media statuses relate to media-errors.mjs's failures.
  test("the media failures are media statuses, and every list is frozen", () => {
    assert.deepEqual(MEDIA_STATUSES, ["ok", "warning", ...MEDIA_FAILURES.slice(0, 6), "skipped", "unsupported"]);
    for (const list of [MEDIA_STATUSES, SPEAKER_STATUSES, CONNECTION_STATUSES, BROWSER_STATUSES, CAMERA_DETAILS]) {
      assert.ok(Object.isFrozen(list));
    }
  });
});

describe("summarise on the web path", () => {
  test("everything ok is ready", () => {
    assert.deepEqual(summarise(ALL_OK, "web"), { summary: "ready", warnings: [], problems: [] });
  });

  test("every microphone failure is a problem", () => {
    for (const status of MEDIA_FAILURES) {
      assert.deepEqual(summarise(with_({ microphone: { status } }), "web"), {
        summary: "not-ready", warnings: [], problems: [`microphone-${status}`],
      }, status);
    }
  });

  test("a microphone warning is only a warning", () => {
    assert.deepEqual(summarise(with_({ microphone: { status: "warning" } }), "web"), {
      summary: "ready-with-warnings", warnings: ["microphone-warning"], problems: [],
    });
  });

  test("every camera failure is only a warning: video may be declined", () => {
    for (const status of [...MEDIA_FAILURES, "warning"]) {
      assert.deepEqual(summarise(with_({ camera: { status } }), "web"), {
        summary: "ready-with-warnings", warnings: [`camera-${status}`], problems: [],
      }, status);
    }
  });

  test("a tone not heard is a problem; no output choice is a warning", () => {
    assert.deepEqual(summarise(with_({ speaker: { status: "not-heard" } }), "web").problems, ["speaker-not-heard"]);
    assert.deepEqual(summarise(with_({ speaker: { status: "unsupported" } }), "web"), {
      summary: "ready-with-warnings", warnings: ["speaker-unsupported"], problems: [],
    });
  });

  test("a poor or offline connection is a problem; a warning warns", () => {
    for (const status of ["poor", "offline"]) {
      assert.deepEqual(summarise(with_({ connection: { status } }), "web"), {
        summary: "not-ready", warnings: [], problems: [`connection-${status}`],
      });
    }
    assert.deepEqual(summarise(with_({ connection: { status: "warning" } }), "web").warnings, ["connection-warning"]);
  });

  test("an unsupported browser is a problem; a browser warning warns", () => {
    assert.deepEqual(summarise(with_({ browser: { status: "unsupported" } }), "web").problems, ["browser-unsupported"]);
    assert.deepEqual(summarise(with_({ browser: { status: "warning" } }), "web"), {
      summary: "ready-with-warnings", warnings: ["browser-warning"], problems: [],
    });
  });

  test("a skipped or missing check warns '<check>-skipped'; only the camera may be left", () => {
    for (const name of ["camera", "microphone", "speaker", "connection"]) {
      assert.deepEqual(summarise(with_({ [name]: { status: "skipped" } }), "web"), {
        summary: name === "camera" ? "ready-with-warnings" : "not-checked",
        warnings: [`${name}-skipped`], problems: [],
      }, name);
      const missing = { ...ALL_OK };
      delete missing[name];
      assert.deepEqual(summarise(missing, "web").warnings, [`${name}-skipped`], name);
    }
  });

  test("nothing run at all: four skips and an unknown browser", () => {
    assert.deepEqual(summarise({}, "web").warnings, [
      "camera-skipped", "microphone-skipped", "speaker-skipped", "connection-skipped", "browser-warning",
    ]);
    assert.deepEqual(summarise(undefined, "web").warnings.length, 5);
  });

  test("keys keep check order whatever order the checks came in", () => {
    const checks = {
      browser: { status: "unsupported" }, connection: { status: "warning" }, speaker: { status: "not-heard" },
      microphone: { status: "blocked" }, camera: { status: "in-use" },
    };
    assert.deepEqual(summarise(checks, "web"), {
      summary: "not-ready",
      warnings: ["camera-in-use", "connection-warning"],
      problems: ["microphone-blocked", "speaker-not-heard", "browser-unsupported"],
    });
  });

  test("an unknown status counts as failed for media, skipped otherwise, a warning for the browser", () => {
    const checks = {
      camera: { status: "weird" }, microphone: { status: "weird" }, speaker: { status: "weird" },
      connection: { status: "weird" }, browser: { status: "weird" },
    };
    assert.deepEqual(summarise(checks, "web"), {
      summary: "not-ready",
      warnings: ["camera-failed", "speaker-skipped", "connection-skipped", "browser-warning"],
      problems: ["microphone-failed"],
    });
  });
});

describe("summarise on the app path", () => {
  test("camera and microphone failures in the browser are only warnings", () => {
    for (const status of MEDIA_FAILURES) {
      assert.deepEqual(summarise(with_({ camera: { status }, microphone: { status } }), "app"), {
        summary: "ready-with-warnings", warnings: [`camera-${status}`, `microphone-${status}`], problems: [],
      }, status);
    }
  });

  test("a tone not heard stays a problem", () => {
    assert.deepEqual(summarise(with_({ speaker: { status: "not-heard" } }), "app").problems, ["speaker-not-heard"]);
  });

  test("the connection counts as on the web", () => {
    assert.deepEqual(summarise(with_({ connection: { status: "poor" } }), "app").problems, ["connection-poor"]);
    assert.deepEqual(summarise(with_({ connection: { status: "offline" } }), "app").problems, ["connection-offline"]);
    assert.deepEqual(summarise(with_({ connection: { status: "warning" } }), "app").warnings, ["connection-warning"]);
  });

  test("the browser's result is ignored", () => {
    assert.deepEqual(summarise(with_({ browser: { status: "unsupported" } }), "app"), { summary: "ready", warnings: [], problems: [] });
    const { browser, ...withoutBrowser } = ALL_OK;
    assert.deepEqual(summarise(withoutBrowser, "app"), { summary: "ready", warnings: [], problems: [] });
  });

  test("skips still warn", () => {
    assert.deepEqual(summarise(with_({ camera: { status: "skipped" } }), "app").warnings, ["camera-skipped"]);
  });
});

describe("summarise when nothing was verified (issue 14: Ready must tell the truth)", () => {
  const ALL_SKIPPED = {
    camera: { status: "skipped" }, microphone: { status: "skipped" },
    speaker: { status: "skipped" }, connection: { status: "skipped" }, browser: { status: "ok" },
  };

  test("every check skipped is 'not-checked', never ready, on both paths", () => {
    for (const path of ["web", "app"]) {
      assert.deepEqual(summarise(ALL_SKIPPED, path), {
        summary: "not-checked",
        warnings: ["camera-skipped", "microphone-skipped", "speaker-skipped", "connection-skipped"],
        problems: [],
      }, path);
    }
  });

  test("no checks at all is 'not-checked' too", () => {
    assert.equal(summarise({}, "web").summary, "not-checked");
    assert.equal(summarise(undefined, "app").summary, "not-checked");
    assert.equal(buildReadiness({ id: "x", path: "web", checks: {} }).summary, "not-checked");
  });

  test("a problem outranks 'nothing checked': an unusable browser is not ready", () => {
    assert.equal(summarise(with_({ ...ALL_SKIPPED, browser: { status: "unsupported" } }), "web").summary,
      "not-ready");
  });

  test("a skipped check that could stop the appointment leaves it 'not-checked'", () => {
    for (const name of ["microphone", "speaker", "connection"]) {
      const result = summarise(with_({ [name]: { status: "skipped" } }), "web");
      assert.deepEqual(result, { summary: "not-checked", warnings: [`${name}-skipped`], problems: [] }, name);
    }
    for (const name of ["speaker", "connection"]) {
      assert.equal(summarise(with_({ [name]: { status: "skipped" } }), "app").summary, "not-checked", name);
    }
    assert.deepEqual(checksThatMatter("web"), ["microphone", "speaker", "connection"]);
    assert.deepEqual(checksThatMatter("app"), ["speaker", "connection"]);
  });

  test("a skipped check that only warns stays a warning", () => {
    assert.equal(summarise(with_({ camera: { status: "skipped" } }), "web").summary, "ready-with-warnings");
    for (const name of ["camera", "microphone"]) {
      assert.equal(summarise(with_({ [name]: { status: "skipped" } }), "app").summary, "ready-with-warnings", name);
    }
  });

  test("blocked camera and microphone on the web are not ready", () => {
    const denied = with_({ camera: { status: "blocked" }, microphone: { status: "blocked" } });
    assert.deepEqual(summarise(denied, "web"), {
      summary: "not-ready", warnings: ["camera-blocked"], problems: ["microphone-blocked"],
    });
  });

  test("the summaries are the agreed four, and frozen", () => {
    assert.deepEqual(SUMMARIES, ["ready", "ready-with-warnings", "not-checked", "not-ready"]);
    assert.ok(Object.isFrozen(SUMMARIES));
  });
});

describe("summarise elsewhere", () => {
  test("in an in-app browser or on a device that cannot join, nothing counts", () => {
    for (const path of ["open-in-browser", "none"]) {
      assert.deepEqual(summarise(ALL_OK, path), { summary: "not-ready", warnings: [], problems: ["wrong-place"] });
    }
  });

  test("an unknown path is a TypeError", () => {
    assert.throws(() => summarise(ALL_OK, "desktop"), TypeError);
    assert.throws(() => summarise(ALL_OK), TypeError);
  });
});

const LABEL = "FaceTime HD Camera (Built-in)";
const DEVICE_ID = "4f1b2c3d9e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c";

function fullInput() {
  return {
    id: "0b6c7d34-1a2b-4c3d-8e9f-0123456789ab",
    createdAt: "2025-03-04T05:06:07.089Z",
    path: "web",
    device: {
      form: "desktop", os: "macos", browser: "chrome", major: 131, choice: "computer",
      userAgent: "Mozilla/5.0 (Macintosh…)", name: LABEL,
    },
    checks: {
      camera: {
        status: "warning", detail: "dark", label: LABEL, deviceId: DEVICE_ID,
        devices: [{ kind: "videoinput", label: LABEL, deviceId: DEVICE_ID }, { kind: "videoinput", label: "USB Cam" }],
        groupId: DEVICE_ID, image: "data:image/png;base64,AAAA",
      },
      microphone: {
        status: "ok", devices: [{ kind: "audioinput", label: LABEL, deviceId: DEVICE_ID }], label: LABEL,
      },
      speaker: { status: "ok", output_selectable: true, sinkId: DEVICE_ID, output: LABEL },
      connection: {
        status: "warning", rtt_ms: 120.6, jitter_ms: 4.4, down_kbps: 1499.5, up_kbps: 800.2,
        udp: "blocked", save_data: false, type: "wifi", ip: "192.0.2.7",
      },
      browser: { status: "ok", secure_context: true, get_user_media: true, webrtc: true, userAgent: "x" },
      extra: { status: "ok", label: LABEL },
    },
    label: LABEL,
  };
}

describe("buildReadiness", () => {
  test("builds the agreed report from whitelisted fields", () => {
    assert.deepEqual(buildReadiness(fullInput()), {
      version: 1,
      kind: "readiness",
      id: "0b6c7d34-1a2b-4c3d-8e9f-0123456789ab",
      created_at: "2025-03-04T05:06:07.089Z",
      path: "web",
      device: { form: "desktop", os: "macos", browser: "chrome", major: 131, choice: "computer" },
      checks: {
        camera: { status: "warning", detail: "dark", devices: 2 },
        microphone: { status: "ok", devices: 1 },
        speaker: { status: "ok", output_selectable: true },
        connection: {
          status: "warning", rtt_ms: 121, jitter_ms: 4, down_kbps: 1500, up_kbps: 800,
          udp: "blocked", save_data: false, type: "wifi",
        },
        browser: { status: "ok", secure_context: true, get_user_media: true, webrtc: true },
      },
      summary: "ready-with-warnings",
      warnings: ["camera-warning", "connection-warning"],
      problems: [],
    });
  });

  test("privacy: no device label, device id, picture or address ever appears", () => {
    const sent = JSON.stringify(buildReadiness(fullInput()));
    for (const secret of [LABEL, "FaceTime", "USB Cam", DEVICE_ID, "data:image", "192.0.2.7", "Mozilla", "label", "deviceId", "extra"]) {
      assert.ok(!sent.includes(secret), `${secret} leaked`);
    }
  });

  test("privacy: free text in a whitelisted field is dropped too", () => {
    const input = fullInput();
    input.device.browser = LABEL;
    input.device.os = DEVICE_ID;
    input.checks.camera.detail = LABEL;
    input.checks.connection.type = LABEL;
    const report = buildReadiness(input);
    assert.ok(!JSON.stringify(report).includes("FaceTime"));
    assert.ok(!JSON.stringify(report).includes(DEVICE_ID));
    assert.deepEqual(Object.keys(report.device), ["form", "major", "choice"]);
    assert.equal(report.checks.camera.detail, undefined);
    assert.equal(report.checks.connection.type, undefined);
  });

  test("device keeps only form, os, browser, major, choice, as plain values", () => {
    const report = buildReadiness({
      ...fullInput(),
      device: { form: "phone", browser: { family: "chrome", major: 131 }, major: "131", choice: "tablet-ish", in_app: "Instagram" },
    });
    assert.deepEqual(report.device, { form: "phone" });
  });

  test("a device count is passed on as a whole number", () => {
    const input = fullInput();
    input.checks.camera.devices = 3;
    input.checks.microphone.devices = 0;
    const { checks } = buildReadiness(input);
    assert.equal(checks.camera.devices, 3);
    assert.equal(checks.microphone.devices, 0);
  });

  test("numbers are whole and never negative; non-numbers are dropped", () => {
    const input = fullInput();
    Object.assign(input.checks.connection, { rtt_ms: -3, jitter_ms: Infinity, down_kbps: "2000", up_kbps: null });
    input.device.major = 17.6;
    const report = buildReadiness(input);
    assert.deepEqual(report.checks.connection, { status: "warning", rtt_ms: 0, udp: "blocked", save_data: false, type: "wifi" });
    assert.equal(report.device.major, 18);
  });

  test("fields outside their allowed values are dropped", () => {
    const input = fullInput();
    input.checks.connection.udp = true;
    input.checks.connection.save_data = "yes";
    input.checks.speaker.output_selectable = 1;
    input.checks.browser.webrtc = "true";
    input.checks.camera.detail = null;
    const { checks } = buildReadiness(input);
    assert.equal("udp" in checks.connection, false);
    assert.equal("save_data" in checks.connection, false);
    assert.deepEqual(checks.speaker, { status: "ok" });
    assert.equal("webrtc" in checks.browser, false);
    assert.equal("detail" in checks.camera, false);
  });

  test("every camera detail is accepted", () => {
    for (const detail of CAMERA_DETAILS) {
      const input = fullInput();
      input.checks.camera.detail = detail;
      assert.equal(buildReadiness(input).checks.camera.detail, detail);
    }
  });

  test("every known status passes through unchanged", () => {
    const cases = [
      ["camera", MEDIA_STATUSES], ["microphone", MEDIA_STATUSES], ["speaker", SPEAKER_STATUSES],
      ["connection", CONNECTION_STATUSES], ["browser", BROWSER_STATUSES],
    ];
    for (const [name, statuses] of cases) {
      for (const status of statuses) {
        const report = buildReadiness({ id: "x", path: "web", checks: { [name]: { status } } });
        assert.equal(report.checks[name].status, status, `${name} ${status}`);
      }
    }
  });

  test("unknown statuses become failed (media), skipped (speaker, connection), warning (browser)", () => {
    const weird = { status: "exploded" };
    const { checks } = buildReadiness({
      id: "x", path: "web",
      checks: { camera: weird, microphone: weird, speaker: weird, connection: weird, browser: weird },
    });
    assert.deepEqual(
      Object.fromEntries(Object.entries(checks).map(([name, check]) => [name, check.status])),
      { camera: "failed", microphone: "failed", speaker: "skipped", connection: "skipped", browser: "warning" },
    );
  });

  test("missing checks are reported as not run", () => {
    const report = buildReadiness({ id: "x", path: "app" });
    assert.deepEqual(report.checks, {
      camera: { status: "skipped" }, microphone: { status: "skipped" }, speaker: { status: "skipped" },
      connection: { status: "skipped" }, browser: { status: "warning" },
    });
    assert.deepEqual(report.device, {});
  });

  test("summary, warnings and problems are summarise's on the cleaned checks", () => {
    const input = fullInput();
    input.checks.microphone.status = "os-blocked";
    const report = buildReadiness(input);
    const { summary, warnings, problems } = summarise(report.checks, "web");
    assert.deepEqual({ summary: report.summary, warnings: report.warnings, problems: report.problems }, { summary, warnings, problems });
    assert.deepEqual(report.problems, ["microphone-os-blocked"]);
    assert.deepEqual(buildReadiness({ ...input, path: "open-in-browser" }).problems, ["wrong-place"]);
  });

  test("a missing, empty or non-string id is a TypeError", () => {
    for (const id of [undefined, null, "", 42]) {
      assert.throws(() => buildReadiness({ ...fullInput(), id }), TypeError, String(id));
    }
  });

  test("a path outside the four is a TypeError", () => {
    for (const path of [undefined, "desktop", "WEB", ""]) {
      assert.throws(() => buildReadiness({ ...fullInput(), path }), TypeError, String(path));
    }
    assert.throws(() => buildReadiness(), TypeError);
  });

  test("created_at is ISO 8601 UTC from a Date, a string or milliseconds; now by default", () => {
    const at = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    for (const createdAt of [new Date(at), new Date(at).toISOString(), at]) {
      assert.equal(buildReadiness({ id: "x", path: "web", createdAt }).created_at, "2025-01-02T03:04:05.006Z");
    }
    const before = Date.now();
    const created = Date.parse(buildReadiness({ id: "x", path: "web" }).created_at);
    assert.ok(created >= before && created <= Date.now());
  });

  test("the report is plain JSON", () => {
    const report = buildReadiness(fullInput());
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });
});

describe("newReportId", () => {
  test("is a fresh random (version 4) UUID each time", () => {
    const first = newReportId();
    assert.match(first, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(newReportId(), first);
  });

  test("is accepted by buildReadiness", () => {
    const id = newReportId();
    assert.equal(buildReadiness({ id, path: "web" }).id, id);
  });
});
