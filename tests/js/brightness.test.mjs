import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LIGHTING, frameDifference, isFrozen, lightingHint, meanLuma } from "../../app/static/js/lib/brightness.mjs";

// An RGBA frame of `pixels` pixels, all [r, g, b], as ImageData.data would hold it.
function frame(pixels, [r, g, b]) {
  const data = new Uint8ClampedArray(pixels * 4);
  for (let i = 0; i < data.length; i += 4) data.set([r, g, b, 255], i);
  return data;
}

const close = (actual, expected) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

describe("meanLuma", () => {
  test("a grey frame's luma is its grey level", () => close(meanLuma(frame(64, [100, 100, 100])), 100));

  test("weighs red, green and blue as Rec. 601", () => {
    close(meanLuma(frame(16, [255, 0, 0])), 0.299 * 255);
    close(meanLuma(frame(16, [0, 255, 0])), 0.587 * 255);
    close(meanLuma(frame(16, [0, 0, 255])), 0.114 * 255);
  });

  test("ignores alpha", () => {
    const data = frame(16, [80, 80, 80]);
    for (let i = 3; i < data.length; i += 4) data[i] = 0;
    close(meanLuma(data), 80);
  });

  test("is 0 for an empty frame", () => assert.equal(meanLuma(new Uint8ClampedArray(0)), 0));

  test("samples every step-th pixel", () => {
    const data = frame(8, [0, 0, 0]);
    data.set([255, 255, 255], 0); // pixel 0
    data.set([255, 255, 255], 16); // pixel 4
    close(meanLuma(data), 255); // step 4 sees pixels 0 and 4 only
    close(meanLuma(data, 1), 255 * 2 / 8);
    close(meanLuma(data, 2), 255 * 2 / 4);
  });

  test("a step below 1 is taken as 1 rather than looping for ever", () => {
    close(meanLuma(frame(4, [50, 50, 50]), 0), 50);
  });
});

describe("lightingHint", () => {
  test("LIGHTING holds the documented thresholds and cannot be changed", () => {
    assert.deepEqual({ ...LIGHTING }, { darkBelow: 60, blackBelow: 8, brightAbove: 220 });
    assert.ok(Object.isFrozen(LIGHTING));
  });

  test("black below 8", () => {
    assert.equal(lightingHint(0), "black");
    assert.equal(lightingHint(7.99), "black");
  });

  test("dark from 8 to below 60", () => {
    assert.equal(lightingHint(8), "dark");
    assert.equal(lightingHint(59.99), "dark");
  });

  test("ok from 60 to 220", () => {
    assert.equal(lightingHint(60), "ok");
    assert.equal(lightingHint(120), "ok");
    assert.equal(lightingHint(220), "ok");
  });

  test("bright above 220", () => {
    assert.equal(lightingHint(220.01), "bright");
    assert.equal(lightingHint(255), "bright");
  });
});

describe("frameDifference", () => {
  test("is 0 for identical frames", () => assert.equal(frameDifference(frame(32, [90, 10, 200]), frame(32, [90, 10, 200])), 0));

  test("is the mean absolute luma difference, either way round", () => {
    close(frameDifference(frame(32, [100, 100, 100]), frame(32, [110, 110, 110])), 10);
    close(frameDifference(frame(32, [110, 110, 110]), frame(32, [100, 100, 100])), 10);
  });

  test("changes that cancel out in the mean still count", () => {
    const a = frame(2, [100, 100, 100]);
    const b = frame(2, [100, 100, 100]);
    b.set([120, 120, 120], 0);
    b.set([80, 80, 80], 4);
    close(frameDifference(a, b, 1), 20);
  });

  test("samples every step-th pixel", () => {
    const a = frame(8, [0, 0, 0]);
    const b = frame(8, [0, 0, 0]);
    b.set([255, 255, 255], 4); // pixel 1: not seen with step 4
    assert.equal(frameDifference(a, b), 0);
    close(frameDifference(a, b, 1), 255 / 8);
  });

  test("is 0 for empty frames", () => assert.equal(frameDifference(new Uint8ClampedArray(0), new Uint8ClampedArray(0)), 0));

  test("throws RangeError for frames of different sizes", () => {
    assert.throws(() => frameDifference(frame(4, [0, 0, 0]), frame(5, [0, 0, 0])), RangeError);
  });
});

describe("isFrozen", () => {
  test("five differences all below 0.5 are frozen", () => assert.equal(isFrozen([0, 0.1, 0.2, 0.49, 0]), true));
  test("fewer than five are not enough to tell", () => assert.equal(isFrozen([0, 0, 0, 0]), false));
  test("no differences are not frozen", () => assert.equal(isFrozen([]), false));
  test("one difference of 0.5 or more means a live camera", () => {
    assert.equal(isFrozen([0, 0, 0.5, 0, 0, 0]), false);
    assert.equal(isFrozen([0, 0, 0, 0, 0, 3]), false);
  });
  test("sensor noise of a live camera is not frozen", () => assert.equal(isFrozen([1.2, 0.9, 1.4, 1.1, 0.8]), false));
  test("minFrames and below can be chosen", () => {
    assert.equal(isFrozen([0, 0], { minFrames: 2 }), true);
    assert.equal(isFrozen([0.9, 0.9, 0.9, 0.9, 0.9], { below: 1 }), true);
  });
});
