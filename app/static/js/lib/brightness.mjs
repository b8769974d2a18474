// What the camera check can tell from pixels: how light the picture is, and whether it moves.
// The frames never leave the page; only the resulting hint is reported.

// Mean luma, 0..255, on the full-range scale a canvas gives. Our own figures, chosen for a
// face on a webcam whose automatic exposure aims at a middle grey (about 110..130):
// - blackBelow 8: no light reaches the sensor at all (lens covered, privacy shutter closed,
//   a camera that delivers black frames); a dark room still leaves noise above this.
// - darkBelow 60: exposure has run out of range; the face will look dark and grainy in Teams.
// - brightAbove 220: the picture is washed out (a window behind, a lamp into the lens).
export const LIGHTING = Object.freeze({ darkBelow: 60, blackBelow: 8, brightAbove: 220 });

// Rec. 601 luma of the pixel starting at byte i of RGBA data.
const luma = (rgba, i) => 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
const strideOf = (step) => 4 * Math.max(1, Math.trunc(step) || 1);

// Mean luma of every step-th pixel of ImageData.data; sampling keeps it cheap on phones.
export function meanLuma(rgba, step = 4) {
  const stride = strideOf(step);
  let sum = 0;
  let count = 0;
  for (let i = 0; i + 3 < rgba.length; i += stride, count += 1) sum += luma(rgba, i);
  return count ? sum / count : 0;
}

export function lightingHint(luma) {
  if (luma < LIGHTING.blackBelow) return "black";
  if (luma < LIGHTING.darkBelow) return "dark";
  if (luma > LIGHTING.brightAbove) return "bright";
  return "ok";
}

// Mean absolute luma change between two frames of the same size, 0..255.
export function frameDifference(a, b, step = 4) {
  if (a.length !== b.length) throw new RangeError("frames differ in size");
  const stride = strideOf(step);
  let sum = 0;
  let count = 0;
  for (let i = 0; i + 3 < a.length; i += stride, count += 1) sum += Math.abs(luma(a, i) - luma(b, i));
  return count ? sum / count : 0;
}

// A live camera always shows sensor noise between frames; a frozen picture or a virtual
// camera's placeholder shows none. Compare frames at least one camera frame apart, or two
// samples of the same frame will look frozen.
export function isFrozen(differences, { minFrames = 5, below = 0.5 } = {}) {
  return differences.length >= minFrames && differences.every((difference) => difference < below);
}
