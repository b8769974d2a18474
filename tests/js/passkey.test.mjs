import { test } from "node:test";
import assert from "node:assert/strict";
import { creationOptions, credentialJSON, fromBase64url, toBase64url } from "../../app/static/js/passkey.mjs";

test("base64url round-trips bytes without padding", () => {
  const bytes = new Uint8Array([0, 255, 251, 62, 63, 1]);
  const text = toBase64url(bytes.buffer);
  assert.equal(text, "AP_7Pj8B");
  assert.deepEqual(new Uint8Array(fromBase64url(text)), bytes);
});

test("creation options get binary challenge, user id and excluded ids", () => {
  const options = creationOptions({
    challenge: "AQID", user: { id: "BAU", name: "a" }, excludeCredentials: [{ id: "Bg", type: "public-key" }],
  });
  assert.deepEqual(new Uint8Array(options.challenge), new Uint8Array([1, 2, 3]));
  assert.deepEqual(new Uint8Array(options.user.id), new Uint8Array([4, 5]));
  assert.deepEqual(new Uint8Array(options.excludeCredentials[0].id), new Uint8Array([6]));
});

test("an assertion becomes the JSON the server parses", () => {
  const bytes = (...values) => new Uint8Array(values).buffer;
  const json = credentialJSON({
    id: "Bw", rawId: bytes(7), type: "public-key", authenticatorAttachment: "platform",
    getClientExtensionResults: () => ({}),
    response: { clientDataJSON: bytes(1), authenticatorData: bytes(2), signature: bytes(3), userHandle: bytes(4) },
  });
  assert.deepEqual(json.response, { clientDataJSON: "AQ", authenticatorData: "Ag", signature: "Aw", userHandle: "BA" });
  assert.equal(json.rawId, "Bw");
});
