// A media round trip: test video and sound sent from this page through the operator's TURN
// relay (coturn) and straight back to this same page, for about ten seconds, then measured
// with getStats() (lib/call-quality.mjs). Both ends are this page; the relay is the only place
// the media goes, and nothing is recorded. Without a relay the two connections meet inside the
// page: that proves the browser can encode and decode video and sound, and no more.
//
// The picture is the camera's, while the camera check still has it live, else a moving
// pattern drawn on a canvas; the sound is a quiet tone made here, never the microphone.
import { deadlineMs, pause, withDeadline } from "./lib/deadline.mjs";
import { measure, mediaResult } from "./lib/call-quality.mjs";

export const ROUND_TRIP_SECONDS = 10;
const WIDTH = 640;
const HEIGHT = 360;
const FRAMES_PER_SECOND = 15;

// The credentials for the relay (POST /api/v1/turn-credentials), or null when this site has
// none (404) or they cannot be had now. Sends only the page's CSRF token.
export async function relayCredentials(url, csrfToken, signal) {
  if (!url) return null;
  try {
    return await withDeadline(async (bounded) => {
      const response = await fetch(url, {
        method: "POST", cache: "no-store", signal: bounded, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken || "", Accept: "application/json" },
      });
      if (!response.ok) return null;
      const body = await response.json();
      return Array.isArray(body?.ice_servers) && body.ice_servers.length ? body : null;
    }, deadlineMs("request"), "turn-credentials", { signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    return null;
  }
}

// A moving picture of blocks, so the encoder has something to send; never a person.
function canvasVideo() {
  const canvas = document.createElement("canvas");
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const context = canvas.getContext("2d");
  if (!context || typeof canvas.captureStream !== "function") return null;
  let frame = 0;
  const draw = () => {
    frame += 1;
    for (let i = 0; i < 24; i += 1) {
      const hue = (frame * 7 + i * 37) % 360;
      context.fillStyle = `hsl(${hue} 70% ${30 + ((i * 13 + frame) % 40)}%)`;
      const x = (i * 97 + frame * (3 + (i % 5))) % WIDTH;
      const y = (i * 53 + frame * (2 + (i % 3))) % HEIGHT;
      context.fillRect(x, y, 40 + (i % 7) * 12, 30 + (i % 4) * 15);
    }
  };
  draw();
  const timer = setInterval(draw, 1000 / FRAMES_PER_SECOND);
  const stream = canvas.captureStream(FRAMES_PER_SECOND);
  return { track: stream.getVideoTracks()[0], stop: () => clearInterval(timer) };
}

// A quiet tone as a track; the AudioContext is closed when the round trip ends.
async function toneAudio() {
  const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!Context) return null;
  const context = new Context();
  try {
    await withDeadline(context.resume(), deadlineMs("resume"), "AudioContext.resume");
  } catch {
    // A context that does not start still gives a silent track, which is sent all the same.
  }
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  gain.gain.value = 0.05;
  const destination = context.createMediaStreamDestination();
  oscillator.frequency.value = 440;
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  return {
    track: destination.stream.getAudioTracks()[0],
    stop: () => {
      try {
        oscillator.stop();
      } catch {
        // Already stopped.
      }
      context.close().catch(() => {});
    },
  };
}

function connected(connection, signal) {
  // Settles once ICE has found its way (through the relay or inside the page), rejects when it
  // fails; the deadline is the caller's.
  return new Promise((resolve, reject) => {
    const look = () => {
      const state = connection.connectionState ?? connection.iceConnectionState;
      if (state === "connected" || state === "completed") resolve();
      else if (state === "failed" || state === "closed") reject(new Error(`connection ${state}`));
    };
    connection.addEventListener("connectionstatechange", look);
    connection.addEventListener("iceconnectionstatechange", look);
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    look();
  });
}

// Runs the round trip. options: credentialsUrl and csrfToken (no URL: no relay), camera (a live
// MediaStream or null), seconds, onProgress(secondsLeft, phase), signal (the customer's Stop).
// Resolves with the report's connection.media (call-quality.mjs mediaResult), never rejects
// except when stopped; every wait has a deadline.
export async function mediaRoundTrip({
  credentialsUrl = null, csrfToken = "", camera = null, seconds = ROUND_TRIP_SECONDS,
  onProgress = () => {}, signal = null,
} = {}) {
  if (typeof globalThis.RTCPeerConnection !== "function") {
    return mediaResult(null, null, undefined, "unsupported");
  }
  onProgress(seconds, "connecting");
  const credentials = await relayCredentials(credentialsUrl, csrfToken, signal);
  const path = credentials ? "relay" : "loopback";
  const config = credentials
    ? { iceServers: credentials.ice_servers, iceTransportPolicy: "relay" }
    : { iceServers: [] };
  const cleanups = [];
  let sender;
  let receiver;
  try {
    sender = new RTCPeerConnection(config);
    cleanups.push(() => sender.close());
    receiver = new RTCPeerConnection(config);
    cleanups.push(() => receiver.close());
    sender.addEventListener("icecandidate", (event) => {
      if (event.candidate) receiver.addIceCandidate(event.candidate).catch(() => {});
    });
    receiver.addEventListener("icecandidate", (event) => {
      if (event.candidate) sender.addIceCandidate(event.candidate).catch(() => {});
    });
    const live = camera?.getVideoTracks?.().find((track) => track.readyState === "live");
    const video = live ? { track: live.clone(), stop: () => {} } : canvasVideo();
    if (video) cleanups.push(() => { video.stop(); video.track?.stop(); });
    const audio = await toneAudio().catch(() => null);
    if (audio) cleanups.push(() => { audio.stop(); audio.track?.stop(); });
    const stream = new MediaStream([video?.track, audio?.track].filter(Boolean));
    for (const track of stream.getTracks()) sender.addTrack(track, stream);
    if (!stream.getTracks().length) return mediaResult(null, path, undefined, "failed");

    const step = (work, label) => withDeadline(work, deadlineMs("request"), label, { signal });
    const offer = await step(sender.createOffer(), "createOffer");
    await step(sender.setLocalDescription(offer), "setLocalDescription");
    await step(receiver.setRemoteDescription(offer), "setRemoteDescription");
    const answer = await step(receiver.createAnswer(), "createAnswer");
    await step(receiver.setLocalDescription(answer), "setLocalDescription");
    await step(sender.setRemoteDescription(answer), "setRemoteDescription");
    try {
      await withDeadline(connected(sender, signal), deadlineMs("relay"), "ICE", { signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      // No way through to the relay (or, inside the page, between the two connections).
      return mediaResult(null, path);
    }
    const stats = (connection) => withDeadline(connection.getStats(), deadlineMs("request"), "getStats", { signal });
    const before = { sender: await stats(sender), receiver: await stats(receiver) };
    for (let left = seconds; left > 0; left -= 1) {
      onProgress(Math.ceil(left), "sending");
      await pause(Math.min(1, left) * 1000, signal);
    }
    onProgress(0, "measuring");
    const figures = measure({
      sender: { before: before.sender, after: await stats(sender) },
      receiver: { before: before.receiver, after: await stats(receiver) },
    });
    return mediaResult(figures, path);
  } catch (error) {
    if (signal?.aborted) throw error;
    return mediaResult(null, path, undefined, "failed");
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        cleanup();
      } catch {
        // Closing is best effort; the page goes on.
      }
    }
  }
}
