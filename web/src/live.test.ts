import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiError, type Api } from './api';
import { LiveFeed, type FeedHandlers, type FeedMode } from './live';
import type { Fleet, Kpis } from './types';

// A WebSocket the test opens, feeds and closes by hand.
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

const fleet = (time: number): Fleet => ({ time, vehicles: [], rides: [] });
const kpis = (time: number): Kpis => ({
  time,
  vehicles_online: 1,
  rides_requested: 0,
  rides_completed: 0,
  rides_rejected: 0,
  rides_waiting: 0,
  wait_mean_s: 0,
  wait_p95_s: 0,
  service_rate: 0,
});

function fakeApi(overrides: Partial<Record<'fleet' | 'kpis', () => Promise<unknown>>> = {}) {
  const calls = { fleet: 0, kpis: 0 };
  const api = {
    fleet: () => {
      calls.fleet += 1;
      return overrides.fleet ? overrides.fleet() : Promise.resolve(fleet(calls.fleet));
    },
    kpis: () => {
      calls.kpis += 1;
      return overrides.kpis ? overrides.kpis() : Promise.resolve(kpis(calls.kpis));
    },
    streamUrl: () => 'ws://service/api/v1/stream?token=t',
  } as unknown as Api;
  return { api, calls };
}

function recorder() {
  const seen = { fleets: [] as number[], kpis: 0, modes: [] as FeedMode[], unauthorized: [] as string[], zones: 0 };
  const handlers: FeedHandlers = {
    fleet: (f) => seen.fleets.push(f.time),
    kpis: () => (seen.kpis += 1),
    mode: (m) => seen.modes.push(m),
    unauthorized: (m) => seen.unauthorized.push(m),
    zoneChanged: () => (seen.zones += 1),
  };
  return { seen, handlers };
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('location', { protocol: 'http:', host: 'service' });
  vi.stubGlobal('WebSocket', FakeSocket);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('LiveFeed', () => {
  it('polls the fleet and KPIs every 2 s while the stream is down, and retries the stream every 10 s', async () => {
    const { api, calls } = fakeApi();
    const { seen, handlers } = recorder();
    const feed = new LiveFeed(api, handlers);
    feed.start();
    expect(FakeSocket.all).toHaveLength(1);
    FakeSocket.all[0].onclose?.();
    await vi.advanceTimersByTimeAsync(6000);
    expect(calls.fleet).toBe(4);  // at start, then at 2, 4 and 6 s
    expect(calls.kpis).toBe(4);
    expect(seen.fleets).toEqual([1, 2, 3, 4]);
    expect(seen.modes).toContain('polling');
    await vi.advanceTimersByTimeAsync(4000);
    expect(FakeSocket.all).toHaveLength(2);  // tried again 10 s after it closed
    feed.stop();
  });

  it('takes the fleet from the stream while it pushes, and KPIs by polling still', async () => {
    const { api, calls } = fakeApi();
    const { seen, handlers } = recorder();
    const feed = new LiveFeed(api, handlers);
    feed.start();
    const socket = FakeSocket.all[0];
    socket.onopen?.();
    expect(seen.modes).toContain('live');
    await vi.advanceTimersByTimeAsync(0);
    const polledAtStart = calls.fleet;
    for (let t = 100; t < 105; t++) {
      socket.onmessage?.({ data: JSON.stringify({ type: 'fleet', ...fleet(t) }) });
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(calls.fleet).toBe(polledAtStart);  // no fleet polling while pushes arrive
    expect(calls.kpis).toBeGreaterThanOrEqual(3);
    expect(seen.fleets.slice(-5)).toEqual([100, 101, 102, 103, 104]);
    socket.onmessage?.({ data: JSON.stringify({ type: 'zone', zone: 'a', suspended: true }) });
    socket.onmessage?.({ data: JSON.stringify({ type: 'assignment', vehicle: 'v1' }) });
    socket.onmessage?.({ data: 'garbage' });
    expect(seen.zones).toBe(1);
    expect(seen.fleets).toHaveLength(polledAtStart + 5);
    // The stream goes quiet without closing: after 6 s the fleet is polled again.
    await vi.advanceTimersByTimeAsync(8000);
    expect(calls.fleet).toBeGreaterThan(polledAtStart);
    feed.stop();
    expect(socket.closed).toBe(true);
  });

  it('reports a refused token once and says when the service cannot be reached', async () => {
    const refused = fakeApi({ kpis: () => Promise.reject(new ApiError(401, 'GET /api/v1/kpis: 401 unknown token')) });
    const a = recorder();
    const feed = new LiveFeed(refused.api, a.handlers);
    feed.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(a.seen.unauthorized).toEqual(['GET /api/v1/kpis: 401 unknown token']);
    feed.stop();

    const down = fakeApi({ fleet: () => Promise.reject(new ApiError(0, 'the service cannot be reached')) });
    const b = recorder();
    const other = new LiveFeed(down.api, b.handlers);
    other.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.seen.modes).toContain('error');
    expect(b.seen.kpis).toBe(0);
    other.stop();
  });
});
