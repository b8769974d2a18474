import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { formatRate } from "../../app/static/js/lib/figures.mjs";

const WORDS = { kbps: "{number} kbit/s", mbps: "{number} Mbit/s" };
// Intl may separate digit groups with a narrow no-break space: compare with plain spaces.
const plain = (text) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatRate", () => {
  test("says a fast line in Mbit/s, to two significant figures", () => {
    assert.equal(formatRate(453438, "en", WORDS), "450 Mbit/s");
    assert.equal(formatRate(1234, "en", WORDS), "1.2 Mbit/s");
    assert.equal(formatRate(20000, "en", WORDS), "20 Mbit/s");
  });

  test("keeps kbit/s below 1,000, rounded", () => {
    assert.equal(formatRate(150, "en", WORDS), "150 kbit/s");
    assert.equal(formatRate(456.7, "en", WORDS), "460 kbit/s");
    assert.equal(formatRate(7.26, "en", WORDS), "7.3 kbit/s");
    assert.equal(formatRate(0, "en", WORDS), "0 kbit/s");
  });

  test("switches unit after rounding: 999 kbit/s reads 1 Mbit/s", () => {
    assert.equal(formatRate(999, "en", WORDS), "1 Mbit/s");
    assert.equal(formatRate(994, "en", WORDS), "990 kbit/s");
  });

  test("writes the number in the page's language, with its unit words", () => {
    assert.equal(plain(formatRate(1534, "fi", { kbps: "{number} kbit/s", mbps: "{number} Mbit/s" })), "1,5 Mbit/s");
    assert.equal(plain(formatRate(453438, "ru", { kbps: "{number} кбит/с", mbps: "{number} Мбит/с" })), "450 Мбит/с");
    assert.equal(formatRate(1534, "ar", { kbps: "{number} كيلوبت/ث", mbps: "{number} ميغابت/ث" }),
      `${new Intl.NumberFormat("ar", { maximumSignificantDigits: 2 }).format(1.5)} ميغابت/ث`);
  });
});
