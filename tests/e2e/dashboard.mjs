// The operator dashboard in Debian's Chromium (playwright-core, no browser download): sign in with the token, see
// the vehicles drawn and moving and the KPIs updating, suspend a zone with the UI (two clicks: arm, confirm), see it
// shown suspended, then resume it; the regulator's dashboard has no action buttons and its forced calls get 403. Prints one "ok - ..." line per check and "FAIL - ..." on the first failure
// (exit 1); leaves a screenshot at SCREENSHOT.
//   node dashboard.mjs URL OPERATOR_TOKEN ZONE_ID SCREENSHOT RIDER_TOKEN REGULATOR_TOKEN
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

// playwright-core is the dashboard's dev dependency (web/package-lock.json).
const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [url, token, zone, screenshot, riderToken, regulatorToken] = process.argv.slice(2);
if (!url || !token || !zone || !screenshot || !riderToken || !regulatorToken) {
  console.error('usage: node dashboard.mjs URL OPERATOR_TOKEN ZONE_ID SCREENSHOT RIDER_TOKEN REGULATOR_TOKEN');
  process.exit(2);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'bitgoeul-chromium-'));
let context;
let page;
const consoleErrors = [];

function ok(what) {
  console.log(`ok   - ${what}`);
}

async function fail(what) {
  console.log(`FAIL - ${what}`);
  if (consoleErrors.length) console.log(`browser console errors:\n  ${consoleErrors.slice(0, 10).join('\n  ')}`);
  if (page) await page.screenshot({ path: screenshot }).catch(() => {});
  await context?.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
  process.exit(1);
}

// Waits until `probe` (run in the page) returns a truthy value; that value, or a failure naming `what`.
// Generous: CI runs this beside other tests on two cores; nothing here measures time.
async function until(what, probe, arg, timeoutMs = 30000) {
  try {
    const handle = await page.waitForFunction(probe, arg, { timeout: timeoutMs, polling: 250 });
    return await handle.jsonValue();
  } catch (error) {
    return fail(`${what} (${String(error.message).split('\n')[0]})`);
  }
}

try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
} catch (error) {
  await fail(`Chromium starts (${String(error.message).split('\n')[0]})`);
}
page = await context.newPage();
page.on('console', (message) => {
  if (message.type() === 'error') consoleErrors.push(message.text());
});
page.on('pageerror', (error) => consoleErrors.push(String(error)));
// Nothing but the service itself: the dashboard must not reach out for tiles, fonts or scripts.
const foreign = [];
await page.route('**/*', (route) => {
  const target = route.request().url();
  if (target.startsWith(url) || target.startsWith('data:') || target.startsWith('blob:')) return route.continue();
  foreign.push(target);
  return route.abort();
});

await page.goto(url + '/');
await until('the sign-in form is shown', () => !document.getElementById('login').hidden);
await page.fill('#token', 'bgt_not-a-token');
await page.click('#sign-in');
await until('a wrong token is refused on the form', () => document.getElementById('login-error').textContent.includes('not accepted'));
ok('a wrong token is refused');
await page.fill('#token', riderToken);
await page.click('#sign-in');
await until("a rider's token is refused on the form", () => document.getElementById('login-error').textContent.includes('operators and regulators'));
if (await page.evaluate(() => !document.getElementById('app').hidden)) await fail("a rider's token does not open the dashboard");
ok("a rider's token is refused (operators and regulators only)");
await page.fill('#token', token);
await page.click('#sign-in');
await until('the dashboard opens after sign-in', () => !document.getElementById('app').hidden);
ok('signs in with the operator token');
const operatorBadge = await page.evaluate(() => document.getElementById('role').textContent);
if (operatorBadge !== 'operator ops') await fail(`the header names the operator (it says '${operatorBadge}')`);
ok(`the header names who signed in (${operatorBadge})`);
consoleErrors.length = 0;  // the refused token's 401 above was expected
if (!(await page.evaluate(() => sessionStorage.getItem('bitgoeul.token')))) await fail('the token is kept in sessionStorage');

await until('the map is drawn (WebGL canvas, no error)', () =>
  document.querySelector('#map canvas.maplibregl-canvas') && document.getElementById('map-error').hidden);
const drawn = await until('vehicles are drawn on the map', () => window.__bitgoeul?.renderedVehicles() || false, undefined, 40000);
ok(`the map draws the roads and ${drawn} vehicles`);

const rows = await until('the vehicle table lists the fleet', () => document.querySelectorAll('#vehicles tbody tr').length);
ok(`the vehicle table lists ${rows} vehicles`);
// Vehicles move: some vehicle's position in the table changes between two reads.
const positions = () =>
  Object.fromEntries([...document.querySelectorAll('#vehicles tbody tr')].map((tr) => [tr.dataset.key, tr.querySelector('td.pos')?.textContent]));
const before = await page.evaluate(positions);
const moved = await until('vehicles move', (earlier) => {
  for (const tr of document.querySelectorAll('#vehicles tbody tr')) {
    const now = tr.querySelector('td.pos')?.textContent;
    if (earlier[tr.dataset.key] && now && now !== earlier[tr.dataset.key]) return [tr.dataset.key, earlier[tr.dataset.key], now];
  }
  return false;
}, before, 40000);
ok(`vehicles move (${moved[0]}: ${moved[1]} -> ${moved[2]})`);

const kpi = (key) => document.querySelector(`[data-kpi="${key}"] .value`)?.textContent;
const requested = await until('the KPIs are shown', () => {
  const v = document.querySelector('[data-kpi="rides_requested"] .value')?.textContent;
  return v && v !== '–' ? v : false;
});
await until('the KPIs update', (before) => {
  const v = document.querySelector('[data-kpi="rides_requested"] .value')?.textContent;
  return v && v !== before ? v : false;
}, requested, 40000);
ok(`the KPIs update (rides requested ${requested} -> ${await page.evaluate(kpi, 'rides_requested')})`);
await until('the KPI chart has samples', () => document.querySelector('.chart-line')?.getAttribute('d')?.includes('L'));
ok('the KPI chart draws its series');
const mode = await page.evaluate(() => document.getElementById('connection').dataset.mode);
if (mode !== 'live' && mode !== 'polling') await fail(`the connection is live or polling (it is ${mode})`);
ok(`live updates by ${mode === 'live' ? 'the WebSocket stream' : 'polling every 2 s'}`);

// Reassign a ride that is assigned and not yet picked up, from its row.
const ride = await until('an assigned ride is listed with a Reassign button', () => {
  const button = [...document.querySelectorAll('#rides button[data-ride]')].find((b) => !b.hidden);
  return button ? button.dataset.ride : false;
}, undefined, 40000);
await page.click(`#rides button[data-ride="${ride}"]`);
await page.click(`#rides button[data-ride="${ride}"]`);
const reassigned = await until(`reassigning ride ${ride} is answered`, (r) =>
  [...document.querySelectorAll('#action-log li')].map((li) => li.textContent).find((t) => t.includes(`reassign ride ${r}:`)), ride);
// The service may find no other vehicle in time (a 4xx naming why); it must answer, not fail.
if (!/: done$|: 4\d\d /.test(reassigned)) await fail(`reassign answered: ${reassigned}`);
ok(`reassigns ride ${ride} from the UI (${reassigned.replace(/^\S+ /, '')})`);

// Pull a vehicle from its row; the service then lists it pulled.
await page.click('#vehicles button[data-vehicle="v1"]');
await page.click('#vehicles button[data-vehicle="v1"]');
await until('vehicle v1 is shown pulled', () =>
  document.querySelector('#vehicles tr[data-key="v1"] td.state')?.textContent === 'pulled', undefined, 30000);
const fleetAnswer = await page.request.get(`${url}/api/v1/fleet`, { headers: { Authorization: `Bearer ${token}` } });
const v1 = (await fleetAnswer.json()).vehicles.find((v) => v.id === 'v1');
if (v1?.status !== 'pulled') await fail(`GET /api/v1/fleet lists v1 pulled (it is ${v1?.status})`);
ok('pulls vehicle v1 from the UI (GET /api/v1/fleet: pulled)');

// Suspend the zone: the first click only arms the button.
const button = `#zones button[data-zone="${zone}"]`;
await until(`zone ${zone} is listed as permitted`, (b) => document.querySelector(b)?.textContent === 'Suspend', button);
await page.screenshot({ path: screenshot });
ok(`screenshot of the live fleet at ${screenshot}`);
await page.click(button);
await until('the first click asks for confirmation', (b) => document.querySelector(b)?.textContent.startsWith('Confirm'), button);
const stillPermitted = await page.evaluate((z) => document.querySelector(`#zones tr[data-key="${z}"] td.state`)?.textContent, zone);
if (stillPermitted !== 'permitted') await fail(`one click does not act (zone is ${stillPermitted})`);
ok('one click only arms the suspend button');
await page.click(button);
await until(`zone ${zone} is shown suspended`, (z) =>
  document.querySelector(`#zones tr[data-key="${z}"] td.state`)?.textContent === 'suspended' &&
  document.querySelector('#action-log li')?.textContent.includes(`suspend zone ${z}: done`), zone);
ok(`suspends zone ${zone} from the UI`);
await page.waitForTimeout(1500);  // the next fleet update, for the picture
const suspendedShot = screenshot.replace(/\.png$/, '-suspended.png');
await page.screenshot({ path: suspendedShot });
ok(`screenshot with the zone suspended at ${suspendedShot}`);
console.log('suspended');  // tells the shell test to check the service now (it waits for "resume" below)

// Wait for the shell to say it checked, then resume from the UI.
await new Promise((resolve) => {
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => chunk.includes('resume') && resolve());
});
await page.click(button);
await page.click(button);
await until(`zone ${zone} is shown permitted again`, (z) =>
  document.querySelector(`#zones tr[data-key="${z}"] td.state`)?.textContent === 'permitted', zone);
ok(`resumes zone ${zone} from the UI`);
// Without the stream (the socket is closed at once), the dashboard falls back to polling and still moves.
await context.routeWebSocket(/\/api\/v1\/stream/, (socket) => socket.close());
page = await context.newPage();
await page.goto(url + '/');
await page.fill('#token', token);
await page.click('#sign-in');
await until('without the stream: the dashboard says it polls', () => document.getElementById('connection').dataset.mode === 'polling');
const polled = await page.evaluate(positions);
const movedPolling = await until('without the stream: vehicles still move', (earlier) => {
  for (const tr of document.querySelectorAll('#vehicles tbody tr')) {
    const now = tr.querySelector('td.pos')?.textContent;
    if (earlier[tr.dataset.key] && now && now !== earlier[tr.dataset.key]) return tr.dataset.key;
  }
  return false;
}, polled, 40000);
ok(`without the stream it polls every 2 s, and vehicles still move (${movedPolling})`);
// The regulator reads everything and may not act: whoami lists no action, so the dashboard is read-only — no action
// button anywhere, a "read-only (regulator)" badge — and an action forced past the UI (the same request a button
// would make, with the regulator's token) gets 403 and changes nothing.
page = await context.newPage();
await page.goto(url + '/');
await page.fill('#token', regulatorToken);
await page.click('#sign-in');
await until('the regulator signs in', () => !document.getElementById('app').hidden);
await until('the regulator sees the fleet', () => document.querySelectorAll('#vehicles tbody tr').length > 0);
await until('the regulator sees the requests', () => document.querySelectorAll('#rides tbody tr').length > 0, undefined, 40000);
await until(`the regulator sees zone ${zone}`, (z) => document.querySelector(`#zones tr[data-key="${z}"] td.state`)?.textContent === 'permitted', zone);
const badge = await page.evaluate(() => {
  const element = document.getElementById('role');
  return { text: element.textContent, shown: element.offsetParent !== null && element.getBoundingClientRect().width > 0 };
});
if (badge.text !== 'read-only (regulator)' || !badge.shown) await fail(`a visible "read-only (regulator)" badge (${JSON.stringify(badge)})`);
ok('the regulator sees a "read-only (regulator)" badge');
const buttons = await page.evaluate(() =>
  [...document.querySelectorAll('#zones button, #rides button, #vehicles button, [data-zone], [data-ride], [data-vehicle]')].map(
    (b) => b.textContent,
  ),
);
if (buttons.length) await fail(`the regulator is shown no action buttons (found: ${buttons.slice(0, 5).join(', ')})`);
const columns = await page.evaluate(() => document.querySelectorAll('#vehicles td.actions, #zones td.actions, #rides td.actions').length);
if (columns) await fail(`the regulator's tables have no action column (${columns} cells)`);
if (await page.evaluate(() => document.getElementById('read-only-note').hidden)) await fail('the Actions panel says the dashboard is read-only');
ok('the regulator is shown no action buttons: zones, requests and vehicles are read-only');
const regulatorShot = screenshot.replace(/\.png$/, '-regulator.png');
await page.screenshot({ path: regulatorShot });
ok(`screenshot of the regulator's read-only dashboard at ${regulatorShot}`);
const forced = await page.evaluate(async ([z, v]) => {
  const token = sessionStorage.getItem('bitgoeul.token');
  const post = async (path) =>
    (await fetch(path, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status;
  const rideId = document.querySelector('#rides tbody tr')?.dataset.key ?? 'r0';
  return {
    suspend: await post(`/api/v1/zones/${z}/suspend`),
    pull: await post(`/api/v1/vehicles/${v}/pull`),
    reassign: await post(`/api/v1/rides/${rideId}/reassign`),
  };
}, [zone, 'v2']);
if (forced.suspend !== 403 || forced.pull !== 403 || forced.reassign !== 403) {
  await fail(`the regulator's forced actions get 403 (${JSON.stringify(forced)})`);
}
const permitAnswer = await page.request.get(`${url}/api/v1/permit`, { headers: { Authorization: `Bearer ${token}` } });
if (((await permitAnswer.json()).suspended_zones ?? []).includes(zone)) await fail("the regulator's forced suspension changed nothing");
const fleetAfter = await page.request.get(`${url}/api/v1/fleet`, { headers: { Authorization: `Bearer ${token}` } });
const v2 = (await fleetAfter.json()).vehicles.find((v) => v.id === 'v2');
if (v2?.status === 'pulled') await fail("the regulator's forced pull changed nothing (v2 is pulled)");
ok(`the regulator's actions forced past the UI get 403 and change nothing (${JSON.stringify(forced)})`);

if (foreign.length) await fail(`the dashboard fetches only from the service (it asked for ${foreign.slice(0, 3).join(', ')})`);
ok('no request left the service');
const errors = consoleErrors.filter((e) => !e.includes('WebSocket'));
if (errors.length) await fail(`no errors in the browser console: ${errors.slice(0, 5).join(' | ')}`);
ok('no errors in the browser console');
await context.close();
fs.rmSync(profile, { recursive: true, force: true });
console.log('done');
