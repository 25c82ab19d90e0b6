// Long synchronous work (parsing a large CSV, reading its rows) written as a generator that
// pauses now and then with how far it is: the caller reports it and lets other work run.

/** Runs a stepped computation straight through and returns its result. */
export function runToEnd<T>(steps: Generator<unknown, T>): T {
  let r = steps.next();
  while (!r.done) r = steps.next();
  return r.value;
}
