// Connection speeds as people read them: "450 Mbit/s", not "453,438 kbit/s". Two significant
// figures are all a speed test can promise; the unit words come from the page (data-i18n-*),
// the digits from Intl.NumberFormat in the page's language.

const MEGA = 1000;

// kbps: a speed in kbit/s; locale: e.g. "fi"; words: { kbps: "{number} kbit/s",
// mbps: "{number} Mbit/s" } in the page's language.
export function formatRate(kbps, locale, words) {
  // Rounded first, so that 999 kbit/s, which rounds to 1,000, reads "1 Mbit/s".
  const rounded = kbps > 0 ? Number(kbps.toPrecision(2)) : 0;
  const mega = rounded >= MEGA;
  const number = new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 })
    .format(mega ? rounded / MEGA : rounded);
  return (mega ? words.mbps : words.kbps).replace("{number}", number);
}
