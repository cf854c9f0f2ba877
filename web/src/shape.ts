// Pure data shaping: the service's JSON into what the map and the panels draw. No DOM, no map: unit-tested alone.

import type { Fleet, KpiCounters, Kpis, Permit, Ride, VehicleStatus, ZoneFeature } from './types';

export const vehicleColors: Record<VehicleStatus, string> = {
  available: '#1a9850',
  busy: '#2c7bb6',
  offline: '#8c8c8c',
  pulled: '#d7301f',
};

export const rideColors: Record<string, string> = {
  waiting: '#c51b7d',
  assigned: '#7b3294',
  onboard: '#2c7bb6',
};

export interface PointFeature<P> {
  type: 'Feature';
  id?: number;
  properties: P;
  geometry: { type: 'Point'; coordinates: [number, number] };
}

export interface FeatureCollection<F> {
  type: 'FeatureCollection';
  features: F[];
}

export interface VehicleProperties {
  id: string;
  status: string;
  color: string;
  onboard: number;
  capacity: number;
  occupancy: number; // onboard / capacity in [0, 1]
  occupancy_label: string; // "2/4"
  stops: number;
  age_s: number; // seconds since the vehicle's last report, at the fleet's time
}

const knownStatus = (status: string): status is VehicleStatus => status in vehicleColors;

function validPoint(lat: unknown, lon: unknown): lat is number {
  return (
    typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon) &&
    Math.abs(lat) <= 90 && Math.abs(lon) <= 180
  );
}

// Vehicles as GeoJSON points, coloured by state, with their occupancy. Vehicles without a valid position are left
// out (a vehicle registered but never reported would otherwise sit at 0,0).
export function fleetToGeoJSON(fleet: Fleet): FeatureCollection<PointFeature<VehicleProperties>> {
  const features: PointFeature<VehicleProperties>[] = [];
  for (const v of fleet.vehicles) {
    if (!validPoint(v.lat, v.lon)) continue;
    const capacity = v.capacity > 0 ? v.capacity : 0;
    const onboard = Math.max(0, v.onboard ?? 0);
    features.push({
      type: 'Feature',
      id: features.length,
      properties: {
        id: v.id,
        status: v.status,
        color: knownStatus(v.status) ? vehicleColors[v.status] : '#000000',
        onboard,
        capacity,
        occupancy: capacity > 0 ? Math.min(1, onboard / capacity) : 0,
        occupancy_label: `${onboard}/${capacity}`,
        stops: v.stops ?? 0,
        age_s: Math.max(0, fleet.time - v.updated),
      },
      geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
    });
  }
  return { type: 'FeatureCollection', features };
}

export interface RideProperties {
  id: string;
  status: string;
  color: string;
  vehicle: string;
  wait_s: number; // since requested, at the fleet's time
}

// Ride requests not yet picked up (waiting or assigned), as points at their pick-up.
export function waitingRidesToGeoJSON(fleet: Fleet): FeatureCollection<PointFeature<RideProperties>> {
  const features: PointFeature<RideProperties>[] = [];
  for (const ride of fleet.rides) {
    if (ride.status !== 'waiting' && ride.status !== 'assigned') continue;
    if (!ride.origin || !validPoint(ride.origin.lat, ride.origin.lon)) continue;
    features.push({
      type: 'Feature',
      id: features.length,
      properties: {
        id: ride.id,
        status: ride.status,
        color: rideColors[ride.status],
        vehicle: ride.vehicle ?? '',
        wait_s: Math.max(0, fleet.time - ride.requested),
      },
      geometry: { type: 'Point', coordinates: [ride.origin.lon, ride.origin.lat] },
    });
  }
  return { type: 'FeatureCollection', features };
}

export interface FleetSummary {
  byStatus: Record<VehicleStatus, number>;
  onboard: number;
  seats: number;
  waiting: number;
  assigned: number;
  onboardRides: number;
}

export function summarizeFleet(fleet: Fleet): FleetSummary {
  const byStatus: Record<VehicleStatus, number> = { available: 0, busy: 0, offline: 0, pulled: 0 };
  let onboard = 0;
  let seats = 0;
  for (const v of fleet.vehicles) {
    if (knownStatus(v.status)) byStatus[v.status] += 1;
    onboard += Math.max(0, v.onboard ?? 0);
    seats += Math.max(0, v.capacity ?? 0);
  }
  const count = (status: Ride['status']) => fleet.rides.filter((r) => r.status === status).length;
  return { byStatus, onboard, seats, waiting: count('waiting'), assigned: count('assigned'), onboardRides: count('onboard') };
}

// The ids of the zones the operator has suspended, from GET /api/v1/permit: a zone's own "suspended": true or
// "state": "suspended", or the permit's "suspended_zones" list.
export function suspendedZoneIds(permit: Permit): Set<string> {
  const ids = new Set<string>();
  for (const entry of permit.suspended_zones ?? []) ids.add(typeof entry === 'string' ? entry : entry.id);
  for (const zone of permit.zones?.features ?? []) {
    if (zone.properties.suspended === true || zone.properties.state === 'suspended') ids.add(zone.properties.id);
  }
  return ids;
}

export type ZoneState = 'permitted' | 'suspended' | 'excluded';

export interface ZoneRow {
  id: string;
  name: string;
  state: ZoneState;
}

// The permit's zones for the map, each with its state: excluded zones stay excluded; a permitted zone is suspended
// when the permit says so, or when this dashboard suspended it and the permit has not been read since (`pending`).
export function zonesWithState(
  permit: Permit,
  pending: ReadonlyMap<string, boolean> = new Map(),
): { geojson: FeatureCollection<ZoneFeature>; rows: ZoneRow[] } {
  const suspended = suspendedZoneIds(permit);
  const features: ZoneFeature[] = [];
  const rows: ZoneRow[] = [];
  for (const zone of permit.zones?.features ?? []) {
    const id = zone.properties.id;
    let state: ZoneState = 'excluded';
    if (zone.properties.kind !== 'excluded') {
      const isSuspended = pending.has(id) ? (pending.get(id) as boolean) : suspended.has(id);
      state = isSuspended ? 'suspended' : 'permitted';
    }
    features.push({ ...zone, properties: { ...zone.properties, state } });
    rows.push({ id, name: zone.properties.name || id, state });
  }
  return { geojson: { type: 'FeatureCollection', features }, rows };
}

// [west, south, east, north] of every coordinate in a GeoJSON geometry collection, or null when there is none.
export function boundsOf(collection: { features: Array<{ geometry: { coordinates: unknown } | null }> }):
  | [number, number, number, number]
  | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number') {
      if (!validPoint(c[1], c[0])) return;
      west = Math.min(west, c[0]);
      east = Math.max(east, c[0]);
      south = Math.min(south, c[1]);
      north = Math.max(north, c[1]);
      return;
    }
    for (const inner of c) visit(inner);
  };
  for (const feature of collection.features) visit(feature.geometry?.coordinates);
  return Number.isFinite(west) ? [west, south, east, north] : null;
}

export type KpiKey = Exclude<keyof KpiCounters, 'time'>;

export interface KpiSeriesPoint {
  time: number;
  value: number;
}

// KPIs over time: the service's per-minute history joined with the live samples this dashboard has seen, in time
// order, one sample per time, at most `capacity` samples (the oldest go first).
export class KpiHistory {
  private samples: KpiCounters[] = [];

  constructor(private readonly capacity = 720) {}

  add(kpis: Kpis): void {
    for (const sample of kpis.history ?? []) this.insert(sample);
    this.insert(kpis);
  }

  get size(): number {
    return this.samples.length;
  }

  latest(): KpiCounters | undefined {
    return this.samples[this.samples.length - 1];
  }

  series(key: KpiKey): KpiSeriesPoint[] {
    return this.samples
      .filter((s) => typeof s[key] === 'number' && Number.isFinite(s[key]))
      .map((s) => ({ time: s.time, value: s[key] }));
  }

  private insert(sample: KpiCounters): void {
    if (typeof sample?.time !== 'number' || !Number.isFinite(sample.time)) return;
    const { history: _ignored, ...counters } = sample as Kpis;
    const copy = counters as KpiCounters;
    // Samples mostly arrive in order: search from the end.
    let i = this.samples.length;
    while (i > 0 && this.samples[i - 1].time > copy.time) i -= 1;
    if (i > 0 && this.samples[i - 1].time === copy.time) {
      this.samples[i - 1] = copy;
      return;
    }
    this.samples.splice(i, 0, copy);
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }
}

export interface ChartGeometry {
  path: string; // SVG path data, empty when there is nothing to draw
  min: number;
  max: number;
  start: number;
  end: number;
}

// A line chart's path for `points` in a width × height box (y grows downwards), the value axis from 0 (or the
// smallest value when it is negative) to the largest value, the time axis over the points' span.
export function chartGeometry(points: KpiSeriesPoint[], width: number, height: number): ChartGeometry {
  if (points.length === 0) return { path: '', min: 0, max: 0, start: 0, end: 0 };
  const start = points[0].time;
  const end = points[points.length - 1].time;
  let min = 0;
  let max = 0;
  for (const p of points) {
    min = Math.min(min, p.value);
    max = Math.max(max, p.value);
  }
  const valueSpan = max - min || 1;
  const timeSpan = end - start;
  const x = (t: number) => (timeSpan > 0 ? ((t - start) / timeSpan) * width : width);
  const y = (v: number) => height - ((v - min) / valueSpan) * height;
  const parts = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`);
  if (points.length === 1) parts.push(`L${(0).toFixed(1)},${y(points[0].value).toFixed(1)}`);
  return { path: parts.join(' '), min, max, start, end };
}

// "45 s", "3 min 20 s", "1 h 05 min"; "–" for a missing value.
export function formatDuration(seconds: number | undefined | null): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

// A rate in [0, 1] as a percentage; "–" when missing.
export function formatPercent(rate: number | undefined | null): string {
  if (rate === undefined || rate === null || !Number.isFinite(rate)) return '–';
  return `${(rate * 100).toFixed(1)} %`;
}

// Natural order of ids such as v2 < v10.
export function compareIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
