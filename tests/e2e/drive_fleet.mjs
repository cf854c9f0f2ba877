// A small fleet and its riders for the dashboard's browser test, over the service's HTTP API (the contract of
// docs/taxi-service-openapi.yaml): registers VEHICLES vehicles on the permitted roads, moves each one along a road
// and reports all positions in one telemetry batch every 0.5 s, and asks for a ride between two designated stops
// every 1.5 s. Runs until stopped (SIGTERM); one line per second on standard output; exits 1 when the service
// refuses the first registration or telemetry (a broken setup must not look like a quiet fleet).
//   node drive_fleet.mjs URL FLEET_TOKEN RIDER_TOKEN [VEHICLES]
const [url, fleetToken, riderToken, countText = '12'] = process.argv.slice(2);
if (!url || !fleetToken || !riderToken) {
  console.error('usage: node drive_fleet.mjs URL FLEET_TOKEN RIDER_TOKEN [VEHICLES]');
  process.exit(2);
}
const count = Number(countText);

async function call(method, path, token, body) {
  const response = await fetch(url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// The longest roads of the network, as polylines of [lon, lat].
const network = await call('GET', '/api/v1/network', fleetToken);
const lines = network.features
  .flatMap((f) => (f.geometry.type === 'LineString' ? [f.geometry.coordinates] : f.geometry.type === 'MultiLineString' ? f.geometry.coordinates : []))
  .filter((line) => line.length >= 2)
  .sort((a, b) => b.length - a.length);
if (lines.length === 0) throw new Error('the network has no roads');
const permit = await call('GET', '/api/v1/permit', fleetToken);
const stops = permit.stops ?? [];

const vehicles = [];
for (let i = 0; i < count; i++) {
  const line = lines[i % Math.min(lines.length, 50)];
  const vehicle = { id: `v${i + 1}`, line, position: 0, direction: 1 };
  const [lon, lat] = line[0];
  await call('POST', `/api/v1/vehicles/${vehicle.id}/register`, fleetToken, { lat, lon, capacity: 4 });
  vehicles.push(vehicle);
}
console.log(`registered ${vehicles.length} vehicles`);

// Moves a vehicle a quarter of a road segment along its polyline, turning back at either end.
function step(vehicle) {
  const last = vehicle.line.length - 1;
  vehicle.position += 0.25 * vehicle.direction;
  if (vehicle.position >= last) {
    vehicle.position = last;
    vehicle.direction = -1;
  } else if (vehicle.position <= 0) {
    vehicle.position = 0;
    vehicle.direction = 1;
  }
  const i = Math.min(Math.floor(vehicle.position), last - 1);
  const f = vehicle.position - i;
  const [lon0, lat0] = vehicle.line[i];
  const [lon1, lat1] = vehicle.line[i + 1];
  return { lat: lat0 + (lat1 - lat0) * f, lon: lon0 + (lon1 - lon0) * f };
}

let reports = 0;
let requested = 0;
let refused = 0;
let stopping = false;
process.on('SIGTERM', () => (stopping = true));
process.on('SIGINT', () => (stopping = true));

async function telemetry() {
  const time = Date.now() / 1000;
  const positions = vehicles.map((v) => ({ vehicle: v.id, time, ...step(v), status: 'available' }));
  const answer = await call('POST', '/api/v1/telemetry', fleetToken, { positions });
  reports += answer?.accepted ?? 0;
}

async function ride() {
  if (stops.length < 2) return;
  const a = stops[Math.floor(Math.random() * stops.length)];
  let b = stops[Math.floor(Math.random() * stops.length)];
  if (b.id === a.id) b = stops[(stops.indexOf(a) + 1) % stops.length];
  try {
    await call('POST', '/api/v1/rides', riderToken, {
      origin: { lat: a.lat, lon: a.lon },
      destination: { lat: b.lat, lon: b.lon },
      passengers: 1,
    });
    requested += 1;
  } catch (error) {
    refused += 1;
    if (refused <= 3) console.log(`ride refused: ${error.message}`);
  }
}

await telemetry();  // throws (exit 1) when the service refuses it
let tick = 0;
while (!stopping) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  tick += 1;
  try {
    await telemetry();
    if (tick % 3 === 0) await ride();
  } catch (error) {
    console.log(`error: ${error.message}`);
  }
  if (tick % 2 === 0) console.log(`positions accepted ${reports}, rides requested ${requested}, refused ${refused}`);
}
console.log('stopped');
