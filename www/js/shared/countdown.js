// A live countdown to a point in time (token expiry), updated every second. The element gets
// role="timer" (not announced on every tick) and data-seconds-left for scripts and tests.

const running = new WeakMap();

/** "1 h 02 min 05 s" for a number of seconds ≥ 0. */
export function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  if (h > 0) return `${h} h ${pad(m)} min ${pad(sec)} s`;
  if (m > 0) return `${m} min ${pad(sec)} s`;
  return `${sec} s`;
}

/** Stops the countdown shown in `element`, if any. */
export function stopCountdown(element) {
  clearInterval(running.get(element));
  running.delete(element);
}

/**
 * Shows the time left until `expiresAt` (a Date) in `element`, every second; calls `onExpired`
 * once when it reaches zero. Replaces any countdown already running there.
 */
export function startCountdown(element, expiresAt, { onExpired = () => {} } = {}) {
  stopCountdown(element);
  element.setAttribute("role", "timer");
  let expiredOnce = false;
  const tick = () => {
    const left = Math.floor((expiresAt.getTime() - Date.now()) / 1000);
    element.dataset.secondsLeft = String(Math.max(0, left));
    if (left > 0) {
      element.textContent = `expires in ${formatDuration(left)} (${expiresAt.toLocaleString()})`;
      element.classList.remove("expired");
    } else {
      element.textContent = `expired at ${expiresAt.toLocaleString()}`;
      element.classList.add("expired");
      if (!expiredOnce) {
        expiredOnce = true;
        stopCountdown(element);
        onExpired();
      }
    }
  };
  tick();
  if (!expiredOnce) running.set(element, setInterval(tick, 1000));
}
