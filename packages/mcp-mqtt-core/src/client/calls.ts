import { createHmac, randomBytes } from 'node:crypto';
import { RequestCancelledError } from '../protocol/errors.js';
import { ResponseSchema } from '../protocol/jsonrpc.js';
import { RemoteError, RequestTimeoutError, TooManyPendingError } from './errors.js';

/** One caller waiting for a call's answer, with its own deadline and abort signal. */
interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** A request on the wire, and whoever waits for its answer. */
export interface Call {
  readonly id: string;
  readonly serviceId: string;
  readonly method: string;
  /** The key the request carried: a cancellation must carry the same one. */
  readonly apiKey: string | undefined;
  readonly waiters: Set<Waiter>;
}

/**
 * Random bytes drawn 4 KiB at a time and handed out 16 by 16: each id is still 128 bits of the
 * CSPRNG that no other id reveals, at a tenth of the cost of a `randomBytes(16)` per call.
 */
const entropy = { bytes: Buffer.alloc(0), offset: 0 };

function randomId(): string {
  if (entropy.offset + 16 > entropy.bytes.length) {
    entropy.bytes = randomBytes(4096);
    entropy.offset = 0;
  }
  const id = entropy.bytes.toString('base64url', entropy.offset, entropy.offset + 16);
  entropy.offset += 16;
  return id;
}

/** The text a caller's abort gives as the cancellation's reason. */
export function reasonOf(signal: AbortSignal): string {
  const { reason } = signal;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return typeof reason === 'string' && reason.length > 0 ? reason : 'cancelled by the caller';
}

/**
 * The calls waiting for an answer, keyed by their id, which is also their Correlation Data.
 *
 * A relay's inbox (MCP_RELAY_CLIENTS) takes answers for any key, so an id must be impossible to
 * guess, even for a service that saw other requests of this client: each is 128 random bits, never
 * a counter or a shared prefix; an idempotent call's is an HMAC under a secret of this client.
 */
export class PendingCalls {
  private readonly calls = new Map<string, Call>();
  private readonly secret = randomBytes(32);

  constructor(
    private readonly options: {
      /** Calls waiting at once; past it a new one is refused with TooManyPendingError. */
      maxPending: number;
      /** Tells the service that nobody waits for `call` any more (it may stop the work). */
      cancel: (call: Call, reason: string) => void;
    },
  ) {}

  /** Calls waiting for an answer. */
  get size(): number {
    return this.calls.size;
  }

  /**
   * The id of a new call: 22 characters of random base64url, or, for a caller's own
   * `idempotencyKey`, 24 characters of HMAC over (key, service, idempotencyKey) — the same caller
   * repeating it gets the same id, which the services' duplicate filter answers once.
   */
  idFor(serviceId: string, apiKey: string | undefined, idempotencyKey: string | undefined): string {
    if (idempotencyKey === undefined) return randomId();
    return createHmac('sha256', this.secret)
      .update(`${apiKey ?? ''}\u0000${serviceId}\u0000${idempotencyKey}`)
      .digest('base64url')
      .slice(0, 24);
  }

  /**
   * Waits for the answer to call `id`. `fresh` says the call is new (the caller sends it); a call
   * of that id already pending (an idempotent repeat) is joined instead. The waiter leaves on its
   * timeout or abort; when the last one leaves, the call ends and the service is told.
   */
  wait(
    id: string,
    call: Omit<Call, 'id' | 'waiters'>,
    options: {
      /** The call's timeout, as the error tells it; the waiter gives up at `deadline` (ms since epoch). */
      timeoutMs: number;
      deadline: number;
      signal?: AbortSignal | undefined;
      withoutApiKey: boolean;
    },
  ): { answer: Promise<unknown>; fresh: boolean } {
    let entry = this.calls.get(id);
    const fresh = entry === undefined;
    if (!entry) {
      if (this.calls.size >= this.options.maxPending) throw new TooManyPendingError(this.options.maxPending);
      entry = { ...call, id, waiters: new Set() };
      this.calls.set(id, entry);
    }
    const joined = entry;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const { signal } = options;
    const waiter: Waiter = {
      resolve,
      reject,
      signal,
      timer: setTimeout(
        () => {
          const { timeoutMs, withoutApiKey } = options;
          const error = new RequestTimeoutError(call.serviceId, call.method, timeoutMs, withoutApiKey);
          this.leave(joined, waiter, error, `no answer within ${timeoutMs} ms`);
        },
        Math.max(1, options.deadline - Date.now()),
      ),
      onAbort: () => {
        const reason = reasonOf(signal!);
        this.leave(joined, waiter, new RequestCancelledError(reason), reason);
      },
    };
    joined.waiters.add(waiter);
    signal?.addEventListener('abort', waiter.onAbort, { once: true });
    return { answer: promise, fresh };
  }

  /** A waiter gives up; the last one to leave ends the call and has the service told. */
  private leave(call: Call, waiter: Waiter, error: Error, reason: string) {
    if (!call.waiters.delete(waiter)) return;
    release(waiter);
    if (call.waiters.size === 0 && this.calls.get(call.id) === call) {
      this.calls.delete(call.id);
      this.options.cancel(call, reason);
    }
    waiter.reject(error);
  }

  /** Ends call `id` for every waiter. */
  settle(id: string, finish: (waiter: Waiter, call: Call) => void) {
    const call = this.calls.get(id);
    if (!call) return;
    this.calls.delete(id);
    for (const waiter of call.waiters) {
      release(waiter);
      finish(waiter, call);
    }
    call.waiters.clear();
  }

  /** An answer on the response topic: ends the call its Correlation Data names, if any. */
  answer(correlationData: Buffer, payload: Buffer) {
    const id = correlationData.toString();
    if (!this.calls.has(id)) return;
    let parsed: ReturnType<typeof ResponseSchema.safeParse> | undefined;
    try {
      parsed = ResponseSchema.safeParse(JSON.parse(payload.toString()));
    } catch {
      parsed = undefined;
    }
    this.settle(id, (waiter, { serviceId, method }) => {
      if (!parsed) waiter.reject(new Error(`${serviceId} answered ${method} with a body that is not JSON`));
      else if (!parsed.success)
        waiter.reject(new Error(`${serviceId} answered ${method} with an invalid JSON-RPC response`));
      else if ('error' in parsed.data) {
        const { code, message, data } = parsed.data.error;
        waiter.reject(new RemoteError(code, message, data as Record<string, unknown> | undefined));
      } else waiter.resolve(parsed.data.result);
    });
  }

  /** Ends every call with the error `errorOf` gives (the connection they waited on is gone). */
  failAll(errorOf: (call: Call) => Error) {
    for (const id of [...this.calls.keys()]) this.settle(id, (waiter, call) => waiter.reject(errorOf(call)));
  }
}

function release(waiter: Waiter) {
  clearTimeout(waiter.timer);
  waiter.signal?.removeEventListener('abort', waiter.onAbort);
}
