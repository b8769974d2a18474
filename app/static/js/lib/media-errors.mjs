// Turns a getUserMedia failure into the status the camera and microphone checks report, so
// the page can say what to do. Error names from MDN's getUserMedia page, with the older
// Chrome names (PermissionDeniedError, TrackStartError, DevicesNotFoundError,
// ConstraintNotSatisfiedError) that some browsers still use.
const BLOCKED = new Set(["NotAllowedError", "PermissionDeniedError", "SecurityError"]);
const IN_USE = new Set(["NotReadableError", "TrackStartError", "AbortError"]);
const NOT_FOUND = new Set([
  "NotFoundError", "DevicesNotFoundError", "OverconstrainedError", "ConstraintNotSatisfiedError",
]);
// Chrome says "Permission denied by system" when macOS (or Windows, Android) refuses it.
const BY_SYSTEM = /system/i;

// permissionState: the Permissions API answer for "camera"/"microphone", or null where that
// API is missing. secureContext: window.isSecureContext. Never throws: a check must end.
export function classifyMediaError(error, { permissionState = null, secureContext = true } = {}) {
  try {
    // Outside https (or localhost) browsers hide getUserMedia: whatever failed, that is why.
    if (secureContext === false) return "insecure";
    const name = error?.name;
    if (BLOCKED.has(name)) {
      // Allowed for this site, yet refused: the operating system holds the switch.
      const bySystem = permissionState === "granted" || BY_SYSTEM.test(String(error.message));
      return bySystem ? "os-blocked" : "blocked";
    }
    if (IN_USE.has(name)) return "in-use";
    if (NOT_FOUND.has(name)) return "not-found";
    return "failed";
  } catch {
    return "failed";
  }
}
