import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { LIMITS, TEAMS, jitter, kbps, median, rateConnection } from "../../app/static/js/lib/thresholds.mjs";

const GOOD = { online: true, rttMs: 40, jitterMs: 5, downKbps: 20000, upKbps: 5000 };
const rate = (changes) => rateConnection({ ...GOOD, ...changes });

describe("TEAMS", () => {
  test("holds Microsoft's planning figures and cannot be changed", () => {
    assert.deepEqual({ ...TEAMS }, {
      audioMinKbps: 10, audioRecommendedKbps: 58, videoMinKbps: 150, videoRecommendedKbps: 1500,
      videoBestKbps: 4000, rttTargetMs: 100, jitterTargetMs: 30,
    });
    assert.ok(Object.isFrozen(TEAMS));
  });
});

describe("median", () => {
  test("is null for no values", () => assert.equal(median([]), null));
  test("is the middle of an odd count, unsorted input", () => assert.equal(median([300, 20, 40]), 40));
  test("is the mean of the two middle values of an even count", () => assert.equal(median([10, 40, 20, 90]), 30));
  test("leaves the input as it was", () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe("jitter", () => {
  test("is null for fewer than two round trips", () => {
    assert.equal(jitter([]), null);
    assert.equal(jitter([42]), null);
  });
  test("is the mean absolute difference of consecutive round trips", () => {
    assert.equal(jitter([10, 20, 10, 40]), (10 + 10 + 30) / 3);
  });
  test("is zero for steady round trips", () => assert.equal(jitter([25, 25, 25]), 0));
  test("depends on order, unlike a spread", () => assert.notEqual(jitter([10, 10, 50, 50]), jitter([10, 50, 10, 50])));
});

describe("kbps", () => {
  test("is kilobits per second", () => assert.equal(kbps(125_000, 1000), 1000));
  test("uses 1000 bits to the kilobit", () => assert.equal(kbps(1000, 8), 1000));
  test("is null without a positive duration", () => {
    assert.equal(kbps(1000, 0), null);
    assert.equal(kbps(1000, -5), null);
    assert.equal(kbps(1000, NaN), null);
  });
});

describe("rateConnection", () => {
  test("a good connection is ok with no reasons", () => assert.deepEqual(rate({}), { status: "ok", reasons: [] }));

  test("offline wins over any measurement", () => {
    assert.deepEqual(rate({ online: false }), { status: "offline", reasons: ["offline"] });
  });

  test("exactly the recommended 1500 kbps each way is ok", () => {
    assert.equal(rate({ downKbps: 1500, upKbps: 1500 }).status, "ok");
  });

  test("below 1500 kbps is a warning, per direction", () => {
    assert.deepEqual(rate({ downKbps: 1499 }), { status: "warning", reasons: ["slow-download"] });
    assert.deepEqual(rate({ upKbps: 1499 }), { status: "warning", reasons: ["slow-upload"] });
  });

  test("exactly the minimum 150 kbps is a warning, not poor", () => {
    assert.deepEqual(rate({ downKbps: 150, upKbps: 150 }), {
      status: "warning", reasons: ["slow-download", "slow-upload"],
    });
  });

  test("below 150 kbps is poor, per direction", () => {
    assert.deepEqual(rate({ downKbps: 149.9 }), { status: "poor", reasons: ["very-slow-download"] });
    assert.deepEqual(rate({ upKbps: 149 }), { status: "poor", reasons: ["very-slow-upload"] });
  });

  test("a round trip of exactly 100 ms meets the target", () => assert.equal(rate({ rttMs: 100 }).status, "ok"));

  test("a round trip over 100 ms is a warning", () => {
    assert.deepEqual(rate({ rttMs: 100.5 }), { status: "warning", reasons: ["high-rtt"] });
  });

  test("a round trip of exactly 500 ms is still only a warning", () => {
    assert.deepEqual(rate({ rttMs: 500 }), { status: "warning", reasons: ["high-rtt"] });
  });

  test("a round trip over 500 ms is poor, and says only very-high-rtt", () => {
    assert.deepEqual(rate({ rttMs: 501 }), { status: "poor", reasons: ["very-high-rtt"] });
  });

  test("jitter of exactly 30 ms meets the target; over it warns", () => {
    assert.equal(rate({ jitterMs: 30 }).status, "ok");
    assert.deepEqual(rate({ jitterMs: 30.1 }), { status: "warning", reasons: ["high-jitter"] });
  });

  test("data saver warns; saveData false does not", () => {
    assert.deepEqual(rate({ saveData: true }), { status: "warning", reasons: ["data-saver"] });
    assert.equal(rate({ saveData: false }).status, "ok");
  });

  test("a 2g or slow-2g network type warns; 3g and 4g do not", () => {
    for (const effectiveType of ["slow-2g", "2g"]) {
      assert.deepEqual(rate({ effectiveType }), { status: "warning", reasons: ["slow-network-type"] });
    }
    for (const effectiveType of ["3g", "4g", undefined]) assert.equal(rate({ effectiveType }).status, "ok");
  });

  test("poor outranks warnings, and every reason is kept in a stable order", () => {
    assert.deepEqual(rate({ downKbps: 100, upKbps: 1000, rttMs: 200, jitterMs: 50, saveData: true, effectiveType: "2g" }), {
      status: "poor",
      reasons: ["very-slow-download", "slow-upload", "high-rtt", "high-jitter", "data-saver", "slow-network-type"],
    });
  });

  test("a missing measurement gives no reason by itself", () => {
    assert.deepEqual(rateConnection({ online: true, downKbps: 2000 }), { status: "ok", reasons: [] });
    assert.deepEqual(rateConnection({ rttMs: 30, upKbps: null, jitterMs: undefined }), { status: "ok", reasons: [] });
  });

  test("nothing measured is a warning: not-measured", () => {
    assert.deepEqual(rateConnection({ online: true }), { status: "warning", reasons: ["not-measured"] });
    assert.deepEqual(rateConnection({}), { status: "warning", reasons: ["not-measured"] });
    assert.deepEqual(rateConnection(), { status: "warning", reasons: ["not-measured"] });
    assert.deepEqual(rateConnection({ rttMs: null, downKbps: NaN }), { status: "warning", reasons: ["not-measured"] });
  });

  test("hints alone do not count as measurements", () => {
    assert.deepEqual(rateConnection({ saveData: true }), { status: "warning", reasons: ["data-saver", "not-measured"] });
  });
});

describe("rateConnection's limits", () => {
  test("are Microsoft's figures and our very-high round trip unless others are given", () => {
    assert.deepEqual({ ...LIMITS }, { ...TEAMS, veryHighRttMs: 500 });
    assert.equal(rate({ rttMs: 600 }).status, "poor");
  });

  test("given others (a test on a busy machine), the same figures are rated by them", () => {
    const generous = { ...LIMITS, rttTargetMs: 60000, veryHighRttMs: 60000, jitterTargetMs: 60000 };
    assert.equal(rateConnection({ ...GOOD, rttMs: 600, jitterMs: 90 }, generous).status, "ok");
  });
});
