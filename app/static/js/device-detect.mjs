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
    const { detectedPath, chosen } = this.element.dataset;
    if (chosen === "yes" || detectedPath !== "web" || !isIpadInDesktopMode()) return;
    const ipadSentence = this.element.querySelector(".js-detected-ipad");
    if (ipadSentence) this.showIpadSentence(ipadSentence);
    else this.chooseIpad();
  }

  // The start page: the iPad's own sentence (rendered hidden) instead of the computer's.
  showIpadSentence(ipadSentence) {
    const guess = this.element.querySelector(".js-detected-guess");
    if (guess) guess.hidden = true;
    ipadSentence.hidden = false;
  }

  // The device page: the iPad's choice selected, and the sentence that says why.
  chooseIpad() {
    const form = this.element.closest("form");
    const ipad = form && form.querySelector('input[name="device"][value="iphone-ipad"]');
    if (!ipad) return;
    ipad.checked = true;
    this.element.textContent = this.element.dataset.i18nIpad;
  }
}
