// The service's JSON as the dashboard reads it (docs/taxi-service-openapi.yaml). Times are seconds since the Unix
// epoch unless the name ends in _s (a duration in seconds).

export interface LatLon {
  lat: number;
  lon: number;
}

export type VehicleStatus = 'available' | 'busy' | 'offline' | 'pulled';

export interface Vehicle {
  id: string;
  lat: number;
  lon: number;
  status: VehicleStatus;
  onboard: number;
  capacity: number;
  stops: number;
  updated: number;
}

export type RideStatus = 'waiting' | 'assigned' | 'onboard' | 'completed' | 'cancelled' | 'rejected';

export interface Ride {
  id: string;
  rider: string;
  status: RideStatus;
  reason?: string;
  origin: LatLon;
  destination: LatLon;
  vehicle?: string;
  eta_pickup?: number;
  eta_dropoff?: number;
  requested: number;
  picked_up?: number;
  dropped_off?: number;
}

export interface Fleet {
  time: number;
  vehicles: Vehicle[];
  rides: Ride[];
}

export interface KpiCounters {
  time: number;
  vehicles_online: number;
  rides_requested: number;
  rides_completed: number;
  rides_rejected: number;
  rides_waiting: number;
  wait_mean_s: number;
  wait_p95_s: number;
  service_rate: number;
}

export interface Kpis extends KpiCounters {
  history?: KpiCounters[];
}

export interface ZoneProperties {
  id: string;
  name: string;
  kind: 'permitted' | 'excluded';
  suspended?: boolean;
  state?: string;
}

export interface ZoneFeature {
  type: 'Feature';
  properties: ZoneProperties;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] } | { type: 'Polygon'; coordinates: number[][][] };
}

export interface Stop {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface Permit {
  name: string;
  number: string;
  holder: string;
  day: string;
  local_time_s: number;
  open: boolean;
  suspension: string | null;
  zones: { type: 'FeatureCollection'; features: ZoneFeature[] };
  stops: Stop[];
  // Zones the operator has suspended: ids, or objects with an id.
  suspended_zones?: Array<string | { id: string }>;
}

export interface LineFeatureCollection {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }>;
}
