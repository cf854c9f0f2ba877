// Who signed in and what the dashboard offers them: the service's GET /api/v1/whoami, shaped into which action
// buttons are drawn. The service decides what a role may do (its answer comes from the same table it authorises
// every call by); the dashboard only leaves out what the service would refuse. Pure: no DOM, unit-tested alone.

export interface Whoami {
  role: string;
  id: string;
  may: string[]; // action names: "suspend_zone", "pull_vehicle", ...
}

// The service's names of the actions the dashboard has buttons for.
export const dashboardActions = {
  suspendZone: 'suspend_zone',
  resumeZone: 'resume_zone',
  pullVehicle: 'pull_vehicle',
  reassignRide: 'reassign_ride',
} as const;

// What the dashboard reads; a role that may not read all of it cannot use the dashboard.
export const dashboardReads = ['view_fleet', 'view_kpis', 'view_permit', 'view_network'] as const;

export interface DashboardAccess {
  role: string;
  id: string;
  canWatch: boolean; // may read everything the dashboard shows
  suspendZone: boolean;
  resumeZone: boolean;
  pullVehicle: boolean;
  reassignRide: boolean;
  readOnly: boolean; // none of the dashboard's actions
  badge: string; // "read-only (regulator)", or the role and id ("operator ops")
}

// Reads whoami's answer; throws an Error saying what is wrong when it is not one.
export function parseWhoami(value: unknown): Whoami {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('whoami: the answer is not an object');
  const { role, id, may } = value as Record<string, unknown>;
  if (typeof role !== 'string' || !role) throw new Error('whoami: "role" is not a name');
  if (typeof id !== 'string') throw new Error('whoami: "id" is not a string');
  if (!Array.isArray(may) || !may.every((a) => typeof a === 'string')) throw new Error('whoami: "may" is not a list of names');
  return { role, id, may: may as string[] };
}

export function dashboardAccess(who: Whoami): DashboardAccess {
  const may = new Set(who.may);
  const suspendZone = may.has(dashboardActions.suspendZone);
  const resumeZone = may.has(dashboardActions.resumeZone);
  const pullVehicle = may.has(dashboardActions.pullVehicle);
  const reassignRide = may.has(dashboardActions.reassignRide);
  const readOnly = !suspendZone && !resumeZone && !pullVehicle && !reassignRide;
  return {
    role: who.role,
    id: who.id,
    canWatch: dashboardReads.every((a) => may.has(a)),
    suspendZone,
    resumeZone,
    pullVehicle,
    reassignRide,
    readOnly,
    badge: readOnly ? `read-only (${who.role})` : `${who.role} ${who.id}`,
  };
}

// The button a zone's row offers: Suspend for a permitted zone, Resume for a suspended one, each only when the role
// may; none for an excluded zone.
export function zoneButtonLabel(access: DashboardAccess, state: string): 'Suspend' | 'Resume' | null {
  if (state === 'permitted') return access.suspendZone ? 'Suspend' : null;
  if (state === 'suspended') return access.resumeZone ? 'Resume' : null;
  return null;
}

// Whether a ride's row offers Reassign: the role may, and the ride is not yet picked up.
export function offersReassign(access: DashboardAccess, rideStatus: string): boolean {
  return access.reassignRide && (rideStatus === 'waiting' || rideStatus === 'assigned');
}

// Whether a vehicle offers Pull: the role may, and it is not pulled already.
export function offersPull(access: DashboardAccess, vehicleStatus: string): boolean {
  return access.pullVehicle && vehicleStatus !== 'pulled';
}
