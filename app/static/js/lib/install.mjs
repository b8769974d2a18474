// Which install offer the Ready page makes, if any (pure, so that node can test it).
// - "none": already installed (standalone), already offered once, or nothing to offer;
// - "prompt": the browser gave us its install prompt (Chromium's beforeinstallprompt);
// - "ios": Safari on an iPhone or iPad, where only Share → Add to Home Screen installs.

export const STORAGE_KEY = "valmis.install-offered";

// Safari on iOS or iPadOS; an iPad asking for desktop sites says "Macintosh" but has touch.
export function isIosSafari({ userAgent = "", platform = "", maxTouchPoints = 0 } = {}) {
  const apple = /iPhone|iPad|iPod/.test(userAgent)
    || (platform === "MacIntel" && maxTouchPoints > 1);
  const otherBrowser = /CriOS|FxiOS|EdgiOS|OPiOS|GSA\/|FBAN|FBAV|Instagram|Line\//.test(userAgent);
  return apple && !otherBrowser && /Safari\//.test(userAgent);
}

export function installOffer({ standalone = false, offered = false, hasPrompt = false,
  iosSafari = false } = {}) {
  if (standalone || offered) return "none";
  if (hasPrompt) return "prompt";
  if (iosSafari) return "ios";
  return "none";
}
