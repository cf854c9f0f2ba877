import { describe, expect, it } from 'vitest';

import { dashboardAccess, offersPull, offersReassign, parseWhoami, zoneButtonLabel } from './access';

// GET /api/v1/whoami as the service answers it for each role (src/taxi_service/access.cpp's table).
const operator = {
  role: 'operator',
  id: 'ops',
  may: [
    'view_network', 'view_permit', 'quote', 'register_vehicle', 'send_telemetry', 'view_assignment', 'confirm_stop',
    'report_incident', 'pull_vehicle', 'view_ride', 'cancel_ride', 'reassign_ride', 'view_fleet', 'view_kpis',
    'suspend_zone', 'resume_zone', 'read_audit', 'read_report',
  ],
};
const regulator = {
  role: 'regulator',
  id: 'molit',
  may: ['view_network', 'view_permit', 'view_assignment', 'view_ride', 'view_fleet', 'view_kpis', 'read_audit', 'read_report'],
};
const rider = { role: 'rider', id: 'ann', may: ['view_network', 'view_permit', 'quote', 'request_ride', 'view_ride', 'cancel_ride'] };

describe('dashboardAccess', () => {
  it('gives an operator every action button', () => {
    const access = dashboardAccess(parseWhoami(operator));
    expect(access).toMatchObject({ canWatch: true, suspendZone: true, resumeZone: true, pullVehicle: true, reassignRide: true });
    expect(access.readOnly).toBe(false);
    expect(access.badge).toBe('operator ops');
  });

  it('makes the regulator read-only, and says so', () => {
    const access = dashboardAccess(parseWhoami(regulator));
    expect(access.canWatch).toBe(true);
    expect(access.readOnly).toBe(true);
    expect(access.badge).toBe('read-only (regulator)');
    expect(zoneButtonLabel(access, 'permitted')).toBeNull();
    expect(zoneButtonLabel(access, 'suspended')).toBeNull();
    expect(offersReassign(access, 'waiting')).toBe(false);
    expect(offersPull(access, 'available')).toBe(false);
  });

  it('keeps out a role that cannot read the fleet and KPIs', () => {
    expect(dashboardAccess(parseWhoami(rider)).canWatch).toBe(false);
    expect(dashboardAccess({ ...regulator, may: regulator.may.filter((a) => a !== 'view_kpis') }).canWatch).toBe(false);
  });

  it('offers exactly the actions listed, whatever else is', () => {
    const access = dashboardAccess({ role: 'dispatcher', id: 'd', may: [...regulator.may, 'suspend_zone', 'fly_drone'] });
    expect(access.readOnly).toBe(false);
    expect(access.badge).toBe('dispatcher d');
    expect(zoneButtonLabel(access, 'permitted')).toBe('Suspend');
    expect(zoneButtonLabel(access, 'suspended')).toBeNull(); // may suspend but not resume
    expect(offersReassign(access, 'assigned')).toBe(false);
    expect(offersPull(access, 'busy')).toBe(false);
  });
});

describe('the buttons an operator sees', () => {
  const access = dashboardAccess(operator);
  it('suspend a permitted zone, resume a suspended one, nothing for an excluded one', () => {
    expect(zoneButtonLabel(access, 'permitted')).toBe('Suspend');
    expect(zoneButtonLabel(access, 'suspended')).toBe('Resume');
    expect(zoneButtonLabel(access, 'excluded')).toBeNull();
  });
  it('reassign only rides not yet picked up; pull only vehicles not pulled', () => {
    expect(['waiting', 'assigned', 'onboard', 'completed'].map((s) => offersReassign(access, s))).toEqual([true, true, false, false]);
    expect(['available', 'busy', 'offline', 'pulled'].map((s) => offersPull(access, s))).toEqual([true, true, true, false]);
  });
});

describe('parseWhoami', () => {
  it('reads the answer', () => {
    expect(parseWhoami(regulator)).toEqual(regulator);
  });
  it.each([
    [null, 'not an object'],
    [[], 'not an object'],
    ['operator', 'not an object'],
    [{ id: 'x', may: [] }, '"role"'],
    [{ role: '', id: 'x', may: [] }, '"role"'],
    [{ role: 'operator', may: [] }, '"id"'],
    [{ role: 'operator', id: 'x' }, '"may"'],
    [{ role: 'operator', id: 'x', may: 'suspend_zone' }, '"may"'],
    [{ role: 'operator', id: 'x', may: ['suspend_zone', 7] }, '"may"'],
  ])('refuses %j', (value, message) => {
    expect(() => parseWhoami(value)).toThrow(message);
  });
});
