/**
 * Tells when the process that started this one is gone: npm exits on a signal of its own (or is killed) and
 * leaves its script running, unwatched, against a real server. Node has no event for it (Linux's
 * PR_SET_PDEATHSIG is not reachable), so the parent's pid is compared every `everyMs`, on a timer that never
 * holds the process open. Returns a function that stops watching.
 */
export function watchParent(onGone: () => void, everyMs = 200): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
