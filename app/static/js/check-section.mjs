// One check's section on the page: its state, its status sentence (from data-i18n-status-*),
// and the parts found by js-* hooks. Shared by every check so each says results the same way.
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export default class CheckSection {
  constructor(element) {
    this.element = element;
    this.name = element.dataset.check;
    this.statusLine = element.querySelector(".js-status");
  }

  part(hook) {
    return this.element.querySelector(`.js-${hook}`);
  }

  text(key) {
    // data-i18n-status-in-use → dataset.i18nStatusInUse
    const name = "i18n" + key.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
    return this.element.dataset[name] || "";
  }

  setState(state, sentenceKey = `status-${state}`) {
    // The status line is a live region: words it already shows (the "ready" sentence, which the
    // page renders) are not written again, so loading the page announces nothing.
    this.element.dataset.state = state;
    const sentence = this.text(sentenceKey);
    if (this.statusLine && this.statusLine.textContent !== sentence) this.statusLine.textContent = sentence;
  }

  showAgain(again) {
    // One way to run the check again, never two: "Try again" (again) after something went
    // wrong, the check's own button when it passed or was put off ("Check later").
    const focused = document.activeElement;
    const run = this.show("run", !again);
    const retry = this.show("retry", again);
    // The pressed button ("Try again", "Stop") may be hidden now: focus moves to the one shown
    // instead of falling back to the start of the page.
    if (focused?.hidden && this.element.contains(focused)) (again ? retry : run)?.focus();
  }

  focusResult() {
    // After the button pressed hides itself, the result it led to takes the focus.
    if (!this.statusLine) return;
    this.statusLine.tabIndex = -1;
    this.statusLine.focus();
  }

  show(hook, visible = true) {
    const part = this.part(hook);
    if (part) part.hidden = !visible;
    return part;
  }
}

// Permissions API state for "camera" or "microphone", or null where the browser has none
// (in-app web views), throws (older Firefox: the names were not yet known) or does not answer.
export async function permissionState(name) {
  try {
    const status = await withDeadline(navigator.permissions.query({ name }),
      deadlineMs("permissionsQuery"), "permissions.query");
    return status.state;
  } catch {
    return null;
  }
}

// Stop every track of a stream, so the camera light goes off and nothing keeps listening.
export function stopStream(stream) {
  if (stream) for (const track of stream.getTracks()) track.stop();
}

// Fill a <select> with devices of one kind; labels exist only after permission is granted.
export function fillDeviceSelect(select, devices, chosenId, fallbackLabel) {
  select.replaceChildren(
    ...devices.map((device, index) => {
      const option = new Option(device.label || `${fallbackLabel} ${index + 1}`, device.deviceId);
      option.selected = device.deviceId === chosenId;
      return option;
    }),
  );
}
