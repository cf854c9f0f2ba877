#!/usr/bin/python3
"""Helper of bench/taxi_vs_sumo.sh: turns one Bitgoeul scenario into the inputs of both engines and compares them.

  scenario  SCENARIO [--vehicles N] [--start HH:MM] [--end HH:MM]
            prints shell assignments (sc_*) of what the bench needs from the scenario (our engine reads the scenario
            itself, with `taxi simulate`'s --map, --demand, --vehicles, --start, --end, --no-rebalance, --free-flow)
  sumo      --net NET --demand CSV --starts VEHICLE_EVENTS --scenario SCENARIO --begin-s S --out DIR
            maps requests and vehicle start positions to SUMO edges and writes persons.rou.xml and taxis.rou.xml
  run       --deadlines CSV --end S [--check-s S] -- SUMO_ARGS...
            runs SUMO under TraCI, removing persons still without a taxi at their deadline
  typemap   SUMO_TYPEMAP OUT.typ.xml
            SUMO's OSM type map with our importer's default speeds per road class
  compare   --runs RUNS.csv --csv OUT.csv --max-wait S
            reads both engines' outputs, prints the side-by-side table and writes it as CSV

Runs under Debian's /usr/bin/python3, which sees sumolib (sumo-tools) and pyproj (python3-pyproj).
"""

import argparse
import csv
import json
import math
import os
import shlex
import sys
import tomllib
import xml.etree.ElementTree as ET

# --- scenario -------------------------------------------------------------------------------------------------


def clock_s(text):
    hours, minutes = text.split(":")
    return int(hours) * 3600 + int(minutes) * 60


def sumo_begin_s(start_s):
    """SUMO starts up to 10 minutes before the first request, so that its taxis are inserted (one per step and
    depot lane) and parked when the requests begin; SUMO's time cannot be negative."""
    return max(0, start_s - 600)


def command_scenario(args):
    """What the shell script needs from the scenario to generate the same demand and to configure SUMO alike, with
    the fleet size and span the user asked for."""
    with open(args.scenario, "rb") as f:
        doc = tomllib.load(f)
    if "permit" in doc:
        sys.exit(f"{args.scenario}: has a [permit]; SUMO's taxi device has no permit to compare with (use a "
                 "scenario without one, e.g. scenarios/pilot-zone.toml)")
    fleet = dict(doc.get("fleet", {}))
    if args.vehicles:
        fleet["vehicles"] = args.vehicles
    top = {"seed": doc.get("seed", 1), "start": args.start or doc.get("start", "00:00"),
           "end": args.end or doc.get("end", "24:00"), "drain_minutes": doc.get("drain_minutes", 60)}

    # What the shell script needs to generate the same demand and to configure SUMO alike.
    demand = doc.get("demand", {})
    data_dir = os.path.join(os.path.dirname(os.path.abspath(args.scenario)), doc.get("data_dir", "."))
    service = doc.get("service", {})
    data_path = lambda table, key: os.path.normpath(os.path.join(data_dir, table[key])) if key in table else ""
    assignments = {
        "scenario_map": data_path(doc, "map"),
        "demand_source": demand.get("source", "roads"),
        "demand_file": data_path(demand, "file"),
        "demand_columns": demand.get("columns", "bitgoeul"),
        "trips_per_day": demand.get("trips_per_day", 10000),
        "min_trip_m": demand.get("min_trip_m", 500),
        "zones": data_path(demand, "zones"),
        "parent_zones": data_path(demand, "parent_zones"),
        "population": data_path(demand, "population"),
        "seed": top["seed"], "start": top["start"], "end": top["end"],
        "begin_s": clock_s(top["start"]), "sumo_begin_s": sumo_begin_s(clock_s(top["start"])),
        "end_s": clock_s(top["end"]) + int(60 * top["drain_minutes"]),
        "vehicles": fleet.get("vehicles", 20), "capacity": fleet.get("capacity", 4),
        "max_wait_s": int(60 * service.get("max_wait_minutes", 10)),
        "max_detour_factor": service.get("max_detour_factor", 1.5),
        "dwell_s": service.get("dwell_seconds", 30),
        "max_walk_m": service.get("max_walk_to_road_m", 300),
    }
    for key, value in assignments.items():
        print(f"sc_{key}={shlex.quote(str(value))}")


# --- SUMO inputs -----------------------------------------------------------------------------------------------

# Our importer's speed for a way without a readable maxspeed, km/h per highway class: a copy of kDefaultSpeedKmh in
# src/road/speed_table.cpp (keep the two in step). SUMO's own defaults are rural ones (a primary road 100 km/h, a
# secondary 100, a residential street 50), so without this the two engines would drive the same roads at
# different speeds.
OUR_DEFAULT_SPEED_KMH = {
    "motorway": 90, "motorway_link": 50, "trunk": 70, "trunk_link": 40, "primary": 50, "primary_link": 35,
    "secondary": 40, "secondary_link": 30, "tertiary": 35, "tertiary_link": 25, "unclassified": 25,
    "residential": 20, "living_street": 10, "service": 15,
}


def command_typemap(args):
    """SUMO's OSM type map with our default speeds: tagged maxspeed values still win in both engines."""
    tree = ET.parse(args.sumo_typemap)
    changed = 0
    for element in tree.getroot().iter("type"):
        kind = element.get("id", "")
        if kind.startswith("highway.") and kind[len("highway."):] in OUR_DEFAULT_SPEED_KMH:
            element.set("speed", f'{OUR_DEFAULT_SPEED_KMH[kind[len("highway."):]] / 3.6:.2f}')
            changed += 1
    tree.write(args.output)
    print(f"type map: {changed} highway classes at our default speeds")


def largest_strong_component(edges):
    """Edges of the largest strongly connected component of the edge graph (edge -> successor edge) for vclass: a
    taxi can drive from any of them to any other, as our engine's graph keeps only its largest SCC."""
    index = {e.getID(): i for i, e in enumerate(edges)}
    successors = [[index[t.getID()] for t in e.getOutgoing() if t.getID() in index] for e in edges]
    # Iterative Tarjan.
    counter = 0
    low = [0] * len(edges)
    order = [-1] * len(edges)
    on_stack = [False] * len(edges)
    stack = []
    best = []
    for root in range(len(edges)):
        if order[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                order[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            recurse = False
            for k in range(child, len(successors[node])):
                nxt = successors[node][k]
                if order[nxt] == -1:
                    work.append((node, k + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if on_stack[nxt]:
                    low[node] = min(low[node], order[nxt])
            if recurse:
                continue
            if low[node] == order[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack[top] = False
                    component.append(top)
                    if top == node:
                        break
                if len(component) > len(best):
                    best = component
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return {edges[i].getID() for i in best}


class EdgeSnapper:
    """Nearest edge that allows taxis and passenger cars and lies in the largest strongly connected component,
    within max_m of the point; returns (edge id, position along the edge in metres) or None."""

    def __init__(self, net, max_m):
        import sumolib.geomhelper as geomhelper
        self.net = net
        self.max_m = max_m
        self.geomhelper = geomhelper
        drivable = [e for e in net.getEdges() if e.allows("taxi") and e.allows("passenger")]
        self.allowed = largest_strong_component(drivable)

    def snap(self, lat, lon, max_m=None):
        x, y = self.net.convertLonLat2XY(lon, lat)
        radius = self.max_m if max_m is None else max_m
        candidates = [(d, e) for e, d in self.net.getNeighboringEdges(x, y, radius) if e.getID() in self.allowed]
        if not candidates:
            return None
        distance, edge = min(candidates, key=lambda c: (c[0], c[1].getID()))
        lane = edge.getLanes()[0]
        offset = self.geomhelper.polygonOffsetWithMinimumDistanceToPoint((x, y), lane.getShape(), perpendicular=False)
        # SUMO measures lane positions along the lane's length, which may differ from its drawn shape.
        shape_length = max(self.geomhelper.polyLength(lane.getShape()), 1e-3)
        length = lane.getLength()
        position = offset * length / shape_length
        # Keep stops a little inside the edge: a stop at 0 or at the very end makes taxis stop on junctions.
        margin = min(2.0, length / 4)
        return edge.getID(), min(max(position, margin), length - margin), distance


def command_sumo(args):
    import sumolib
    with open(args.scenario, "rb") as f:
        doc = tomllib.load(f)
    service = doc.get("service", {})
    fleet = doc.get("fleet", {})
    max_walk_m = float(service.get("max_walk_to_road_m", 300))
    max_wait_s = 60.0 * float(service.get("max_wait_minutes", 10))
    dwell_s = float(service.get("dwell_seconds", 30))
    capacity = int(fleet.get("capacity", 4))
    begin_s = args.begin_s

    net = sumolib.net.readNet(args.net)
    snapper = EdgeSnapper(net, max_walk_m)

    persons = []
    unmapped = 0
    with open(args.demand) as f:
        for row in csv.DictReader(f):
            origin = snapper.snap(float(row["origin_lat"]), float(row["origin_lon"]))
            destination = snapper.snap(float(row["destination_lat"]), float(row["destination_lon"]))
            if origin is None or destination is None:
                unmapped += 1  # our engine's `not_on_road`: no drivable road within max_walk_to_road_m
                continue
            time_s = float(row["request_time_s"])
            latest = row.get("latest_pickup_s") or ""
            deadline_s = float(latest) if latest else time_s + max_wait_s
            persons.append((time_s, row["request_id"], int(row.get("passengers") or 1), origin, destination,
                            deadline_s))
    persons.sort(key=lambda p: (p[0], int(p[1])))
    with open(os.path.join(args.out, "deadlines.csv"), "w") as out:
        out.write("person,deadline_s\n")
        for time_s, request, passengers, origin, destination, deadline_s in persons:
            for k in range(passengers):
                out.write(f"r{request}_{k},{deadline_s:.3f}\n")
    with open(os.path.join(args.out, "persons.rou.xml"), "w") as out:
        out.write("<routes>\n")
        for time_s, request, passengers, origin, destination, _ in persons:
            # A request of several passengers is one group: SUMO books one reservation for the group.
            group = f' group="g{request}"' if passengers > 1 else ""
            for k in range(passengers):
                out.write(f'  <person id="r{request}_{k}" depart="{time_s:.2f}" departPos="{origin[1]:.2f}">'
                          f'<ride from="{origin[0]}" to="{destination[0]}" arrivalPos="{destination[1]:.2f}" '
                          f'lines="taxi"{group}/></person>\n')
        out.write("</routes>\n")

    # Vehicles start where our engine started them (its vehicle_events.csv `start` rows), when SUMO starts.
    starts = {}
    with open(args.starts) as f:
        for row in csv.DictReader(f):
            if row["event"] == "start":
                starts[int(row["vehicle"])] = (float(row["lat"]), float(row["lon"]))
    with open(os.path.join(args.out, "taxis.rou.xml"), "w") as out:
        out.write("<routes>\n")
        # speedFactor 1 without deviation: drive at the limit, as our engine's travel times assume.
        out.write(f'  <vType id="robotaxi" vClass="taxi" personCapacity="{capacity}" speedFactor="1" '
                  'speedDev="0">\n'
                  '    <param key="has.taxi.device" value="true"/>\n'
                  f'    <param key="device.taxi.pickUpDuration" value="{dwell_s:g}"/>\n'
                  f'    <param key="device.taxi.dropOffDuration" value="{dwell_s:g}"/>\n'
                  '  </vType>\n')
        for vehicle in sorted(starts):
            lat, lon = starts[vehicle]
            snapped = snapper.snap(lat, lon, max(max_walk_m, 1000.0))
            if snapped is None:
                sys.exit(f"vehicle {vehicle}: no taxi road within 1 km of its start {lat},{lon}")
            out.write(f'  <vehicle id="taxi{vehicle}" type="robotaxi" depart="{sumo_begin_s(begin_s)}" '
                      f'departPos="{snapped[1]:.2f}" departSpeed="0" line="taxi">'
                      f'<route edges="{snapped[0]}"/></vehicle>\n')
        out.write("</routes>\n")
    print(f"SUMO inputs: {len(persons)} requests mapped to edges, {unmapped} without a taxi road within "
          f"{max_walk_m:g} m, {len(starts)} taxis")


def command_run(args):
    """Runs SUMO under TraCI only to give up unserved requests at their deadline, as our engine rejects them: a
    person still without a taxi at the maximum wait is removed. SUMO 1.15's own --time-to-teleport.ride is no
    substitute: it also teleports persons a taxi is already driving to, and that taxi then waits at the empty
    pick-up for ever (it is never dispatched again), so the fleet dwindles. A person a taxi has been dispatched to
    keeps waiting, also past the maximum wait (SUMO's greedy dispatchers do not check pick-up deadlines)."""
    import traci
    with open(args.deadlines) as f:
        deadlines = sorted((float(row["deadline_s"]), row["person"]) for row in csv.DictReader(f))
    sumo_args = args.sumo_args[1:] if args.sumo_args[:1] == ["--"] else args.sumo_args
    # traci.start would wait a whole second before its first connection attempt.
    import subprocess
    import sumolib
    port = sumolib.miscutils.getFreeSocketPort()
    process = subprocess.Popen(["sumo", "--remote-port", str(port)] + sumo_args)
    sim = traci.connect(port, proc=process, waitBetweenRetries=0.05)
    try:
        subscribed = set()
        key = "device.taxi.currentCustomers"  # the persons of the taxi's dispatched reservations, until they alight
        i = 0
        now = -math.inf
        removed = 0
        while i < len(deadlines):
            # Check in steps of at least args.check_s seconds so that a busy day does not stop SUMO every second.
            target = max(math.ceil(deadlines[i][0]), now + args.check_s)
            if target >= args.end:
                break
            sim.simulationStep(float(target))
            now = target
            for vehicle in sim.vehicle.getIDList():
                if vehicle not in subscribed:
                    sim.vehicle.subscribeParameterWithKey(vehicle, key)
                    subscribed.add(vehicle)
            assigned = set()
            for vehicle, values in sim.vehicle.getAllSubscriptionResults().items():
                for value in values.values():
                    assigned.update(value[1].split() if isinstance(value, tuple) else str(value).split())
            present = set(sim.person.getIDList())
            while i < len(deadlines) and deadlines[i][0] <= now:
                person = deadlines[i][1]
                if person in present and person not in assigned:
                    sim.person.remove(person)
                    removed += 1
                i += 1
        sim.simulationStep(float(args.end))
    finally:
        sim.close()
    print(f"SUMO: {removed} persons gave up without a taxi")


# --- comparison -----------------------------------------------------------------------------------------------


def ours_figures(directory):
    with open(os.path.join(directory, "kpis.json")) as f:
        kpis = json.load(f)
    overall, fleet = kpis["overall"], kpis["fleet"]
    return {"requests": overall["requests"], "served": overall["served"], "late": 0,
            "wait_mean_s": overall["wait_mean_s"], "ride_mean_s": overall["ride_mean_s"],
            "occupied_km": fleet["occupied_km"], "empty_km": fleet["empty_km"]}


def sumo_figures(directory, requests, max_wait_s):
    """A request is served when its (first) person was delivered; `late` of them were picked up after the maximum
    wait (a taxi was already on its way when it passed). The others gave up without a taxi, were too far from a
    taxi road, or were still waiting or riding when the simulation ended. Waits and rides are per request, as ours."""
    served = {}
    occupied_m = total_m = 0.0
    for _, element in ET.iterparse(os.path.join(directory, "tripinfo.xml")):
        if element.tag == "personinfo":
            request = element.get("id").rsplit("_", 1)[0]
            ride = element.find("ride")
            # A ride given up has vehicle NULL; an unfinished one has no positive arrival.
            if ride is not None and ride.get("vehicle") not in (None, "", "NULL") and \
                    float(ride.get("arrival", -1)) > 0 and request not in served:
                served[request] = (float(ride.get("waitingTime")), float(ride.get("duration")))
            element.clear()
        elif element.tag == "tripinfo":
            total_m += float(element.get("routeLength", 0))
            taxi = element.find("taxi")
            if taxi is not None:
                occupied_m += float(taxi.get("occupiedDistance", 0))
            element.clear()
    mean = lambda values: sum(values) / len(values) if values else float("nan")
    return {"requests": requests, "served": len(served),
            "late": sum(1 for wait, _ in served.values() if wait > max_wait_s),
            "wait_mean_s": mean([wait for wait, _ in served.values()]),
            "ride_mean_s": mean([ride for _, ride in served.values()]),
            "occupied_km": occupied_m / 1000.0, "empty_km": (total_m - occupied_m) / 1000.0}


def command_compare(args):
    rows = []
    with open(args.runs) as f:
        runs = list(csv.DictReader(f))
    for run in runs:
        ours = ours_figures(run["ours_dir"])
        theirs = sumo_figures(run["sumo_dir"], ours["requests"], args.max_wait)
        wall_ratio = float(run["sumo_wall_s"]) / max(float(run["ours_wall_s"]), 1e-3)
        cpu_ratio = float(run["sumo_cpu_s"]) / max(float(run["ours_cpu_s"]), 1e-3)
        for engine, figures, side, policy in (("bitgoeul", ours, "ours", run["policy"]),
                                              ("sumo", theirs, "sumo", run["algorithm"])):
            rows.append({"pair": f'{run["policy"]}~{run["algorithm"]}', "engine": engine, "policy": policy,
                         "wall_s": float(run[f"{side}_wall_s"]), "cpu_s": float(run[f"{side}_cpu_s"]),
                         "wall_ratio_sumo_to_ours": round(wall_ratio, 1), "cpu_ratio_sumo_to_ours": round(cpu_ratio, 1),
                         "requests": figures["requests"], "served": figures["served"],
                         "service_rate_pct": round(100 * figures["served"] / max(figures["requests"], 1), 2),
                         "served_late": figures["late"],
                         "wait_mean_s": round(figures["wait_mean_s"], 1),
                         "ride_mean_s": round(figures["ride_mean_s"], 1),
                         "occupied_km": round(figures["occupied_km"], 1), "empty_km": round(figures["empty_km"], 1),
                         "vehicle_km": round(figures["occupied_km"] + figures["empty_km"], 1)})
    with open(args.csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    header = (f'{"engine policy":<27} {"wall s":>7} {"cpu s":>7} {"served":>13} {"late":>5} {"wait s":>7} '
              f'{"ride s":>7} {"occ km":>7} {"empty km":>8} {"veh km":>7}')
    print(header)
    print("-" * len(header))
    for i, row in enumerate(rows):
        label = f'{row["engine"]} {row["policy"]}'
        served = f'{row["served"]} {row["service_rate_pct"]:.1f}%'
        print(f'{label:<27} {row["wall_s"]:>7.2f} {row["cpu_s"]:>7.2f} {served:>13} {row["served_late"]:>5} '
              f'{row["wait_mean_s"]:>7.0f} {row["ride_mean_s"]:>7.0f} {row["occupied_km"]:>7.1f} '
              f'{row["empty_km"]:>8.1f} {row["vehicle_km"]:>7.1f}')
        if i % 2 == 1:
            print(f'{"  SUMO / ours":<27} {row["wall_ratio_sumo_to_ours"]:>6.0f}x '
                  f'{row["cpu_ratio_sumo_to_ours"]:>6.0f}x')
    print(f"wrote {args.csv}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("scenario")
    p.add_argument("scenario")
    p.add_argument("--vehicles", type=int, default=0)
    p.add_argument("--start", default="")
    p.add_argument("--end", default="")
    p = commands.add_parser("sumo")
    p.add_argument("--net", required=True)
    p.add_argument("--demand", required=True)
    p.add_argument("--starts", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--begin-s", type=int, required=True)
    p.add_argument("--out", required=True)
    p = commands.add_parser("run")
    p.add_argument("--deadlines", required=True)
    p.add_argument("--end", type=float, required=True)
    p.add_argument("--check-s", type=float, default=1.0)
    p.add_argument("sumo_args", nargs=argparse.REMAINDER)
    p = commands.add_parser("typemap")
    p.add_argument("sumo_typemap")
    p.add_argument("output")
    p = commands.add_parser("compare")
    p.add_argument("--runs", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--max-wait", type=float, required=True)
    args = parser.parse_args()
    {"scenario": command_scenario, "sumo": command_sumo, "typemap": command_typemap, "run": command_run,
     "compare": command_compare}[args.command](args)


if __name__ == "__main__":
    main()
