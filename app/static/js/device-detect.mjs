// Corrects the server's guess where only the page can know: an iPad in desktop mode sends a
// Mac's user agent, but a Mac has no touch screen (navigator.maxTouchPoints is 0).
export function isIpadInDesktopMode(nav = navigator) {
  return nav.platform === "MacIntel" && nav.maxTouchPoints > 1;
}

export default class DeviceDetect {
  constructor(element) {
    this.element = element;
  }

  start() {
    const { detectedPath, chosen, i18nIpad } = this.element.dataset;
    if (chosen === "yes" || detectedPath !== "web" || !isIpadInDesktopMode()) return;
    const form = this.element.closest("form");
    const ipad = form && form.querySelector('input[name="device"][value="iphone-ipad"]');
    if (!ipad) return;
    ipad.checked = true;
    this.element.textContent = i18nIpad;
  }
}
