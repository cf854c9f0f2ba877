// The map: a plain background (no tiles, no fonts: nothing leaves the service's origin), the permitted road
// network, zones coloured by state, designated stops, waiting requests and the vehicles. Names are HTML (popups,
// markers), never symbol layers, which would need glyphs.

import maplibregl, { type GeoJSONSource, type Map as MapLibreMap, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';

import { boundsOf, fleetToGeoJSON, rideColors, vehicleColors, waitingRidesToGeoJSON, type FeatureCollection } from './shape';
import type { Fleet, LineFeatureCollection, Stop, ZoneFeature } from './types';

const blankStyle: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f3f1ec' } }],
};

const empty = { type: 'FeatureCollection', features: [] } as const;

export interface MapCallbacks {
  vehicleClicked(id: string, lngLat: [number, number]): void;
  zoneClicked(id: string): void;
}

export class DashboardMap {
  readonly map: MapLibreMap;
  private ready: Promise<void>;
  private fitted = false;

  constructor(container: HTMLElement, callbacks: MapCallbacks) {
    this.map = new maplibregl.Map({
      container,
      style: blankStyle,
      center: [127.11, 37.51],
      zoom: 12,
      attributionControl: false,
      fadeDuration: 0,
    });
    this.map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
    this.ready = new Promise((resolve) => this.map.on('load', () => resolve()));
    void this.ready.then(() => this.addLayers(callbacks));
  }

  private addLayers(callbacks: MapCallbacks): void {
    const m = this.map;
    for (const id of ['zones', 'network', 'stops', 'rides', 'vehicles']) m.addSource(id, { type: 'geojson', data: empty });
    m.addLayer({
      id: 'zones-fill',
      type: 'fill',
      source: 'zones',
      paint: {
        'fill-color': ['match', ['get', 'state'], 'suspended', '#f46d43', 'excluded', '#7f7f7f', '#66bd63'],
        'fill-opacity': ['match', ['get', 'state'], 'suspended', 0.3, 'excluded', 0.25, 0.1],
      },
    });
    m.addLayer({
      id: 'zones-outline',
      type: 'line',
      source: 'zones',
      paint: {
        'line-color': ['match', ['get', 'state'], 'suspended', '#d73027', 'excluded', '#4d4d4d', '#1a9850'],
        'line-width': ['match', ['get', 'state'], 'suspended', 3, 1.5],
        'line-dasharray': [3, 2],
      },
    });
    m.addLayer({
      id: 'network',
      type: 'line',
      source: 'network',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#a7a29a', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.6, 15, 2.5, 18, 6] },
    });
    m.addLayer({
      id: 'stops',
      type: 'circle',
      source: 'stops',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 2.5, 16, 6],
        'circle-color': '#ffffff',
        'circle-stroke-color': '#253494',
        'circle-stroke-width': 2,
      },
    });
    m.addLayer({
      id: 'rides',
      type: 'circle',
      source: 'rides',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3, 16, 7],
        'circle-color': ['get', 'color'],
        'circle-opacity': 0.85,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    });
    m.addLayer({
      id: 'vehicles',
      type: 'circle',
      source: 'vehicles',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 4, 16, 10],
        'circle-color': ['get', 'color'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    });
    // Occupancy: a dark core that grows with the share of seats taken (none when empty).
    m.addLayer({
      id: 'vehicles-occupancy',
      type: 'circle',
      source: 'vehicles',
      filter: ['>', ['get', 'onboard'], 0],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, ['*', ['get', 'occupancy'], 3], 16, ['*', ['get', 'occupancy'], 8]],
        'circle-color': '#1b1b1b',
        'circle-opacity': 0.85,
      },
    });
    m.on('click', 'vehicles', (event) => {
      const feature = event.features?.[0];
      if (feature) callbacks.vehicleClicked(String(feature.properties.id), [event.lngLat.lng, event.lngLat.lat]);
    });
    m.on('click', 'zones-fill', (event) => {
      if (m.queryRenderedFeatures(event.point, { layers: ['vehicles'] }).length > 0) return;
      const feature = event.features?.[0];
      if (feature) callbacks.zoneClicked(String(feature.properties.id));
    });
    for (const layer of ['vehicles', 'zones-fill']) {
      m.on('mouseenter', layer, () => (m.getCanvas().style.cursor = 'pointer'));
      m.on('mouseleave', layer, () => (m.getCanvas().style.cursor = ''));
    }
  }

  private async setData(source: string, data: unknown): Promise<void> {
    await this.ready;
    (this.map.getSource(source) as GeoJSONSource | undefined)?.setData(data as Parameters<GeoJSONSource["setData"]>[0]);
  }

  async setNetwork(network: LineFeatureCollection): Promise<void> {
    await this.setData('network', network);
    const bounds = boundsOf(network);
    if (bounds && !this.fitted) {
      this.fitted = true;
      this.map.fitBounds(bounds, { padding: 30, duration: 0 });
    }
  }

  setZones(zones: FeatureCollection<ZoneFeature>): Promise<void> {
    return this.setData('zones', zones);
  }

  setStops(stops: Stop[]): Promise<void> {
    return this.setData('stops', {
      type: 'FeatureCollection',
      features: stops.map((s) => ({
        type: 'Feature',
        properties: { id: s.id, name: s.name },
        geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
      })),
    });
  }

  setFleet(fleet: Fleet): Promise<void> {
    return Promise.all([
      this.setData('vehicles', fleetToGeoJSON(fleet)),
      this.setData('rides', waitingRidesToGeoJSON(fleet)),
    ]).then(() => undefined);
  }

  // Features of `layer` drawn in the current view.
  renderedCount(layer: string): number {
    return this.map.getLayer(layer) ? this.map.queryRenderedFeatures({ layers: [layer] }).length : 0;
  }

  popup(lngLat: [number, number], content: HTMLElement): maplibregl.Popup {
    return new maplibregl.Popup({ closeButton: true, maxWidth: '260px' }).setLngLat(lngLat).setDOMContent(content).addTo(this.map);
  }
}

export const legend: Array<{ label: string; color: string; kind: 'dot' | 'ring' | 'area' }> = [
  { label: 'available', color: vehicleColors.available, kind: 'dot' },
  { label: 'busy', color: vehicleColors.busy, kind: 'dot' },
  { label: 'offline', color: vehicleColors.offline, kind: 'dot' },
  { label: 'pulled', color: vehicleColors.pulled, kind: 'dot' },
  { label: 'waiting request', color: rideColors.waiting, kind: 'dot' },
  { label: 'assigned request', color: rideColors.assigned, kind: 'dot' },
  { label: 'designated stop', color: '#253494', kind: 'ring' },
  { label: 'permitted zone', color: '#66bd63', kind: 'area' },
  { label: 'suspended zone', color: '#f46d43', kind: 'area' },
  { label: 'excluded zone', color: '#7f7f7f', kind: 'area' },
];
