// A worker's line to its parent, whichever way it was started: child_process.fork gives it
// process.send/'message'; Electron's utilityProcess gives it process.parentPort.
interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort?: ParentPort }).parentPort;

// A worker serves its parent only: when the parent dies (killed, crashed) the IPC channel
// closes, and a trainer would otherwise go on computing for no one, holding its files.
// (Electron ends utility processes with the app itself.)
if (!port && process.send) process.once('disconnect', () => process.exit(1));

export function onParentMessage(listener: (message: unknown) => void): void {
  if (port) port.on('message', (e) => listener(e.data));
  else process.on('message', listener);
}

/** Sends to the parent; `then` runs once the message is on its way (before exiting). */
export function sendToParent(message: unknown, then?: () => void): void {
  if (port) {
    port.postMessage(message);
    if (then) setImmediate(then);
  } else if (process.send) {
    if (then) process.send(message, undefined, undefined, () => then());
    else process.send(message);
  } else then?.();
}
