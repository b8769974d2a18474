import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { classifyMediaError } from "../../app/static/js/lib/media-errors.mjs";

const dom = (name, message = "") => new DOMException(message, name);

describe("classifyMediaError", () => {
  test("a refusal is blocked", () => {
    for (const name of ["NotAllowedError", "PermissionDeniedError", "SecurityError"]) {
      assert.equal(classifyMediaError(dom(name, "Permission denied")), "blocked", name);
    }
  });

  test("Safari's and Firefox's refusal message ('…or the platform…') is not the system", () => {
    const message = "The request is not allowed by the user agent or the platform in the current context, possibly because the user denied permission.";
    assert.equal(classifyMediaError(dom("NotAllowedError", message)), "blocked");
  });

  test("Chrome's 'Permission denied by system' is os-blocked", () => {
    assert.equal(classifyMediaError(dom("NotAllowedError", "Permission denied by system")), "os-blocked");
  });

  test("refused although the site is allowed: the operating system blocks it", () => {
    assert.equal(classifyMediaError(dom("NotAllowedError", "Permission denied"), { permissionState: "granted" }), "os-blocked");
  });

  test("refused with the site denied or undecided is blocked", () => {
    for (const permissionState of ["denied", "prompt", null]) {
      assert.equal(classifyMediaError(dom("NotAllowedError", "Permission denied"), { permissionState }), "blocked");
    }
  });

  test("outside a secure context everything is insecure", () => {
    const options = { secureContext: false };
    assert.equal(classifyMediaError(dom("NotAllowedError"), options), "insecure");
    assert.equal(classifyMediaError(new TypeError("Cannot read properties of undefined (reading 'getUserMedia')"), options), "insecure");
    assert.equal(classifyMediaError(dom("NotReadableError"), options), "insecure");
  });

  test("a camera held by another app is in-use", () => {
    for (const name of ["NotReadableError", "TrackStartError", "AbortError"]) {
      assert.equal(classifyMediaError(dom(name, "Could not start video source")), "in-use", name);
    }
  });

  test("no matching device is not-found", () => {
    for (const name of ["NotFoundError", "DevicesNotFoundError", "OverconstrainedError", "ConstraintNotSatisfiedError"]) {
      assert.equal(classifyMediaError({ name, message: "" }), "not-found", name);
    }
  });

  test("a TypeError in a secure context is failed", () => {
    assert.equal(classifyMediaError(new TypeError("constraints"), { secureContext: true }), "failed");
  });

  test("anything else is failed", () => {
    for (const error of [new Error("boom"), dom("InvalidStateError"), null, undefined, "NotAllowedError", 42, {}]) {
      assert.equal(classifyMediaError(error), "failed", String(error));
    }
  });

  test("never throws, even on an error that throws when read", () => {
    const hostile = { get name() { throw new Error("no"); } };
    assert.equal(classifyMediaError(hostile), "failed");
    const hostileMessage = { name: "NotAllowedError", get message() { throw new Error("no"); } };
    assert.equal(classifyMediaError(hostileMessage), "failed");
  });
});
