// The OSM importer as a specification: each tag rule, turn restrictions (checked by routing on the result), graph
// compression, component pruning, every kind of bad input, and the real maps in shared/data/osm.

#include "road/osm_import.h"

#include <bzlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <queue>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "road/graph_file.h"
#include "road/osm_network.h"
#include "road/speed_table.h"

namespace bitgoeul::road {
namespace {

using ::testing::HasSubstr;
using Tags = std::vector<std::pair<std::string, std::string>>;

constexpr double kBaseLat = 35.15;  // Gwangju
constexpr double kBaseLon = 126.85;
constexpr double kStep = 0.001;     // degrees, about 110 m north-south, 91 m east-west here

// ---- OSM XML snippets -------------------------------------------------------------------------------------------

std::string node_xml(int64_t id, double lat, double lon) {
  return fmt::format("  <node id=\"{}\" lat=\"{:.7f}\" lon=\"{:.7f}\"/>\n", id, lat, lon);
}

std::string way_xml(int64_t id, const std::vector<int64_t>& refs, const Tags& tags) {
  std::string xml = fmt::format("  <way id=\"{}\">\n", id);
  for (const int64_t ref : refs) xml += fmt::format("    <nd ref=\"{}\"/>\n", ref);
  for (const auto& [key, value] : tags) xml += fmt::format("    <tag k=\"{}\" v=\"{}\"/>\n", key, value);
  return xml + "  </way>\n";
}

std::string restriction_xml(int64_t id, const std::string& value, std::vector<int64_t> from, int64_t via,
                            std::vector<int64_t> to, const std::string& key = "restriction") {
  std::string xml = fmt::format("  <relation id=\"{}\">\n", id);
  for (const int64_t way : from) xml += fmt::format("    <member type=\"way\" ref=\"{}\" role=\"from\"/>\n", way);
  if (via != 0) xml += fmt::format("    <member type=\"node\" ref=\"{}\" role=\"via\"/>\n", via);
  for (const int64_t way : to) xml += fmt::format("    <member type=\"way\" ref=\"{}\" role=\"to\"/>\n", way);
  xml += "    <tag k=\"type\" v=\"restriction\"/>\n";
  xml += fmt::format("    <tag k=\"{}\" v=\"{}\"/>\n", key, value);
  return xml + "  </relation>\n";
}

std::string osm_xml(const std::string& body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"test\">\n" + body + "</osm>\n";
}

ImportOptions quiet(bool keep_largest_component = true) {
  ImportOptions options;
  options.show_progress = false;
  options.keep_largest_component = keep_largest_component;
  return options;
}

Result<ImportResult> import_xml(const std::string& body, bool keep_largest_component = true) {
  return import_osm_buffer(osm_xml(body), "osm", "test.osm", quiet(keep_largest_component));
}

// One road from node 1 (west) to node 2 (east), 0.001° long, with `tags`; the raw topology is kept.
Result<ImportResult> import_road(const Tags& tags) {
  return import_xml(node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) + way_xml(7, {1, 2}, tags),
                    /*keep_largest_component=*/false);
}

int edges_from_to(const RoadGraph& graph, int64_t tail_osm, int64_t head_osm) {
  int count = 0;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    count += graph.osm_node_ids[graph.tail[e]] == tail_osm && graph.osm_node_ids[graph.head[e]] == head_osm;
  }
  return count;
}

// ---- a plain Dijkstra on distance, written here so the test does not trust the routing module ---------------------

struct Path {
  double distance_m = std::numeric_limits<double>::infinity();
  std::vector<EdgeId> edges;
};

// Shortest path from the node(s) with OSM id `source_osm` to any node with OSM id `target_osm`.
Path shortest_path(const RoadGraph& graph, int64_t source_osm, int64_t target_osm) {
  const uint32_t n = graph.node_count();
  std::vector<double> distance(n, std::numeric_limits<double>::infinity());
  std::vector<EdgeId> parent(n, kInvalidId);
  using Item = std::pair<double, NodeId>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  for (NodeId v = 0; v < n; ++v) {
    if (graph.osm_node_ids[v] == source_osm) {
      distance[v] = 0;
      queue.push({0.0, v});
    }
  }
  while (!queue.empty()) {
    const auto [d, v] = queue.top();
    queue.pop();
    if (d > distance[v]) continue;
    if (graph.osm_node_ids[v] == target_osm) {
      Path path;
      path.distance_m = d;
      for (NodeId at = v; parent[at] != kInvalidId; at = graph.tail[parent[at]]) path.edges.push_back(parent[at]);
      std::reverse(path.edges.begin(), path.edges.end());
      return path;
    }
    for (EdgeId e = graph.first_out[v]; e < graph.first_out[v + 1]; ++e) {
      const double next = d + graph.distance_m[e];
      if (next < distance[graph.head[e]]) {
        distance[graph.head[e]] = next;
        parent[graph.head[e]] = e;
        queue.push({next, graph.head[e]});
      }
    }
  }
  return {};
}

// Does the path drive from way `from_way` onto way `to_way`?
bool turns(const RoadGraph& graph, const Path& path, int64_t from_way, int64_t to_way) {
  for (size_t i = 1; i < path.edges.size(); ++i) {
    if (graph.osm_way_ids[path.edges[i - 1]] == from_way && graph.osm_way_ids[path.edges[i]] == to_way) return true;
  }
  return false;
}

// ---- files --------------------------------------------------------------------------------------------------------

std::string temp_path(const std::string& name) {
  return (std::filesystem::path(::testing::TempDir()) / ("bitgoeul_import_test_" + name)).string();
}

std::string write_file(const std::string& name, const std::string& bytes) {
  const std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string bzip2(const std::string& bytes) {
  std::string out(bytes.size() + bytes.size() / 100 + 1024, '\0');
  unsigned int size = static_cast<unsigned int>(out.size());
  const int rc = BZ2_bzBuffToBuffCompress(out.data(), &size, const_cast<char*>(bytes.data()),
                                          static_cast<unsigned int>(bytes.size()), 9, 0, 0);
  EXPECT_EQ(rc, BZ_OK);
  out.resize(size);
  return out;
}

std::string fixture(const std::string& name) { return std::string(BITGOEUL_SOURCE_DIR) + "/tests/fixtures/osm/" + name; }
std::string shared_map(const std::string& name) { return std::string(BITGOEUL_SHARED_DATA_DIR) + "/osm/" + name; }

void expect_same_graph(const RoadGraph& a, const RoadGraph& b) {
  EXPECT_EQ(a.coordinates, b.coordinates);
  EXPECT_EQ(a.osm_node_ids, b.osm_node_ids);
  EXPECT_EQ(a.first_out, b.first_out);
  EXPECT_EQ(a.tail, b.tail);
  EXPECT_EQ(a.head, b.head);
  EXPECT_EQ(a.travel_time_ms, b.travel_time_ms);
  EXPECT_EQ(a.distance_m, b.distance_m);
  EXPECT_EQ(a.road_class, b.road_class);
  EXPECT_EQ(a.osm_way_ids, b.osm_way_ids);
  EXPECT_EQ(a.first_shape, b.first_shape);
  EXPECT_EQ(a.shape, b.shape);
}

// ---- highway class ------------------------------------------------------------------------------------------------

TEST(OsmImportTags, EveryCarClassIsKept) {
  for (const char* highway : {"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
                              "secondary", "secondary_link", "tertiary", "tertiary_link", "unclassified",
                              "residential", "living_street", "service"}) {
    const auto imported = import_road({{"highway", highway}, {"oneway", "no"}});
    ASSERT_TRUE(imported.is_ok()) << highway << ": " << imported.status().to_string();
    EXPECT_EQ(imported->graph.edge_count(), 2u) << highway;
    EXPECT_STREQ(road_class_name(imported->graph.road_class[0]), highway);
  }
}

TEST(OsmImportTags, NonCarClassesAreSkippedAndCounted) {
  std::string body = node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                     way_xml(7, {1, 2}, {{"highway", "residential"}});
  int64_t id = 100;
  for (const char* highway : {"footway", "cycleway", "path", "track", "steps", "pedestrian", "bridleway", "raceway"}) {
    body += way_xml(id++, {1, 2}, {{"highway", highway}});
  }
  body += way_xml(id++, {1, 2}, {{"building", "yes"}});  // not a road at all: not counted
  const auto imported = import_xml(body, false);
  ASSERT_TRUE(imported.is_ok());
  EXPECT_EQ(imported->graph.edge_count(), 2u);
  EXPECT_EQ(imported->report.routable_ways, 1u);
  EXPECT_EQ(imported->report.ways_skipped.at("highway class not for cars"), 8u);
  EXPECT_EQ(imported->report.ways_skipped.size(), 1u);
}

// ---- oneway ---------------------------------------------------------------------------------------------------------

TEST(OsmImportTags, OnewayForwardSpellings) {
  for (const char* value : {"yes", "1", "true"}) {
    const auto imported = import_road({{"highway", "residential"}, {"oneway", value}});
    ASSERT_TRUE(imported.is_ok());
    EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 1) << value;
    EXPECT_EQ(edges_from_to(imported->graph, 2, 1), 0) << value;
  }
}

TEST(OsmImportTags, OnewayMinusOneDrivesAgainstTheNodeOrder) {
  const auto imported = import_road({{"highway", "residential"}, {"oneway", "-1"}});
  ASSERT_TRUE(imported.is_ok());
  EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 0);
  EXPECT_EQ(edges_from_to(imported->graph, 2, 1), 1);
}

TEST(OsmImportTags, OnewayNoAndAbsentAreBothWays) {
  for (const Tags& tags : {Tags{{"highway", "residential"}}, Tags{{"highway", "residential"}, {"oneway", "no"}}}) {
    const auto imported = import_road(tags);
    ASSERT_TRUE(imported.is_ok());
    EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 1);
    EXPECT_EQ(edges_from_to(imported->graph, 2, 1), 1);
  }
}

TEST(OsmImportTags, RoundaboutAndMotorwayImplyOneway) {
  for (const Tags& tags : {Tags{{"highway", "primary"}, {"junction", "roundabout"}},
                           Tags{{"highway", "tertiary"}, {"junction", "circular"}}, Tags{{"highway", "motorway"}}}) {
    const auto imported = import_road(tags);
    ASSERT_TRUE(imported.is_ok());
    EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 1);
    EXPECT_EQ(edges_from_to(imported->graph, 2, 1), 0);
  }
  const auto explicit_two_way = import_road({{"highway", "motorway"}, {"oneway", "no"}});
  ASSERT_TRUE(explicit_two_way.is_ok());
  EXPECT_EQ(explicit_two_way->graph.edge_count(), 2u);
}

TEST(OsmImportTags, ReversibleWaysAreNotRoutable) {
  for (const char* value : {"reversible", "alternating"}) {
    const auto imported = import_xml(node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                                         node_xml(3, kBaseLat, kBaseLon + 2 * kStep) +
                                         way_xml(7, {1, 2}, {{"highway", "primary"}, {"oneway", value}}) +
                                         way_xml(8, {2, 3}, {{"highway", "primary"}}),
                                     false);
    ASSERT_TRUE(imported.is_ok());
    EXPECT_EQ(imported->report.ways_skipped.at("oneway=reversible"), 1u);
    EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 0);
  }
}

// ---- access ---------------------------------------------------------------------------------------------------------

TEST(OsmImportTags, AccessNoAndPrivateExcludeTheWay) {
  const std::vector<std::pair<Tags, std::string>> cases = {
      {{{"access", "no"}}, "access=no"},
      {{{"access", "private"}}, "access=private"},
      {{{"motor_vehicle", "no"}}, "access=no"},
      {{{"motor_vehicle", "private"}}, "access=private"},
      {{{"motorcar", "no"}}, "access=no"},
      {{{"vehicle", "private"}}, "access=private"},
      {{{"access", "yes"}, {"motorcar", "no"}}, "access=no"},
  };
  for (const auto& [access, reason] : cases) {
    Tags tags = access;
    tags.emplace_back("highway", "residential");
    const auto imported = import_xml(node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                                         node_xml(3, kBaseLat, kBaseLon + 2 * kStep) + way_xml(7, {1, 2}, tags) +
                                         way_xml(8, {2, 3}, {{"highway", "residential"}}),
                                     false);
    ASSERT_TRUE(imported.is_ok());
    EXPECT_EQ(imported->report.ways_skipped.at(reason), 1u) << access.front().first << "=" << access.front().second;
    EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 0);
  }
}

TEST(OsmImportTags, DestinationPermissiveAndSpecificYesAreAllowed) {
  for (const Tags& access : {Tags{{"access", "destination"}}, Tags{{"access", "permissive"}},
                             Tags{{"motor_vehicle", "destination"}}, Tags{{"access", "no"}, {"motorcar", "yes"}},
                             Tags{{"access", "private"}, {"motor_vehicle", "permissive"}}}) {
    Tags tags = access;
    tags.emplace_back("highway", "service");
    const auto imported = import_road(tags);
    ASSERT_TRUE(imported.is_ok()) << access.front().first << "=" << access.front().second;
    EXPECT_EQ(imported->graph.edge_count(), 2u);
  }
}

// ---- maxspeed -------------------------------------------------------------------------------------------------------

TEST(OsmImportTags, EveryMaxspeedSpellingSetsTheTravelTime) {
  const double residential_kmh = default_speed_kmh(RoadClass::kResidential);
  const std::vector<std::pair<std::string, double>> cases = {
      {"50", 50.0},         {"50 km/h", 50.0},     {"30 mph", 48.28032},       {"KR:urban", 50.0},
      {"KR:rural", 80.0},   {"KR:motorway", 100.0}, {"DE:urban", 50.0},        {"FR:rural", 80.0},
      {"walk", kWalkSpeedKmh}, {"none", residential_kmh}, {"signals", residential_kmh}, {"fast!", residential_kmh},
  };
  for (const auto& [value, kmh] : cases) {
    const auto imported = import_road({{"highway", "residential"}, {"maxspeed", value}});
    ASSERT_TRUE(imported.is_ok()) << value;
    const RoadGraph& graph = imported->graph;
    ASSERT_EQ(graph.edge_count(), 2u);
    EXPECT_EQ(graph.travel_time_ms[0], travel_time_ms(graph.distance_m[0], kmh)) << value;
  }
}

TEST(OsmImportTags, WithoutMaxspeedTheClassDefaultApplies) {
  const auto imported = import_road({{"highway", "primary"}});
  ASSERT_TRUE(imported.is_ok());
  const RoadGraph& graph = imported->graph;
  const double expected_ms = graph.distance_m[0] / (default_speed_kmh(RoadClass::kPrimary) / 3.6) * 1000.0;
  EXPECT_NEAR(graph.travel_time_ms[0], expected_ms, 1.0);
}

TEST(OsmImportTags, DirectionalMaxspeed) {
  const auto imported = import_road({{"highway", "primary"}, {"maxspeed", "60"}, {"maxspeed:backward", "30"}});
  ASSERT_TRUE(imported.is_ok());
  const RoadGraph& graph = imported->graph;
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    const bool forward = graph.osm_node_ids[graph.tail[e]] == 1;
    EXPECT_EQ(graph.travel_time_ms[e], travel_time_ms(graph.distance_m[e], forward ? 60.0 : 30.0));
  }
}

// ---- exclusions -----------------------------------------------------------------------------------------------------

TEST(OsmImportTags, FerryConstructionAndAreasAreExcluded) {
  const std::vector<std::pair<Tags, std::string>> cases = {
      {{{"highway", "primary"}, {"route", "ferry"}}, "ferry"},
      {{{"highway", "construction"}, {"construction", "primary"}}, "construction"},
      {{{"highway", "primary"}, {"construction", "yes"}}, "construction"},
      {{{"highway", "proposed"}}, "construction"},
      {{{"highway", "service"}, {"area", "yes"}}, "area=yes"},
  };
  for (const auto& [tags, reason] : cases) {
    const auto imported = import_xml(node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                                         node_xml(3, kBaseLat, kBaseLon + 2 * kStep) + way_xml(7, {1, 2}, tags) +
                                         way_xml(8, {2, 3}, {{"highway", "residential"}}),
                                     false);
    ASSERT_TRUE(imported.is_ok());
    EXPECT_EQ(imported->report.ways_skipped.at(reason), 1u) << reason;
    EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 0) << reason;
  }
  // construction=no is an ordinary road.
  const auto open = import_road({{"highway", "primary"}, {"construction", "no"}});
  ASSERT_TRUE(open.is_ok());
  EXPECT_EQ(open->graph.edge_count(), 2u);
}

// ---- compression and geometry ---------------------------------------------------------------------------------------

TEST(OsmImportGraph, IntermediateNodesBecomeShapePoints) {
  //   1 ── 2 ── 3 ── 4       way 7: 1-2-3-4, way 8: 3-5 makes 3 a junction
  //             |
  //             5
  const auto imported = import_xml(
      node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat + 0.0002, kBaseLon + kStep) +
          node_xml(3, kBaseLat, kBaseLon + 2 * kStep) + node_xml(4, kBaseLat, kBaseLon + 3 * kStep) +
          node_xml(5, kBaseLat - kStep, kBaseLon + 2 * kStep) + way_xml(7, {1, 2, 3, 4}, {{"highway", "residential"}}) +
          way_xml(8, {3, 5}, {{"highway", "residential"}}),
      false);
  ASSERT_TRUE(imported.is_ok());
  const RoadGraph& graph = imported->graph;
  EXPECT_EQ(graph.node_count(), 4u);  // 1, 3, 4, 5: node 2 is only a shape point
  EXPECT_EQ(graph.edge_count(), 6u);
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (graph.osm_node_ids[graph.tail[e]] != 1) continue;
    EXPECT_EQ(graph.osm_node_ids[graph.head[e]], 3);
    const std::vector<geo::LatLon> points = graph.edge_geometry(e);
    ASSERT_EQ(points.size(), 3u);
    EXPECT_EQ(points[1], (geo::LatLon{kBaseLat + 0.0002, kBaseLon + kStep}));
    EXPECT_NEAR(graph.distance_m[e], geo::haversine_m(points[0], points[1]) + geo::haversine_m(points[1], points[2]),
                0.01);
    EXPECT_EQ(graph.osm_way_ids[e], 7);
  }
  EXPECT_TRUE(validate(graph).is_ok());
}

TEST(OsmImportGraph, TravelTimesAreWholeMillisecondsOfAtLeastOne) {
  EXPECT_EQ(travel_time_ms(0.0, 50.0), 1u);
  EXPECT_EQ(travel_time_ms(0.001, 50.0), 1u);
  EXPECT_EQ(travel_time_ms(1000.0, 36.0), 100000u);
}

TEST(OsmImportGraph, KeepsTheLargestStronglyConnectedComponent) {
  // A two-way triangle 1-2-3 (kept), a one-way spur 3 → 4 (a trap: 4 cannot return) and an island 5-6.
  const std::string body =
      node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
      node_xml(3, kBaseLat + kStep, kBaseLon) + node_xml(4, kBaseLat + 2 * kStep, kBaseLon) +
      node_xml(5, kBaseLat + 0.01, kBaseLon) + node_xml(6, kBaseLat + 0.01, kBaseLon + kStep) +
      way_xml(7, {1, 2, 3, 1}, {{"highway", "residential"}}) +
      way_xml(8, {3, 4}, {{"highway", "residential"}, {"oneway", "yes"}}) +
      way_xml(9, {5, 6}, {{"highway", "residential"}});
  const auto raw = import_xml(body, false);
  ASSERT_TRUE(raw.is_ok());
  EXPECT_EQ(raw->graph.node_count(), 5u);  // 1 (way end), 3 (junction), 4, 5, 6; 2 is a shape point
  const auto imported = import_xml(body);
  ASSERT_TRUE(imported.is_ok());
  const ImportReport& report = imported->report;
  EXPECT_EQ(report.components, 3u);  // {1, 3}, {4}, {5, 6}
  EXPECT_EQ(imported->graph.node_count(), 2u);
  EXPECT_EQ(report.scc_dropped_nodes, 3u);
  EXPECT_EQ(report.scc_dropped_edges, 3u);
  EXPECT_EQ(report.nodes, 2u);
  EXPECT_EQ(report.edges, imported->graph.edge_count());
  for (NodeId v = 0; v < imported->graph.node_count(); ++v) {
    EXPECT_THAT(imported->graph.osm_node_ids[v], ::testing::AnyOf(1, 3));
  }
}

// ---- turn restrictions ----------------------------------------------------------------------------------------------
//
//            NW ─────────── N ─────────── NE          arms (ways 10-13) meet at C;
//            │              │              │          the ring (way 20) links the arm ends the long way round
//            │              │ 12           │
//            W ─── 10 ───── C ───── 11 ─── E
//            │              │ 13           │
//            │              │              │
//            SW ─────────── S ─────────── SE
// Node ids: C 100, W 101, E 102, N 103, S 104; ring corners 111-114 sit at twice the arm length.

std::string crossroads(const std::string& relations) {
  const double d = kStep;
  std::string body = node_xml(100, kBaseLat, kBaseLon) + node_xml(101, kBaseLat, kBaseLon - d) +
                     node_xml(102, kBaseLat, kBaseLon + d) + node_xml(103, kBaseLat + d, kBaseLon) +
                     node_xml(104, kBaseLat - d, kBaseLon) + node_xml(111, kBaseLat + 2 * d, kBaseLon - 2 * d) +
                     node_xml(112, kBaseLat + 2 * d, kBaseLon + 2 * d) +
                     node_xml(113, kBaseLat - 2 * d, kBaseLon + 2 * d) +
                     node_xml(114, kBaseLat - 2 * d, kBaseLon - 2 * d);
  const Tags road = {{"highway", "residential"}};
  body += way_xml(10, {101, 100}, road) + way_xml(11, {100, 102}, road) + way_xml(12, {100, 103}, road) +
          way_xml(13, {100, 104}, road);
  body += way_xml(20, {101, 111, 103, 112, 102, 113, 104, 114, 101}, road);
  return body + relations;
}

constexpr int64_t kW = 101, kE = 102, kN = 103, kS = 104;

TEST(OsmImportRestrictions, WithoutRestrictionsEveryTurnAtTheCrossroadsIsTaken) {
  const auto imported = import_xml(crossroads(""));
  ASSERT_TRUE(imported.is_ok());
  const RoadGraph& graph = imported->graph;
  EXPECT_TRUE(turns(graph, shortest_path(graph, kW, kN), 10, 12));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kW, kS), 10, 13));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kW, kE), 10, 11));
}

TEST(OsmImportRestrictions, NoLeftTurnIsHonoured) {
  const auto free = import_xml(crossroads(""));
  const auto imported = import_xml(crossroads(restriction_xml(1, "no_left_turn", {10}, 100, {12})));
  ASSERT_TRUE(imported.is_ok());
  const RoadGraph& graph = imported->graph;
  EXPECT_EQ(imported->report.restrictions_read, 1u);
  EXPECT_EQ(imported->report.restrictions_applied, 1u);
  EXPECT_EQ(imported->report.restriction_node_copies, 1u);
  // West → north must not turn left at C, so it takes the longer way round.
  const Path detour = shortest_path(graph, kW, kN);
  EXPECT_FALSE(turns(graph, detour, 10, 12));
  EXPECT_GT(detour.distance_m, shortest_path(free->graph, kW, kN).distance_m + 100.0);
  // Other movements from the west and the left turn from other directions are untouched.
  EXPECT_TRUE(turns(graph, shortest_path(graph, kW, kE), 10, 11));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kW, kS), 10, 13));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kE, kN), 11, 12));
  EXPECT_NEAR(shortest_path(graph, kS, kN).distance_m, shortest_path(free->graph, kS, kN).distance_m, 1e-6);
  // The junction exists twice: the original and the copy for the restricted arm.
  EXPECT_EQ(std::count(graph.osm_node_ids.begin(), graph.osm_node_ids.end(), 100), 2);
}

TEST(OsmImportRestrictions, OnlyStraightOnIsHonoured) {
  const auto imported = import_xml(crossroads(restriction_xml(1, "only_straight_on", {10}, 100, {11})));
  ASSERT_TRUE(imported.is_ok());
  const RoadGraph& graph = imported->graph;
  EXPECT_EQ(imported->report.restrictions_applied, 1u);
  EXPECT_FALSE(turns(graph, shortest_path(graph, kW, kN), 10, 12));
  EXPECT_FALSE(turns(graph, shortest_path(graph, kW, kS), 10, 13));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kW, kE), 10, 11));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kS, kN), 13, 12));
  EXPECT_TRUE(turns(graph, shortest_path(graph, kN, kW), 12, 10));
}

TEST(OsmImportRestrictions, MotorcarSpecificTagAndOtherVehicles) {
  const auto motorcar = import_xml(crossroads(restriction_xml(1, "no_left_turn", {10}, 100, {12}, "restriction:motorcar")));
  ASSERT_TRUE(motorcar.is_ok());
  EXPECT_EQ(motorcar->report.restrictions_applied, 1u);
  EXPECT_FALSE(turns(motorcar->graph, shortest_path(motorcar->graph, kW, kN), 10, 12));
  // A restriction for buses only does not bind cars.
  const auto bus = import_xml(crossroads(restriction_xml(1, "no_left_turn", {10}, 100, {12}, "restriction:bus")));
  ASSERT_TRUE(bus.is_ok());
  EXPECT_EQ(bus->report.restrictions_read, 0u);
  EXPECT_TRUE(turns(bus->graph, shortest_path(bus->graph, kW, kN), 10, 12));
}

TEST(OsmImportRestrictions, NoUTurnOnTheSameWay) {
  // Way 30 runs 101 → 100 → 102 straight through C; a U-turn at C back onto 30 is forbidden, going on is not.
  const Tags road = {{"highway", "residential"}};
  const std::string body = node_xml(100, kBaseLat, kBaseLon) + node_xml(101, kBaseLat, kBaseLon - kStep) +
                           node_xml(102, kBaseLat, kBaseLon + kStep) + node_xml(103, kBaseLat + kStep, kBaseLon) +
                           way_xml(30, {101, 100, 102}, road) + way_xml(31, {100, 103}, road) +
                           restriction_xml(1, "no_u_turn", {30}, 100, {30});
  const auto imported = import_xml(body, false);
  ASSERT_TRUE(imported.is_ok());
  EXPECT_EQ(imported->report.restrictions_applied, 1u);
  const RoadGraph& graph = imported->graph;
  // From the copy of C entered from 101, the exits are 102 and 103 but not back to 101.
  for (EdgeId e = 0; e < graph.edge_count(); ++e) {
    if (graph.osm_node_ids[graph.tail[e]] != 101) continue;
    const NodeId c = graph.head[e];
    std::vector<int64_t> exits;
    for (EdgeId f = graph.first_out[c]; f < graph.first_out[c + 1]; ++f) exits.push_back(graph.osm_node_ids[graph.head[f]]);
    EXPECT_THAT(exits, ::testing::UnorderedElementsAre(102, 103));
  }
}

TEST(OsmImportRestrictions, MalformedAndUnsupportedRestrictionsAreSkippedAndCounted) {
  std::string relations = restriction_xml(1, "no_left_turn", {10}, 0, {12});   // no via
  relations += restriction_xml(2, "no_left_turn", {10}, 100, {});              // no to
  relations += restriction_xml(3, "no_left_turn", {20}, 100, {12});            // ring does not touch C
  relations += restriction_xml(4, "no_left_turn", {10}, 100, {999});           // absent way
  relations += restriction_xml(5, "no_flying", {10}, 100, {12});               // unknown kind
  relations +=
      "  <relation id=\"6\">\n    <member type=\"way\" ref=\"10\" role=\"from\"/>\n"
      "    <member type=\"way\" ref=\"11\" role=\"via\"/>\n    <member type=\"way\" ref=\"12\" role=\"to\"/>\n"
      "    <tag k=\"type\" v=\"restriction\"/>\n    <tag k=\"restriction\" v=\"no_left_turn\"/>\n  </relation>\n";
  const auto imported = import_xml(crossroads(relations));
  ASSERT_TRUE(imported.is_ok()) << imported.status().to_string();
  const ImportReport& report = imported->report;
  EXPECT_EQ(report.restrictions_read, 6u);
  EXPECT_EQ(report.restrictions_applied, 0u);
  EXPECT_EQ(report.restrictions_skipped.at("missing member"), 2u);
  EXPECT_EQ(report.restrictions_skipped.at("from way does not touch via node"), 1u);
  EXPECT_EQ(report.restrictions_skipped.at("member way absent or not routable"), 1u);
  EXPECT_EQ(report.restrictions_skipped.at("unknown restriction value"), 1u);
  EXPECT_EQ(report.restrictions_skipped.at("via way (not supported)"), 1u);
  EXPECT_TRUE(turns(imported->graph, shortest_path(imported->graph, kW, kN), 10, 12));
}

// ---- damaged elements -----------------------------------------------------------------------------------------------

TEST(OsmImportBadElements, WaysAreSplitAroundMissingNodes) {
  // Way 7 refers to node 99, which a clipped extract left out: it becomes the pieces 1-2 and 3-4.
  const auto imported = import_xml(node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                                       node_xml(3, kBaseLat, kBaseLon + 3 * kStep) +
                                       node_xml(4, kBaseLat, kBaseLon + 4 * kStep) +
                                       way_xml(7, {1, 2, 99, 3, 4}, {{"highway", "residential"}}) +
                                       way_xml(8, {98, 97}, {{"highway", "residential"}}),
                                   false);
  ASSERT_TRUE(imported.is_ok());
  const ImportReport& report = imported->report;
  EXPECT_EQ(report.missing_node_refs, 3u);
  EXPECT_EQ(report.ways_split_at_missing_nodes, 1u);
  EXPECT_EQ(report.ways_skipped.at("all nodes missing"), 1u);
  EXPECT_EQ(edges_from_to(imported->graph, 1, 2), 1);
  EXPECT_EQ(edges_from_to(imported->graph, 3, 4), 1);
  EXPECT_EQ(edges_from_to(imported->graph, 2, 3), 0);
}

TEST(OsmImportBadElements, DuplicateIdsAreCountedAndTheFirstWins) {
  const auto imported = import_xml(node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                                       node_xml(2, kBaseLat + 0.5, kBaseLon + 0.5) +
                                       way_xml(7, {1, 2}, {{"highway", "primary"}}) +
                                       way_xml(7, {1, 2}, {{"highway", "service"}}) +
                                       way_xml(7, {2, 1}, {{"highway", "footway"}}),
                                   false);
  ASSERT_TRUE(imported.is_ok());
  const ImportReport& report = imported->report;
  EXPECT_EQ(report.duplicate_nodes, 1u);
  EXPECT_EQ(report.duplicate_ways, 2u);
  const RoadGraph& graph = imported->graph;
  ASSERT_EQ(graph.edge_count(), 2u);
  EXPECT_EQ(graph.road_class[0], RoadClass::kPrimary);
  for (NodeId v = 0; v < graph.node_count(); ++v) {
    if (graph.osm_node_ids[v] == 2) {
      EXPECT_EQ(graph.coordinates[v], (geo::LatLon{kBaseLat, kBaseLon + kStep}));
    }
  }
}

TEST(OsmImportBadElements, AbsurdCoordinatesAreSkippedAndCounted) {
  const std::string body = node_xml(1, kBaseLat, kBaseLon) + node_xml(2, kBaseLat, kBaseLon + kStep) +
                           node_xml(3, kBaseLat, kBaseLon + 2 * kStep) +
                           "  <node id=\"4\" lat=\"95.0\" lon=\"126.9\"/>\n"
                           "  <node id=\"5\" lat=\"1000\" lon=\"126.9\"/>\n"
                           "  <node id=\"6\" lat=\"35.1\" lon=\"east\"/>\n"
                           "  <node id=\"8\"/>\n" +
                           way_xml(7, {1, 2, 3}, {{"highway", "residential"}}) +
                           way_xml(9, {3, 4, 5, 6, 8}, {{"highway", "residential"}});
  const auto imported = import_xml(body, false);
  ASSERT_TRUE(imported.is_ok()) << imported.status().to_string();
  EXPECT_EQ(imported->report.invalid_coordinate_nodes, 4u);
  EXPECT_EQ(imported->report.missing_node_refs, 4u);
  EXPECT_EQ(imported->graph.edge_count(), 2u);
  EXPECT_TRUE(validate(imported->graph).is_ok());
}

// ---- bad files: each error names the file ------------------------------------------------------------------------

void expect_error_naming(const Result<ImportResult>& result, const std::string& name, const std::string& what = "") {
  ASSERT_FALSE(result.is_ok());
  EXPECT_THAT(result.status().message(), HasSubstr(name));
  if (!what.empty()) {
    EXPECT_THAT(result.status().message(), HasSubstr(what));
  }
}

TEST(OsmImportFiles, NonexistentFile) {
  const std::string path = temp_path("does_not_exist.osm");
  const auto result = import_osm(path, quiet());
  expect_error_naming(result, path, "no such file");
  EXPECT_EQ(result.status().code(), ErrorCode::kNotFound);
}

TEST(OsmImportFiles, EmptyFiles) {
  for (const char* name : {"empty.osm", "empty.osm.pbf", "empty.osm.bz2"}) {
    const std::string path = write_file(name, "");
    expect_error_naming(import_osm(path, quiet()), path, "empty");
  }
}

TEST(OsmImportFiles, UnknownFormat) {
  const std::string path = write_file("map.txt", "hello");
  expect_error_naming(import_osm(path, quiet()), path, "format");
}

TEST(OsmImportFiles, TruncatedAndCorruptXml) {
  const std::string whole = osm_xml(crossroads(""));
  const std::string truncated = write_file("truncated.osm", whole.substr(0, whole.size() / 2));
  expect_error_naming(import_osm(truncated, quiet()), truncated);
  const std::string garbage = write_file("garbage.osm", "\x89PNG\r\n\x1a\n not xml at all <<<");
  expect_error_naming(import_osm(garbage, quiet()), garbage);
  const std::string not_osm = write_file("not_osm.osm", "<?xml version=\"1.0\"?><html><body/></html>");
  expect_error_naming(import_osm(not_osm, quiet()), not_osm);
}

TEST(OsmImportFiles, CorruptAndTruncatedPbf) {
  const std::string garbage = write_file("garbage.osm.pbf", std::string(4096, '\x7f'));
  expect_error_naming(import_osm(garbage, quiet()), garbage);
  const std::string pbf = read_file(fixture("crossroads.osm.pbf"));
  ASSERT_FALSE(pbf.empty());
  const std::string truncated = write_file("truncated.osm.pbf", pbf.substr(0, pbf.size() * 2 / 3));
  expect_error_naming(import_osm(truncated, quiet()), truncated);
}

TEST(OsmImportFiles, Bzip2XmlMatchesPlainXmlAndDamageIsAnError) {
  const std::string xml = osm_xml(crossroads(restriction_xml(1, "no_left_turn", {10}, 100, {12})));
  const std::string plain_path = write_file("crossroads.osm", xml);
  const std::string compressed = bzip2(xml);
  const std::string bz2_path = write_file("crossroads.osm.bz2", compressed);
  const auto plain = import_osm(plain_path, quiet());
  const auto packed = import_osm(bz2_path, quiet());
  ASSERT_TRUE(plain.is_ok()) << plain.status().to_string();
  ASSERT_TRUE(packed.is_ok()) << packed.status().to_string();
  expect_same_graph(plain->graph, packed->graph);
  EXPECT_EQ(packed->report.format, "xml+bzip2");

  const std::string truncated = write_file("truncated.osm.bz2", compressed.substr(0, compressed.size() / 2));
  expect_error_naming(import_osm(truncated, quiet()), truncated);
  std::string flipped = compressed;
  for (size_t i = 20; i < flipped.size(); i += 7) flipped[i] = static_cast<char>(flipped[i] ^ 0x5a);
  const std::string corrupt_path = write_file("corrupt.osm.bz2", flipped);
  expect_error_naming(import_osm(corrupt_path, quiet()), corrupt_path);
  const std::string not_bz2 = write_file("not_bz2.osm.bz2", xml);
  expect_error_naming(import_osm(not_bz2, quiet()), not_bz2);
}

TEST(OsmImportFiles, NoRoutableRoadIsAnError) {
  const std::string path = write_file("no_roads.osm", osm_xml(node_xml(1, kBaseLat, kBaseLon) +
                                                              node_xml(2, kBaseLat, kBaseLon + kStep) +
                                                              way_xml(7, {1, 2}, {{"highway", "footway"}})));
  expect_error_naming(import_osm(path, quiet()), path, "no car-routable road");
  const std::string empty_osm = write_file("empty_osm.osm", osm_xml(""));
  expect_error_naming(import_osm(empty_osm, quiet()), empty_osm, "no car-routable road");
}

TEST(OsmImportFiles, FixturesInXmlAndPbfGiveTheSameGraph) {
  const auto xml = import_osm(fixture("crossroads.osm"), quiet());
  const auto pbf = import_osm(fixture("crossroads.osm.pbf"), quiet());
  ASSERT_TRUE(xml.is_ok()) << xml.status().to_string();
  ASSERT_TRUE(pbf.is_ok()) << pbf.status().to_string();
  expect_same_graph(xml->graph, pbf->graph);
  EXPECT_EQ(xml->report.restrictions_applied, 1u);
}

TEST(OsmImportFiles, ProvenanceIsStoredWithTheGraph) {
  const auto imported = import_osm(fixture("crossroads.osm"), quiet());
  ASSERT_TRUE(imported.is_ok());
  const std::string out = temp_path("crossroads.graph");
  ASSERT_TRUE(save_graph(imported->graph, imported->report.to_json(), out).is_ok());
  const auto loaded = load_graph(out);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  expect_same_graph(loaded->graph, imported->graph);
  EXPECT_THAT(loaded->provenance_json, HasSubstr("crossroads.osm"));
  EXPECT_THAT(loaded->provenance_json, HasSubstr("\"applied\": 1"));
  EXPECT_THAT(loaded->provenance_json, HasSubstr("dropped_nodes"));
}

// ---- the real maps ------------------------------------------------------------------------------------------------

bool shared_data_present() { return std::filesystem::exists(shared_map("asanH.clean.osm")); }

TEST(OsmImportRealMaps, AsanOverpassExportEqualsItsCleanCopy) {
  if (!shared_data_present()) GTEST_SKIP() << "no shared data at " << BITGOEUL_SHARED_DATA_DIR;
  const auto clean = import_osm(shared_map("asanH.clean.osm"), quiet());
  const auto overpass = import_osm(shared_map("asanH.osm"), quiet());
  ASSERT_TRUE(clean.is_ok()) << clean.status().to_string();
  ASSERT_TRUE(overpass.is_ok()) << overpass.status().to_string();
  expect_same_graph(clean->graph, overpass->graph);
  EXPECT_EQ(clean->report.overpass_elements_removed, 0u);
  EXPECT_GT(overpass->report.overpass_elements_removed, 0u);
  const ImportReport& report = clean->report;
  EXPECT_EQ(report.nodes_read, 10686u);
  EXPECT_EQ(report.ways_read, 1747u);
  EXPECT_EQ(report.missing_node_refs, 0u);
  EXPECT_GT(report.routable_ways, 200u);
  EXPECT_LE(report.routable_ways, 440u);
  EXPECT_GT(clean->graph.node_count(), 200u);
  EXPECT_LT(clean->graph.node_count(), 2000u);
  EXPECT_GT(clean->graph.edge_count(), clean->graph.node_count());
  double total_km = 0.0;
  for (const double km : report.edge_km_by_class) total_km += km;
  EXPECT_GT(total_km, 30.0);   // a 4.9 km × 3.6 km district
  EXPECT_LT(total_km, 500.0);
}

TEST(OsmImportRealMaps, MonacoPbf) {
  if (!shared_data_present()) GTEST_SKIP() << "no shared data at " << BITGOEUL_SHARED_DATA_DIR;
  const auto imported = import_osm(shared_map("monaco.osm.pbf"), quiet());
  ASSERT_TRUE(imported.is_ok()) << imported.status().to_string();
  const ImportReport& report = imported->report;
  EXPECT_EQ(report.format, "pbf");
  EXPECT_EQ(report.nodes_read, 180118u);
  EXPECT_EQ(report.ways_read, 27377u);
  EXPECT_EQ(report.missing_node_refs, 0u);
  EXPECT_GT(report.routable_ways, 1000u);
  EXPECT_LE(report.routable_ways, 3522u);
  EXPECT_GT(report.restrictions_applied, 0u);
  EXPECT_GT(imported->graph.node_count(), 1000u);
  EXPECT_LT(imported->graph.node_count(), 20000u);
  EXPECT_LT(report.scc_dropped_nodes, imported->graph.node_count() / 4);
  EXPECT_TRUE(validate(imported->graph).is_ok());
}

}  // namespace
}  // namespace bitgoeul::road
