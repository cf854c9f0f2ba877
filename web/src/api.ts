// The service's HTTP API with the signed-in bearer token (same origin as the dashboard).

import type { Fleet, Kpis, LineFeatureCollection, Permit } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const tokenKey = 'bitgoeul.token';

export function storedToken(): string | null {
  return sessionStorage.getItem(tokenKey);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(tokenKey, token);
  else sessionStorage.removeItem(tokenKey);
}

export class Api {
  constructor(
    readonly token: string,
    private readonly base = '',
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: {
          Authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (error) {
      throw new ApiError(0, `the service cannot be reached (${String(error)})`);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below if the status is an error, refused otherwise
    }
    if (!response.ok) {
      const message =
        parsed && typeof parsed === 'object' && 'error' in parsed ? String((parsed as { error: unknown }).error) : text;
      throw new ApiError(response.status, `${method} ${path}: ${response.status} ${message || response.statusText}`);
    }
    if (parsed === undefined && text) throw new ApiError(response.status, `${method} ${path}: the answer is not JSON`);
    return parsed as T;
  }

  // Who the token is and what its role may do (parse with access.ts's parseWhoami).
  whoami(): Promise<unknown> {
    return this.request('GET', '/api/v1/whoami');
  }
  fleet(): Promise<Fleet> {
    return this.request('GET', '/api/v1/fleet');
  }
  kpis(): Promise<Kpis> {
    return this.request('GET', '/api/v1/kpis');
  }
  permit(): Promise<Permit> {
    return this.request('GET', '/api/v1/permit');
  }
  network(): Promise<LineFeatureCollection> {
    return this.request('GET', '/api/v1/network');
  }
  suspendZone(id: string): Promise<unknown> {
    return this.request('POST', `/api/v1/zones/${encodeURIComponent(id)}/suspend`);
  }
  resumeZone(id: string): Promise<unknown> {
    return this.request('POST', `/api/v1/zones/${encodeURIComponent(id)}/resume`);
  }
  pullVehicle(id: string): Promise<unknown> {
    return this.request('POST', `/api/v1/vehicles/${encodeURIComponent(id)}/pull`);
  }
  reassignRide(id: string): Promise<unknown> {
    return this.request('POST', `/api/v1/rides/${encodeURIComponent(id)}/reassign`);
  }

  streamUrl(location: Location): string {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${location.host}/api/v1/stream?token=${encodeURIComponent(this.token)}`;
  }
}
