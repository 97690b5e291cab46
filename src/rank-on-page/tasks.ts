// Work on the page's main thread is cut into short tasks, so the host page's input and frames go
// between them. A resolved promise does not do that (its continuation runs in the same task):
// only a new task does.

/** Resolves in a new task: `scheduler.yield()` where the browser has it (it keeps this work ahead
 *  of other queued tasks), else a message to ourselves (setTimeout(0) would be clamped to 4 ms). */
export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
