// The Ready page's one offer to keep the guide on the home screen: the browser's own install
// prompt where it exists, illustrated steps in Safari on iPhone and iPad, nothing elsewhere.
// Once used or declined it is not offered again (localStorage), and it is never a banner.
import { STORAGE_KEY, installOffer, isIosSafari } from "./lib/install.mjs";

function remembered() {
  try {
    return localStorage.getItem(STORAGE_KEY) !== null;
  } catch {
    return false;
  }
}

function remember(outcome) {
  try {
    localStorage.setItem(STORAGE_KEY, outcome);
  } catch {
    // Private modes may refuse; the offer then comes back next time, which is harmless.
  }
}

export default class InstallPrompt {
  constructor(element) {
    this.element = element;
    this.browserPart = element.querySelector(".js-install-browser");
    this.iosPart = element.querySelector(".js-install-ios");
    this.status = element.querySelector(".js-install-status");
  }

  start() {
    this.decide();
    // The browser may offer installing only after this page has loaded.
    document.addEventListener("valmis:installable", () => this.decide());
    this.element.querySelector(".js-install-dismiss")
      ?.addEventListener("click", () => this.close("declined"));
    this.element.querySelector(".js-install")?.addEventListener("click", () => this.prompt());
  }

  decide() {
    const offer = installOffer({
      standalone: window.matchMedia("(display-mode: standalone)").matches
        || navigator.standalone === true,
      offered: remembered(),
      hasPrompt: Boolean(window.valmisInstallPrompt),
      iosSafari: isIosSafari(navigator),
    });
    this.element.hidden = offer === "none";
    this.browserPart.hidden = offer !== "prompt";
    this.iosPart.hidden = offer !== "ios";
  }

  async prompt() {
    const event = window.valmisInstallPrompt;
    if (!event) return;
    window.valmisInstallPrompt = null;
    event.prompt();
    const { outcome } = await event.userChoice;
    this.close(outcome === "accepted" ? "installed" : "declined");
  }

  close(outcome) {
    remember(outcome);
    this.element.hidden = true;
  }
}
