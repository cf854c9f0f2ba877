// Live fleet state: the WebSocket /api/v1/stream while it works, GET /api/v1/fleet every 2 s while it does not (the
// socket is tried again every 10 s). KPIs are not pushed: they are read every 2 s either way.

import { ApiError, type Api } from './api';
import type { Fleet, Kpis } from './types';

export type FeedMode = 'connecting' | 'live' | 'polling' | 'error';

export interface FeedHandlers {
  fleet(fleet: Fleet): void;
  kpis(kpis: Kpis): void;
  mode(mode: FeedMode, detail: string): void;
  unauthorized(message: string): void;
  zoneChanged(): void;  // an operator suspended or resumed a zone
}

// The "type" of a stream message, or null when it is not a JSON object.
export function streamMessageType(data: unknown): string | null {
  if (typeof data !== 'string') return null;
  const match = /^\s*\{\s*"type"\s*:\s*"([a-z_]+)"/.exec(data);
  if (match) return match[1];
  try {
    const message: unknown = JSON.parse(data);
    return message && typeof message === 'object' && typeof (message as { type?: unknown }).type === 'string'
      ? (message as { type: string }).type
      : null;
  } catch {
    return null;
  }
}

// A fleet message from the stream, or null for the other kinds (assignment, ride, zone).
export function parseStreamMessage(data: unknown): Fleet | null {
  if (typeof data !== 'string') return null;
  let message: unknown;
  try {
    message = JSON.parse(data);
  } catch {
    return null;
  }
  if (!message || typeof message !== 'object') return null;
  const m = message as Record<string, unknown>;
  if (m.type !== 'fleet' || !Array.isArray(m.vehicles)) return null;
  return { time: Number(m.time), vehicles: m.vehicles as Fleet['vehicles'], rides: Array.isArray(m.rides) ? (m.rides as Fleet['rides']) : [] };
}

export class LiveFeed {
  private socket: WebSocket | null = null;
  private pollTimer: number | undefined;
  private retryTimer: number | undefined;
  private stopped = false;
  private socketLive = false;
  private lastPush = 0;

  constructor(
    private readonly api: Api,
    private readonly handlers: FeedHandlers,
    private readonly pollMs = 2000,
    private readonly retryMs = 10000,
  ) {}

  start(): void {
    this.stopped = false;
    this.handlers.mode('connecting', 'opening the live stream');
    void this.poll();
    this.pollTimer = window.setInterval(() => void this.poll(), this.pollMs);
    this.openSocket();
  }

  stop(): void {
    this.stopped = true;
    window.clearInterval(this.pollTimer);
    window.clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
  }

  // Reads now (after an operator action) instead of waiting for the next tick.
  refresh(): void {
    void this.poll(true);
  }

  private openSocket(): void {
    if (this.stopped || typeof WebSocket === 'undefined') return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.api.streamUrl(window.location));
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.socketLive = true;
      this.handlers.mode('live', 'WebSocket /api/v1/stream');
    };
    socket.onmessage = (event) => {
      if (streamMessageType(event.data) === 'zone') {
        this.handlers.zoneChanged();
        return;
      }
      const fleet = parseStreamMessage(event.data);
      if (fleet) {
        this.lastPush = Date.now();
        this.handlers.fleet(fleet);
      }
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.socketLive = false;
      if (this.stopped) return;
      this.handlers.mode('polling', 'stream unavailable: polling every 2 s');
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.openSocket(), this.retryMs);
  }

  private async poll(force = false): Promise<void> {
    if (this.stopped) return;
    // The stream carries the fleet once a second; poll it only when the stream is down or has gone quiet.
    const needFleet = force || !this.socketLive || Date.now() - this.lastPush > 3 * this.pollMs;
    try {
      const [kpis, fleet] = await Promise.all([this.api.kpis(), needFleet ? this.api.fleet() : Promise.resolve(null)]);
      if (this.stopped) return;
      this.handlers.kpis(kpis);
      if (fleet) this.handlers.fleet(fleet);
      if (!this.socketLive) this.handlers.mode('polling', 'polling /api/v1/fleet and /api/v1/kpis every 2 s');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.handlers.unauthorized(error.message);
        return;
      }
      this.handlers.mode('error', error instanceof Error ? error.message : String(error));
    }
  }
}
