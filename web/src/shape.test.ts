import { describe, expect, it } from 'vitest';

import { parseStreamMessage, streamMessageType } from './live';
import {
  boundsOf,
  chartGeometry,
  compareIds,
  fleetToGeoJSON,
  formatDuration,
  formatPercent,
  KpiHistory,
  summarizeFleet,
  suspendedZoneIds,
  vehicleColors,
  waitingRidesToGeoJSON,
  zonesWithState,
} from './shape';
import type { Fleet, KpiCounters, Permit, Ride, Vehicle, ZoneFeature } from './types';

const vehicle = (id: string, extra: Partial<Vehicle> = {}): Vehicle => ({
  id,
  lat: 37.5,
  lon: 127.1,
  status: 'available',
  onboard: 0,
  capacity: 4,
  stops: 0,
  updated: 1000,
  ...extra,
});

const ride = (id: string, status: Ride['status'], extra: Partial<Ride> = {}): Ride => ({
  id,
  rider: 'u1',
  status,
  origin: { lat: 37.51, lon: 127.11 },
  destination: { lat: 37.52, lon: 127.12 },
  requested: 990,
  ...extra,
});

const square = (id: string, kind: 'permitted' | 'excluded', extra = {}): ZoneFeature => ({
  type: 'Feature',
  properties: { id, name: `Zone ${id}`, kind, ...extra },
  geometry: { type: 'MultiPolygon', coordinates: [[[[127, 37], [127.1, 37], [127.1, 37.1], [127, 37]]]] },
});

const permit = (features: ZoneFeature[], extra: Partial<Permit> = {}): Permit => ({
  name: 'pilot',
  number: 'P-1',
  holder: 'h',
  day: '2026-11-25',
  local_time_s: 0,
  open: true,
  suspension: null,
  zones: { type: 'FeatureCollection', features },
  stops: [],
  ...extra,
});

const counters = (time: number, waiting: number): KpiCounters => ({
  time,
  vehicles_online: 10,
  rides_requested: time,
  rides_completed: 0,
  rides_rejected: 0,
  rides_waiting: waiting,
  wait_mean_s: 60,
  wait_p95_s: 120,
  service_rate: 0.9,
});

describe('fleetToGeoJSON', () => {
  it('draws each vehicle at lon,lat, coloured by state, with its occupancy', () => {
    const fleet: Fleet = {
      time: 1010,
      vehicles: [vehicle('v1'), vehicle('v2', { status: 'busy', onboard: 3, lat: 37.6, lon: 127.2, updated: 1004 })],
      rides: [],
    };
    const geojson = fleetToGeoJSON(fleet);
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.features).toHaveLength(2);
    const [v1, v2] = geojson.features;
    expect(v1.geometry.coordinates).toEqual([127.1, 37.5]);
    expect(v1.properties.color).toBe(vehicleColors.available);
    expect(v1.properties.occupancy).toBe(0);
    expect(v2.geometry.coordinates).toEqual([127.2, 37.6]);
    expect(v2.properties).toMatchObject({ id: 'v2', status: 'busy', color: vehicleColors.busy, occupancy: 0.75, occupancy_label: '3/4', age_s: 6 });
  });

  it('leaves out vehicles without a valid position and clamps odd occupancy', () => {
    const fleet: Fleet = {
      time: 1000,
      vehicles: [
        vehicle('nan', { lat: NaN }),
        vehicle('far', { lat: 137 }),
        vehicle('null', { lon: null as unknown as number }),
        vehicle('over', { onboard: 9, capacity: 4 }),
        vehicle('zero', { capacity: 0, onboard: 1 }),
        vehicle('odd', { status: 'teleporting' as Vehicle['status'] }),
      ],
      rides: [],
    };
    const features = fleetToGeoJSON(fleet).features;
    expect(features.map((f) => f.properties.id)).toEqual(['over', 'zero', 'odd']);
    expect(features[0].properties.occupancy).toBe(1);
    expect(features[1].properties.occupancy).toBe(0);
    expect(features[2].properties.color).toBe('#000000');
  });
});

describe('waitingRidesToGeoJSON', () => {
  it('shows requests not yet picked up at their origin, with their wait so far', () => {
    const fleet: Fleet = {
      time: 1000,
      vehicles: [],
      rides: [ride('r1', 'waiting'), ride('r2', 'assigned', { vehicle: 'v1' }), ride('r3', 'onboard'), ride('r4', 'waiting', { origin: { lat: NaN, lon: 1 } })],
    };
    const features = waitingRidesToGeoJSON(fleet).features;
    expect(features.map((f) => f.properties.id)).toEqual(['r1', 'r2']);
    expect(features[0].geometry.coordinates).toEqual([127.11, 37.51]);
    expect(features[0].properties.wait_s).toBe(10);
    expect(features[1].properties.vehicle).toBe('v1');
  });
});

describe('summarizeFleet', () => {
  it('counts vehicles by state, seats and rides by state', () => {
    const summary = summarizeFleet({
      time: 0,
      vehicles: [vehicle('a'), vehicle('b', { status: 'busy', onboard: 2 }), vehicle('c', { status: 'pulled' })],
      rides: [ride('r1', 'waiting'), ride('r2', 'waiting'), ride('r3', 'onboard')],
    });
    expect(summary.byStatus).toEqual({ available: 1, busy: 1, offline: 0, pulled: 1 });
    expect(summary.onboard).toBe(2);
    expect(summary.seats).toBe(12);
    expect(summary.waiting).toBe(2);
    expect(summary.onboardRides).toBe(1);
  });
});

describe('zones', () => {
  it('reads suspended zones from the zone properties or the permit list', () => {
    expect(suspendedZoneIds(permit([square('a', 'permitted', { suspended: true }), square('b', 'permitted')]))).toEqual(new Set(['a']));
    expect(suspendedZoneIds(permit([square('a', 'permitted', { state: 'suspended' })]))).toEqual(new Set(['a']));
    expect(suspendedZoneIds(permit([square('a', 'permitted')], { suspended_zones: ['a', { id: 'b' }] }))).toEqual(new Set(['a', 'b']));
  });

  it('gives each zone its state; excluded zones stay excluded; a pending action shows until the permit is read', () => {
    const p = permit([square('a', 'permitted'), square('b', 'permitted', { suspended: true }), square('x', 'excluded', { suspended: true })]);
    const { geojson, rows } = zonesWithState(p);
    expect(rows).toEqual([
      { id: 'a', name: 'Zone a', state: 'permitted' },
      { id: 'b', name: 'Zone b', state: 'suspended' },
      { id: 'x', name: 'Zone x', state: 'excluded' },
    ]);
    expect(geojson.features.map((f) => f.properties.state)).toEqual(['permitted', 'suspended', 'excluded']);
    expect(p.zones.features[0].properties.state).toBeUndefined();  // the permit itself is not changed
    const pending = zonesWithState(p, new Map([['a', true], ['b', false]]));
    expect(pending.rows.map((r) => r.state)).toEqual(['suspended', 'permitted', 'excluded']);
  });

  it('bounds every coordinate of the features', () => {
    expect(boundsOf({ features: [square('a', 'permitted')] })).toEqual([127, 37, 127.1, 37.1]);
    expect(boundsOf({ features: [] })).toBeNull();
  });
});

describe('KpiHistory', () => {
  it('joins the service history with live samples, in time order, one per time', () => {
    const history = new KpiHistory();
    history.add({ ...counters(180, 3), history: [counters(60, 1), counters(120, 2)] });
    history.add({ ...counters(181, 4), history: [counters(60, 1), counters(120, 2)] });
    history.add({ ...counters(150, 9) });  // late answer: goes in its place
    history.add({ ...counters(181, 5) });  // same time: the newer one replaces it
    expect(history.series('rides_waiting')).toEqual([
      { time: 60, value: 1 },
      { time: 120, value: 2 },
      { time: 150, value: 9 },
      { time: 180, value: 3 },
      { time: 181, value: 5 },
    ]);
    expect(history.latest()?.time).toBe(181);
    expect(history.latest()).not.toHaveProperty('history');
  });

  it('keeps only the newest samples and skips bad ones', () => {
    const history = new KpiHistory(3);
    for (let t = 1; t <= 5; t++) history.add(counters(t, t));
    history.add({ ...counters(NaN, 1) });
    history.add({ ...counters(6, NaN) });
    expect(history.size).toBe(3);
    expect(history.series('rides_waiting').map((p) => p.time)).toEqual([4, 5]);
    expect(history.series('vehicles_online').map((p) => p.time)).toEqual([4, 5, 6]);
  });
});

describe('chartGeometry', () => {
  it('spans the box: first point left, last right, zero at the bottom, the maximum at the top', () => {
    const g = chartGeometry([{ time: 0, value: 0 }, { time: 5, value: 10 }, { time: 10, value: 5 }], 100, 50);
    expect(g.path).toBe('M0.0,50.0 L50.0,0.0 L100.0,25.0');
    expect([g.min, g.max, g.start, g.end]).toEqual([0, 10, 0, 10]);
  });

  it('draws a single sample as a flat line and nothing for no sample', () => {
    expect(chartGeometry([{ time: 3, value: 2 }], 100, 50).path).toBe('M100.0,0.0 L0.0,0.0');
    expect(chartGeometry([], 100, 50).path).toBe('');
    expect(chartGeometry([{ time: 0, value: 0 }, { time: 1, value: 0 }], 100, 50).path).toBe('M0.0,50.0 L100.0,50.0');
  });
});

describe('formatting', () => {
  it('formats durations, rates and orders ids naturally', () => {
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(NaN)).toBe('–');
    expect(formatDuration(undefined)).toBe('–');
    expect(formatPercent(0.8766)).toBe('87.7 %');
    expect(formatPercent(null)).toBe('–');
    expect(['v10', 'v2', 'v1'].sort(compareIds)).toEqual(['v1', 'v2', 'v10']);
  });
});

describe('parseStreamMessage', () => {
  it('takes fleet messages and ignores the others and garbage', () => {
    const fleet = parseStreamMessage(JSON.stringify({ type: 'fleet', time: 5, vehicles: [vehicle('v1')], rides: [] }));
    expect(fleet?.time).toBe(5);
    expect(fleet?.vehicles).toHaveLength(1);
    expect(parseStreamMessage(JSON.stringify({ type: 'fleet', time: 5, vehicles: [vehicle('v1')] }))?.rides).toEqual([]);
    expect(parseStreamMessage(JSON.stringify({ type: 'assignment', vehicle: 'v1' }))).toBeNull();
    expect(parseStreamMessage(JSON.stringify({ type: 'fleet', vehicles: 'no' }))).toBeNull();
    expect(parseStreamMessage('{not json')).toBeNull();
    expect(parseStreamMessage('null')).toBeNull();
    expect(parseStreamMessage(new ArrayBuffer(3))).toBeNull();
  });

  it('tells the message kinds apart', () => {
    expect(streamMessageType('{"type":"zone","zone":"a","suspended":true}')).toBe('zone');
    expect(streamMessageType('{ "vehicles": [], "type": "fleet" }')).toBe('fleet');
    expect(streamMessageType('[1]')).toBeNull();
    expect(streamMessageType('{"type": 3}')).toBeNull();
    expect(streamMessageType('garbage')).toBeNull();
    expect(streamMessageType(null)).toBeNull();
  });
});
