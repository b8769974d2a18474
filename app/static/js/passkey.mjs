// Creates a passkey (data-mode="register") or signs in with one (data-mode="authenticate").
// The page names the endpoints in data-*-url attributes and its words in data-i18n-*; the
// CSRF token travels in the X-CSRFToken header. Without WebAuthn the page says so and stops.
//
// 1. POST the options URL: the server answers WebAuthn options and keeps the challenge.
// 2. Ask the browser (navigator.credentials.create or .get) with those options.
// 3. POST the credential to the verify URL; on success the server answers where to go next.
import { deadlineMs, withDeadline } from "./lib/deadline.mjs";

export function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

function descriptors(list) {
  return (list || []).map((item) => ({ ...item, id: fromBase64url(item.id) }));
}

// The server's JSON options (base64url strings) as the objects the browser API takes.
export function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  };
}

export function requestOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: descriptors(json.allowCredentials),
  };
}

// A browser credential as the JSON py_webauthn parses (WebAuthn Level 3's toJSON shape).
export function credentialJSON(credential) {
  const { response } = credential;
  const body = { clientDataJSON: toBase64url(response.clientDataJSON) };
  if (response.attestationObject) {
    body.attestationObject = toBase64url(response.attestationObject);
    body.transports = typeof response.getTransports === "function" ? response.getTransports() : [];
  } else {
    body.authenticatorData = toBase64url(response.authenticatorData);
    body.signature = toBase64url(response.signature);
    if (response.userHandle) body.userHandle = toBase64url(response.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response: body,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults
      ? credential.getClientExtensionResults() : {},
  };
}

export default class Passkey {
  constructor(element) {
    this.element = element;
    this.button = element.querySelector(".js-passkey-button");
    this.status = element.querySelector(".js-passkey-status");
    this.needsJs = element.querySelector(".js-passkey-needs-js");
  }

  start() {
    if (!this.button || !this.status) return;
    if (this.needsJs) this.needsJs.hidden = true;
    if (!window.PublicKeyCredential || !navigator.credentials) {
      this.status.textContent = this.element.dataset.i18nUnsupported;
      return;
    }
    this.button.hidden = false;
    this.button.addEventListener("click", () => this.run());
  }

  post(url, body) {
    // A request that never answers ends as a failure ("try again"), not a button disabled for
    // ever. Step 2 needs no deadline of ours: the options carry the browser's own timeout.
    return withDeadline(async (signal) => {
      const answer = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": this.element.dataset.csrfToken,
        },
        body: JSON.stringify(body),
        signal,
      });
      if (!answer.ok) throw new Error(`HTTP ${answer.status}`);
      return answer.json();
    }, deadlineMs("request"), url);
  }

  async run() {
    const { mode, optionsUrl, verifyUrl, i18nWorking, i18nCancelled, i18nFailed } =
      this.element.dataset;
    this.button.disabled = true;
    this.status.textContent = i18nWorking;
    try {
      const options = await this.post(optionsUrl, {});
      const credential = mode === "register"
        ? await navigator.credentials.create({ publicKey: creationOptions(options) })
        : await navigator.credentials.get({ publicKey: requestOptions(options) });
      const result = await this.post(verifyUrl, { credential: credentialJSON(credential) });
      window.location.assign(result.redirect);
    } catch (error) {
      this.status.textContent = error && error.name === "NotAllowedError" ? i18nCancelled : i18nFailed;
      this.button.disabled = false;
    }
  }
}
