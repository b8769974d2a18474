// The device list of the camera and microphone checks follows the devices: refreshed on
// devicechange, polled where that event is missing, and only offered when there is a choice.
import { test } from "node:test";
import assert from "node:assert/strict";

// Just enough DOM for a check section: parts found by js-* hooks, each with hidden and options.
function fakeSection() {
  const parts = {};
  const part = (hook) => (parts[hook] ??= {
    hidden: true, children: [], addEventListener() {}, replaceChildren(...c) { this.children = c; },
  });
  return {
    parts,
    element: { dataset: { check: "camera" }, querySelector: (sel) => part(sel.slice(4)) },
  };
}

function fakeMedia(devices, { event = true } = {}) {
  const listeners = [];
  const media = {
    devices,
    enumerateDevices: async () => media.devices,
    addEventListener: (name, listener) => listeners.push([name, listener]),
    fire: () => listeners.filter(([name]) => name === "devicechange").forEach(([, l]) => l()),
  };
  if (event) media.ondevicechange = null;
  return media;
}

globalThis.Option = class { constructor(text, value) { this.text = text; this.value = value; } };
globalThis.document = { hidden: false };
const { default: MediaCheck } = await import("../../app/static/js/media-check.mjs");
const camera = (label, id) => ({ kind: "videoinput", label, deviceId: id });
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

function check(section) {
  return new MediaCheck(section.element, () => {}, {}, {
    kind: "camera", constraint: "video", deviceKind: "videoinput",
  });
}

test("a second camera plugged in is offered without a reload", async () => {
  const section = fakeSection();
  const media = fakeMedia([camera("Built-in", "a")]);
  const subject = check(section);
  subject.watchDevices(media);
  await subject.listDevices(media);
  assert.equal(section.parts["device-field"].hidden, true);
  media.devices = [camera("Built-in", "a"), camera("USB", "b")];
  media.fire();
  await settle();
  assert.equal(section.parts["device-field"].hidden, false);
  assert.deepEqual(section.parts.device.children.map((o) => o.text), ["Built-in", "USB"]);
});

test("nothing is listed before permission was asked (labels would be empty)", async () => {
  const section = fakeSection();
  const media = fakeMedia([camera("", "a"), camera("", "b")]);
  const subject = check(section);
  subject.watchDevices(media);
  media.fire();
  await settle();
  assert.equal(subject.devices, null);
  assert.equal(section.parts.device?.children.length ?? 0, 0);
});

test("without a devicechange event the list is polled", async () => {
  const section = fakeSection();
  const media = fakeMedia([camera("Built-in", "a")], { event: false });
  const subject = check(section);
  subject.watchDevices(media, 10);
  await subject.listDevices(media);
  media.devices = [camera("Built-in", "a"), camera("USB", "b")];
  await new Promise((resolve) => setTimeout(resolve, 40));
  clearInterval(subject.poll);
  assert.equal(subject.devices, 2);
  assert.equal(section.parts["device-field"].hidden, false);
});
