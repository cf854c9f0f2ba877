// The operator dashboard: sign in with a bearer token, then the live map, KPIs and the actions the token's role may
// take (GET /api/v1/whoami; a regulator's dashboard is read-only).

import './style.css';

import { dashboardAccess, offersPull, offersReassign, parseWhoami, zoneButtonLabel, type DashboardAccess } from './access';
import { Api, ApiError, storedToken, storeToken } from './api';
import { KpiChart } from './chart';
import { LiveFeed, type FeedMode } from './live';
import { DashboardMap, legend } from './map';
import {
  compareIds,
  formatDuration,
  formatPercent,
  KpiHistory,
  rideColors,
  summarizeFleet,
  vehicleColors,
  zonesWithState,
  type ZoneRow,
} from './shape';
import { buttonColumn, confirmButton, KeyedTable, relabel } from './table';
import type { Fleet, Kpis, Permit, Ride, Vehicle, VehicleStatus } from './types';

const maxVehicleRows = 300;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

function clock(time: number): string {
  return Number.isFinite(time) ? new Date(time * 1000).toLocaleTimeString('en-GB', { hour12: false }) : '–';
}

function dot(cell: HTMLElement, color: string): void {
  let span = cell.firstElementChild as HTMLElement | null;
  if (!span) {
    span = document.createElement('span');
    span.className = 'dot';
    cell.prepend(span);
  }
  span.style.background = color;
}

class Dashboard {
  private readonly map: DashboardMap | null;
  private readonly history = new KpiHistory();
  private readonly chart = new KpiChart(this.history);
  private readonly feed: LiveFeed;
  private fleet: Fleet = { time: NaN, vehicles: [], rides: [] };
  private permit: Permit | null = null;
  private readonly pendingZones = new Map<string, boolean>();
  private vehicleFilter = '';
  private statusFilter = '';

  private readonly zoneTable: KeyedTable<ZoneRow>;
  private readonly rideTable: KeyedTable<Ride>;
  private readonly vehicleTable: KeyedTable<Vehicle>;

  constructor(
    private readonly api: Api,
    private readonly access: DashboardAccess,
    private readonly signOut: (message?: string) => void,
  ) {
    // Action buttons only for what the role may do: a table without any has no button column at all.
    this.zoneTable = new KeyedTable<ZoneRow>(
      [
        { header: 'Zone', text: (z) => z.name, decorate: (td, z) => dot(td, zoneColor(z.state)) },
        { header: 'State', className: 'state', text: (z) => z.state },
      ],
      (z) => z.id,
      buttonColumn<ZoneRow>(access.suspendZone || access.resumeZone, {
        label: (z) => zoneButtonLabel(access, z.state) ?? 'Suspend',
        dataset: (z) => ({ zone: z.id }),
        act: (z, b) => this.zoneAction(z.id, b),
        update: (button, z) => {
          const label = zoneButtonLabel(access, z.state);
          button.hidden = label === null;
          if (label) relabel(button, label);
        },
      }),
    );
    this.rideTable = new KeyedTable<Ride>(
      [
        { header: 'Ride', text: (r) => r.id, decorate: (td, r) => dot(td, rideColors[r.status] ?? '#999') },
        { header: 'Status', className: 'state', text: (r) => r.status },
        { header: 'Vehicle', text: (r) => r.vehicle ?? '–' },
        { header: 'Waited', className: 'num', text: (r) => formatDuration((r.picked_up ?? this.fleet.time) - r.requested) },
        { header: 'Pick-up ETA', className: 'num', text: (r) => (r.eta_pickup ? clock(r.eta_pickup) : '–') },
      ],
      (r) => r.id,
      buttonColumn<Ride>(access.reassignRide, {
        label: () => 'Reassign',
        dataset: (r) => ({ ride: r.id }),
        act: (r, b) => this.act(`reassign ride ${r.id}`, b, () => this.api.reassignRide(r.id)),
        update: (button, r) => {
          button.hidden = !offersReassign(access, r.status);
        },
      }),
    );
    this.vehicleTable = new KeyedTable<Vehicle>(
      [
        { header: 'Vehicle', text: (v) => v.id, decorate: (td, v) => dot(td, vehicleColors[v.status] ?? '#000') },
        { header: 'State', className: 'state', text: (v) => v.status },
        { header: 'Onboard', className: 'num', text: (v) => `${v.onboard}/${v.capacity}` },
        { header: 'Stops', className: 'num', text: (v) => String(v.stops) },
        { header: 'Position', className: 'pos', text: (v) => `${v.lat.toFixed(5)}, ${v.lon.toFixed(5)}` },
        { header: 'Last report', className: 'num', text: (v) => formatDuration(this.fleet.time - v.updated) },
      ],
      (v) => v.id,
      buttonColumn<Vehicle>(access.pullVehicle, {
        label: () => 'Pull',
        dataset: (v) => ({ vehicle: v.id }),
        act: (v, b) => this.act(`pull vehicle ${v.id}`, b, () => this.api.pullVehicle(v.id)),
        update: (button, v) => {
          button.disabled = !offersPull(access, v.status);
        },
      }),
    );
    const role = byId('role');
    role.textContent = access.badge;
    role.title = access.readOnly ? 'this role reads and may not act: no action buttons' : `signed in as ${access.role} ${access.id}`;
    role.className = `badge role${access.readOnly ? ' read-only' : ''}`;
    role.dataset.readOnly = String(access.readOnly);
    byId('read-only-note').hidden = !access.readOnly;
    let map: DashboardMap | null = null;
    try {
      map = new DashboardMap(byId('map'), {
        vehicleClicked: (id, lngLat) => this.vehiclePopup(id, lngLat),
        zoneClicked: (id) => byId('zones').querySelector(`tr[data-key="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' }),
      });
    } catch (error) {
      // No WebGL: the panels still work; say why there is no map.
      const note = byId('map-error');
      note.hidden = false;
      note.textContent = `The map cannot be drawn here (${error instanceof Error ? error.message : String(error)}).`;
    }
    this.map = map;
    byId('chart').appendChild(this.chart.element);
    byId('zones').appendChild(this.zoneTable.element);
    byId('rides').appendChild(scrolling(this.rideTable.element));
    byId('vehicles').appendChild(scrolling(this.vehicleTable.element));
    byId<HTMLInputElement>('vehicle-filter').addEventListener('input', (e) => {
      this.vehicleFilter = (e.target as HTMLInputElement).value.trim().toLowerCase();
      this.renderFleet();
    });
    byId<HTMLSelectElement>('status-filter').addEventListener('change', (e) => {
      this.statusFilter = (e.target as HTMLSelectElement).value;
      this.renderFleet();
    });
    const legendElement = byId('legend');
    for (const item of legend) {
      const row = document.createElement('div');
      const swatch = document.createElement('span');
      swatch.className = `swatch ${item.kind}`;
      swatch.style.setProperty('--color', item.color);
      row.append(swatch, document.createTextNode(item.label));
      legendElement.appendChild(row);
    }
    this.feed = new LiveFeed(api, {
      fleet: (fleet) => this.onFleet(fleet),
      kpis: (kpis) => this.onKpis(kpis),
      mode: (mode, detail) => this.onMode(mode, detail),
      unauthorized: (message) => this.stopAnd(() => this.signOut(message)),
      zoneChanged: () => void this.reloadPermit(),
    });
    // For the browser test (tests/e2e/dashboard.mjs): what the map has drawn, not what it was given.
    (window as unknown as { __bitgoeul: unknown }).__bitgoeul = {
      renderedVehicles: () => this.map?.renderedCount('vehicles') ?? 0,
    };
  }

  async start(): Promise<void> {
    const [network, permit] = await Promise.all([this.api.network(), this.api.permit()]);
    await this.map?.setNetwork(network);
    this.onPermit(permit);
    this.feed.start();
    window.setInterval(() => void this.reloadPermit(), 15000);
  }

  stopAnd(then: () => void): void {
    this.feed.stop();
    then();
  }

  private async reloadPermit(): Promise<void> {
    try {
      this.onPermit(await this.api.permit());
    } catch (error) {
      this.log(`reading the permit failed: ${error instanceof Error ? error.message : String(error)}`, true);
    }
  }

  private onPermit(permit: Permit): void {
    this.permit = permit;
    this.pendingZones.clear();
    this.renderZones();
    void this.map?.setStops(permit.stops ?? []);
    byId('permit-name').textContent = `${permit.name} · ${permit.number}`;
    const open = byId('service-open');
    open.textContent = permit.suspension ? `suspended: ${permit.suspension}` : permit.open ? 'service hours: open' : 'outside service hours';
    open.className = `badge ${permit.suspension || !permit.open ? 'warn' : 'ok'}`;
  }

  private renderZones(): void {
    if (!this.permit) return;
    const { geojson, rows } = zonesWithState(this.permit, this.pendingZones);
    void this.map?.setZones(geojson);
    rows.sort((a, b) => (a.state === 'excluded' ? 1 : 0) - (b.state === 'excluded' ? 1 : 0) || compareIds(a.id, b.id));
    this.zoneTable.render(rows);
    const suspended = rows.filter((r) => r.state === 'suspended').length;
    byId('zones-summary').textContent = `${rows.filter((r) => r.state !== 'excluded').length} permitted, ${suspended} suspended`;
  }

  private onFleet(fleet: Fleet): void {
    if (Number.isFinite(this.fleet.time) && fleet.time < this.fleet.time) return;  // an older answer arriving late
    this.fleet = fleet;
    void this.map?.setFleet(fleet);
    this.renderFleet();
  }

  private renderFleet(): void {
    const fleet = this.fleet;
    byId('clock').textContent = `service time ${clock(fleet.time)}`;
    const summary = summarizeFleet(fleet);
    const parts = (Object.keys(summary.byStatus) as VehicleStatus[]).map((s) => `${summary.byStatus[s]} ${s}`);
    byId('fleet-summary').textContent = `${fleet.vehicles.length} vehicles: ${parts.join(' · ')} · ${summary.onboard}/${summary.seats} seats taken`;
    byId('rides-summary').textContent = `${summary.waiting} waiting · ${summary.assigned} assigned · ${summary.onboardRides} onboard`;
    const active = fleet.rides
      .filter((r) => r.status === 'waiting' || r.status === 'assigned' || r.status === 'onboard')
      .sort((a, b) => rideOrder(a) - rideOrder(b) || a.requested - b.requested);
    this.rideTable.render(active.slice(0, maxVehicleRows));
    const filtered = fleet.vehicles
      .filter((v) => (!this.statusFilter || v.status === this.statusFilter) && (!this.vehicleFilter || v.id.toLowerCase().includes(this.vehicleFilter)))
      .sort((a, b) => compareIds(a.id, b.id));
    this.vehicleTable.render(filtered.slice(0, maxVehicleRows));
    byId('vehicles-shown').textContent =
      filtered.length > maxVehicleRows ? `showing ${maxVehicleRows} of ${filtered.length}: filter to narrow` : `${filtered.length} shown`;
  }

  private onKpis(kpis: Kpis): void {
    this.history.add(kpis);
    const set = (key: string, text: string) => {
      const tile = document.querySelector<HTMLElement>(`[data-kpi="${key}"] .value`);
      if (tile) tile.textContent = text;
    };
    set('vehicles_online', String(kpis.vehicles_online));
    set('rides_waiting', String(kpis.rides_waiting));
    set('rides_requested', String(kpis.rides_requested));
    set('rides_completed', String(kpis.rides_completed));
    set('rides_rejected', String(kpis.rides_rejected));
    set('wait_mean_s', formatDuration(kpis.wait_mean_s));
    set('wait_p95_s', formatDuration(kpis.wait_p95_s));
    set('service_rate', formatPercent(kpis.service_rate));
    byId('kpis-time').textContent = `at ${clock(kpis.time)}`;
    this.chart.draw();
  }

  private onMode(mode: FeedMode, detail: string): void {
    const badge = byId('connection');
    badge.textContent = { connecting: 'connecting…', live: 'live', polling: 'polling', error: 'no connection' }[mode];
    badge.className = `badge ${mode === 'live' ? 'ok' : mode === 'error' ? 'bad' : 'warn'}`;
    badge.title = detail;
    badge.dataset.mode = mode;
  }

  private async zoneAction(id: string, button: HTMLButtonElement): Promise<void> {
    const suspend = button.dataset.label === 'Suspend';
    const done = await this.act(`${suspend ? 'suspend' : 'resume'} zone ${id}`, button, () =>
      suspend ? this.api.suspendZone(id) : this.api.resumeZone(id),
    );
    if (!done) return;
    this.pendingZones.set(id, suspend);
    this.renderZones();
    await this.reloadPermit();
  }

  // Runs an operator action; logs its outcome. True when the service accepted it.
  private async act(what: string, _button: HTMLButtonElement, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      this.log(`${what}: done`);
      this.feed.refresh();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.stopAnd(() => this.signOut(error.message));
        return false;
      }
      this.log(`${what}: ${error instanceof Error ? error.message : String(error)}`, true);
      return false;
    }
  }

  private log(text: string, isError = false): void {
    const list = byId('action-log');
    const item = document.createElement('li');
    item.textContent = `${new Date().toLocaleTimeString('en-GB', { hour12: false })} ${text}`;
    if (isError) item.className = 'error';
    list.prepend(item);
    while (list.children.length > 50) list.lastElementChild?.remove();
  }

  private vehiclePopup(id: string, lngLat: [number, number]): void {
    const vehicle = this.fleet.vehicles.find((v) => v.id === id);
    if (!vehicle || !this.map) return;
    const content = document.createElement('div');
    content.className = 'popup';
    const title = document.createElement('strong');
    title.textContent = vehicle.id;
    const details = document.createElement('div');
    details.textContent = `${vehicle.status} · ${vehicle.onboard}/${vehicle.capacity} onboard · ${vehicle.stops} stops`;
    const rides = this.fleet.rides.filter((r) => r.vehicle === id).map((r) => `${r.id} (${r.status})`);
    const rideLine = document.createElement('div');
    rideLine.textContent = rides.length ? `rides: ${rides.join(', ')}` : 'no rides';
    content.append(title, details, rideLine);
    if (offersPull(this.access, vehicle.status)) {
      content.append(confirmButton('Pull', (b) => this.act(`pull vehicle ${id}`, b, () => this.api.pullVehicle(id)).then(() => undefined)));
    }
    this.map.popup(lngLat, content);
  }
}

function scrolling(table: HTMLElement): HTMLElement {
  const box = document.createElement('div');
  box.className = 'scroll';
  box.appendChild(table);
  return box;
}

function zoneColor(state: string): string {
  return state === 'suspended' ? '#f46d43' : state === 'excluded' ? '#7f7f7f' : '#66bd63';
}

function rideOrder(ride: Ride): number {
  return ride.status === 'waiting' ? 0 : ride.status === 'assigned' ? 1 : 2;
}

// Sign-in: the service says who the token is (GET /api/v1/whoami); a role that may read the fleet and KPIs (operators,
// the regulator) gets the dashboard, with the action buttons its role may use. The token is kept for this tab only.
function boot(): void {
  const login = byId('login');
  const app = byId('app');
  const form = byId<HTMLFormElement>('login-form');
  const input = byId<HTMLInputElement>('token');
  const error = byId('login-error');
  let dashboard: Dashboard | null = null;

  const signOut = (message?: string) => {
    storeToken(null);
    dashboard?.stopAnd(() => undefined);
    // A fresh page: the map and the timers of the old session go with it.
    if (message) sessionStorage.setItem('bitgoeul.signout', message);
    window.location.reload();
  };

  const enter = async (token: string) => {
    const api = new Api(token);
    error.textContent = '';
    const refuse = (message: string) => {
      storeToken(null);
      error.textContent = message;
      login.hidden = false;
      app.hidden = true;
    };
    let access: DashboardAccess;
    try {
      access = dashboardAccess(parseWhoami(await api.whoami()));
    } catch (e) {
      refuse(e instanceof ApiError && e.status === 401 ? 'This token is not accepted.' : String(e instanceof Error ? e.message : e));
      return;
    }
    if (!access.canWatch) {
      refuse(`This token's role (${access.role}) cannot use the dashboard: it is for operators and regulators.`);
      return;
    }
    storeToken(token);
    login.hidden = true;
    app.hidden = false;
    dashboard = new Dashboard(api, access, signOut);
    try {
      await dashboard.start();
    } catch (e) {
      byId('map-error').hidden = false;
      byId('map-error').textContent = `Starting failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token) void enter(token);
  });
  byId('sign-out').addEventListener('click', () => signOut());
  const farewell = sessionStorage.getItem('bitgoeul.signout');
  if (farewell) {
    sessionStorage.removeItem('bitgoeul.signout');
    error.textContent = farewell;
  }
  const token = storedToken();
  if (token) void enter(token);
  else login.hidden = false;
}

boot();
