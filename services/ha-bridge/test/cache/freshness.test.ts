import { describe, expect, it } from 'vitest';
import { Freshness } from '../../src/cache/freshness.js';

/** A fetch whose answer is decided by the test while it is in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const immediate = () => new Promise((resolve) => setImmediate(resolve));

describe('Freshness', () => {
  it('fetches again when a write through the bridge landed during the fetch', async () => {
    const freshness = new Freshness();
    const first = deferred<string>();
    const answers = [first.promise, Promise.resolve('on')];
    let fetches = 0;
    const dropped: string[] = [];
    const read = freshness.read(
      () => answers[fetches++] as Promise<string>,
      () => ['light.kitchen'],
      () => dropped.push('light.kitchen'),
    );
    freshness.markWritten(['light.kitchen']);
    first.resolve('off');
    expect(await read).toBe('on');
    expect(fetches).toBe(2);
  });

  it('keeps the answer but drops it from the cache after a change reported during the fetch', async () => {
    const freshness = new Freshness();
    const fetch = deferred<string>();
    let dropped = 0;
    const read = freshness.read(
      () => fetch.promise,
      () => ['sensor.power'],
      () => {
        dropped += 1;
      },
    );
    freshness.markChanged(['sensor.power']);
    fetch.resolve('100');
    expect(await read).toBe('100');
    // After the core has stored the answer, not before.
    expect(dropped).toBe(0);
    await immediate();
    expect(dropped).toBe(1);
  });

  it('ignores changes to other entities and changes from before the read', async () => {
    const freshness = new Freshness();
    freshness.markWritten(['light.kitchen']);
    let fetches = 0;
    let dropped = 0;
    const answer = await freshness.read(
      async () => {
        fetches += 1;
        freshness.markWritten(['light.hall']);
        return 'x';
      },
      () => ['light.kitchen'],
      () => {
        dropped += 1;
      },
    );
    await immediate();
    expect(answer).toBe('x');
    expect(fetches).toBe(1);
    expect(dropped).toBe(0);
  });

  it('gives up fetching again after three tries, and drops that answer', async () => {
    const freshness = new Freshness();
    let fetches = 0;
    let dropped = 0;
    await freshness.read(
      async () => {
        fetches += 1;
        freshness.markWritten(['light.busy']);
        return fetches;
      },
      () => ['light.busy'],
      () => {
        dropped += 1;
      },
    );
    await immediate();
    expect(fetches).toBe(3);
    expect(dropped).toBe(1);
  });
});
