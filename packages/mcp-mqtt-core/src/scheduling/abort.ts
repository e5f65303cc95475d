/** Rejects with the signal's reason as soon as it aborts; otherwise settles like `promise`. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** A release function that does its work once, however often it is called. */
export function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

/**
 * A controller that aborts with the reason of the first of `sources` to abort, until `unlink()`.
 * Cheaper per call than `AbortSignal.any`, whose composite signals stay registered on a
 * long-lived source (the service's shutdown signal) until they are garbage-collected.
 */
export function followSignals(sources: readonly (AbortSignal | undefined)[]): {
  controller: AbortController;
  unlink: () => void;
} {
  const controller = new AbortController();
  const followed = sources.filter((source): source is AbortSignal => source !== undefined);
  const onAbort = (event: Event) => controller.abort((event.target as AbortSignal).reason);
  for (const source of followed) {
    if (source.aborted) {
      controller.abort(source.reason);
      return { controller, unlink: () => {} };
    }
  }
  for (const source of followed) source.addEventListener('abort', onAbort, { once: true });
  return {
    controller,
    unlink: once(() => {
      for (const source of followed) source.removeEventListener('abort', onAbort);
    }),
  };
}
