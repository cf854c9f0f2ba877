// `bitgoeul road contract|route|matrix|synth|bench-pairs`: hierarchy build and queries.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "core/csv_reader.h"
#include "core/progress.h"
#include "road/ch_file.h"
#include "road/ch_query.h"
#include "road/graph_file.h"
#include "road/router.h"
#include "road/synthetic_grid.h"

namespace bitgoeul::cli {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// city.graph -> city.ch beside it.
std::string default_ch_path(const std::string& graph_path) {
  std::filesystem::path path(graph_path);
  if (path.extension() == ".graph") return path.replace_extension(".ch").string();
  return graph_path + ".ch";
}

void add_progress_flags(CLI::App* command, std::shared_ptr<bool> progress, std::shared_ptr<bool> no_progress) {
  command->add_flag("--progress", *progress, "Always draw the progress bar (default: only on a terminal)");
  command->add_flag("--no-progress", *no_progress, "Never draw the progress bar");
}

struct GraphAndHierarchy {
  road::LoadedGraph loaded;
  road::ContractionHierarchy ch;
};

// Loads the graph and its hierarchy from `ch_path` (default: beside the graph). A missing or stale hierarchy is
// built in memory with a note on stderr; a damaged one is an error.
Result<std::unique_ptr<GraphAndHierarchy>> load_graph_and_hierarchy(const std::string& graph_path, std::string ch_path) {
  auto result = std::make_unique<GraphAndHierarchy>();
  BITGOEUL_ASSIGN_OR_RETURN(result->loaded, road::load_graph(graph_path));
  if (ch_path.empty()) ch_path = default_ch_path(graph_path);
  std::string reason;
  if (std::filesystem::exists(ch_path)) {
    auto ch = road::load_contraction_hierarchy(ch_path, result->loaded.checksum);
    if (ch.is_ok()) {
      result->ch = std::move(ch).value();
      return result;
    }
    if (ch.status().code() != ErrorCode::kInvalidInput) return ch.status();
    reason = ch.status().message();
  } else {
    reason = fmt::format("{} does not exist", ch_path);
  }
  fmt::print(stderr, "note: {}; building the contraction hierarchy in memory (save it with `bitgoeul road contract {}`)\n",
             reason, graph_path);
  result->ch = road::ContractionHierarchy::build(result->loaded.graph);
  return result;
}

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total < 60) return fmt::format("{:.1f} s", seconds);
  if (total < 3600) return fmt::format("{:.1f} s ({} min {} s)", seconds, total / 60, total % 60);
  return fmt::format("{:.1f} s ({} h {} min)", seconds, total / 3600, total % 3600 / 60);
}

// A CSV field, quoted when it needs to be (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

Result<std::FILE*> open_output(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) return io_error("{}: cannot open for writing", path);
  return file;
}

Status close_output(std::FILE* file, const std::string& path) {
  const bool failed = std::ferror(file) != 0;
  if (std::fclose(file) != 0 || failed) return io_error("{}: write failed", path);
  return Status::ok();
}

// ---- contract -------------------------------------------------------------------------------------------------

void add_contract(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand(
      "contract",
      "Build the contraction hierarchy of a graph and save it (city.graph -> city.ch beside it by default).\n"
      "route, matrix and bench-pairs load it when it matches the graph; one of another (older) graph is not used:\n"
      "they build the hierarchy in memory and say so.");
  auto graph_path = std::make_shared<std::string>();
  auto output_path = std::make_shared<std::string>();
  auto progress = std::make_shared<bool>(false);
  auto no_progress = std::make_shared<bool>(false);
  command->add_option("graph", *graph_path, "Graph file written by `bitgoeul road import` or `road synth`")->required();
  command->add_option("-o,--output", *output_path, "Hierarchy file to write (default: the graph's name with .ch)");
  add_progress_flags(command, progress, no_progress);
  registry.on_run(command, [=]() -> Status {
    if (*progress) ProgressBar::set_enabled(true);
    if (*no_progress) ProgressBar::set_enabled(false);
    BITGOEUL_ASSIGN_OR_RETURN(road::LoadedGraph loaded, road::load_graph(*graph_path));
    const std::string path = output_path->empty() ? default_ch_path(*graph_path) : *output_path;
    road::ChBuildOptions options;
    options.show_progress = !*no_progress;
    const auto start = Clock::now();
    const road::ContractionHierarchy ch = road::ContractionHierarchy::build(loaded.graph, options);
    const double build_s = seconds_since(start);
    BITGOEUL_RETURN_IF_ERROR(road::save_contraction_hierarchy(ch, loaded.checksum, path));
    fmt::print("graph: {} ({} nodes, {} edges)\n", *graph_path, loaded.graph.node_count(), loaded.graph.edge_count());
    fmt::print("hierarchy: {} upward + {} downward arcs, {} shortcuts, built in {:.2f} s\n", ch.upward.arc_count(),
               ch.downward.arc_count(), ch.shortcut_count(), build_s);
    fmt::print("wrote {}\n", path);
    return Status::ok();
  });
}

// ---- route ----------------------------------------------------------------------------------------------------

struct RouteArgs {
  std::string graph_path;
  std::string ch_path;
  std::string from;
  std::string to;
  std::string geojson_path;
  double max_snap_m = 500.0;
};

nlohmann::json point_feature(const road::SnappedPoint& point, const char* role) {
  return {{"type", "Feature"},
          {"geometry", {{"type", "Point"}, {"coordinates", {point.point.lon, point.point.lat}}}},
          {"properties",
           {{"role", role},
            {"input", {point.input.lon, point.input.lat}},
            {"snap_distance_m", point.distance_m},
            {"edge", point.along.edge}}}};
}

Status write_route_geojson(const road::Route& route, const std::string& path) {
  nlohmann::json line = nlohmann::json::array();
  for (const geo::LatLon& point : route.geometry) line.push_back({point.lon, point.lat});
  nlohmann::json route_feature = {{"type", "Feature"},
                                  {"geometry", {{"type", "LineString"}, {"coordinates", line}}},
                                  {"properties",
                                   {{"role", "route"},
                                    {"travel_time_s", route.travel_time_s()},
                                    {"distance_m", route.distance_m},
                                    {"edge_count", route.edges.size()}}}};
  const nlohmann::json collection = {
      {"type", "FeatureCollection"},
      {"features", {route_feature, point_feature(route.from, "from"), point_feature(route.to, "to")}}};
  std::ofstream out(path);
  if (!out) return io_error("{}: cannot open for writing", path);
  out << collection.dump() << '\n';
  if (!out) return io_error("{}: write failed", path);
  return Status::ok();
}

void add_route(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand(
      "route",
      "Fastest route between two coordinates: both are snapped to the nearest road, the route runs from snapped\n"
      "point to snapped point. Uses GRAPH's .ch file when present and current, else builds the hierarchy in memory.");
  auto args = std::make_shared<RouteArgs>();
  command->add_option("graph", args->graph_path, "Graph file")->required();
  command->add_option("--from", args->from, "Start as LAT,LON in decimal degrees")->required();
  command->add_option("--to", args->to, "Destination as LAT,LON in decimal degrees")->required();
  command->add_option("--geojson", args->geojson_path,
                      "Write a GeoJSON FeatureCollection: the route LineString and the two snapped points");
  command->add_option("--ch", args->ch_path, "Hierarchy file (default: the graph's name with .ch)");
  command->add_option("--max-snap-m", args->max_snap_m, "Farthest a point may be from a road, metres")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(const geo::LatLon from, geo::parse_lat_lon(args->from, "--from"));
    BITGOEUL_ASSIGN_OR_RETURN(const geo::LatLon to, geo::parse_lat_lon(args->to, "--to"));
    BITGOEUL_ASSIGN_OR_RETURN(auto data, load_graph_and_hierarchy(args->graph_path, args->ch_path));
    const road::RoadGraph& graph = data->loaded.graph;
    road::Router router(graph, data->ch, road::RouterOptions{args->max_snap_m});
    auto snapped_from = router.snap(from);
    if (!snapped_from.is_ok()) return {snapped_from.status().code(), "--from: " + snapped_from.status().message()};
    auto snapped_to = router.snap(to);
    if (!snapped_to.is_ok()) return {snapped_to.status().code(), "--to: " + snapped_to.status().message()};
    const auto start = Clock::now();
    BITGOEUL_ASSIGN_OR_RETURN(const road::Route route, router.route(*snapped_from, *snapped_to));
    const double query_ms = seconds_since(start) * 1000.0;
    auto describe = [&graph](const road::SnappedPoint& p) {
      return fmt::format("{:.6f},{:.6f} -> {:.6f},{:.6f} ({:.1f} m away, {} road{})", p.input.lat, p.input.lon,
                         p.point.lat, p.point.lon, p.distance_m, road::road_class_name(graph.road_class[p.along.edge]),
                         p.two_way() ? ", two-way" : ", one-way");
    };
    fmt::print("from: {}\nto:   {}\n", describe(route.from), describe(route.to));
    fmt::print("travel time: {}\ndistance: {:.1f} m\nedges: {}\nquery: {:.3f} ms\n",
               format_duration(route.travel_time_s()), route.distance_m, route.edges.size(), query_ms);
    if (!args->geojson_path.empty()) {
      BITGOEUL_RETURN_IF_ERROR(write_route_geojson(route, args->geojson_path));
      fmt::print("wrote {}\n", args->geojson_path);
    }
    return Status::ok();
  });
}

// ---- matrix ---------------------------------------------------------------------------------------------------

struct MatrixArgs {
  std::string graph_path;
  std::string ch_path;
  std::string points_path;
  std::string output_path;
  std::string format = "long";
  double max_snap_m = 500.0;
};

struct NamedPoint {
  std::string id;
  road::SnappedPoint snapped;
};

// Reads `id,lat,lon` rows (other columns ignored) and snaps each point; errors name the file, line and column.
Result<std::vector<NamedPoint>> read_points(const std::string& path, const road::Router& router) {
  BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t id_column, reader.column("id"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t lat_column, reader.column("lat"));
  BITGOEUL_ASSIGN_OR_RETURN(const size_t lon_column, reader.column("lon"));
  std::vector<NamedPoint> points;
  std::vector<std::string> fields;
  while (true) {
    BITGOEUL_ASSIGN_OR_RETURN(const bool more, reader.next(fields));
    if (!more) break;
    geo::LatLon point;
    BITGOEUL_ASSIGN_OR_RETURN(point.lat, parse_csv_double(reader, "lat", fields[lat_column]));
    BITGOEUL_ASSIGN_OR_RETURN(point.lon, parse_csv_double(reader, "lon", fields[lon_column]));
    if (fields[id_column].empty()) return invalid_input("{}column 'id': empty", reader.where());
    if (!geo::is_valid(point)) {
      return invalid_input("{}{},{} is outside latitude [-90,90] / longitude [-180,180]", reader.where(), point.lat,
                           point.lon);
    }
    auto snapped = router.snap(point);
    if (!snapped.is_ok()) {
      return Status(snapped.status().code(), fmt::format("{}point '{}': {}", reader.where(), fields[id_column],
                                                         snapped.status().message()));
    }
    points.push_back({fields[id_column], *snapped});
  }
  if (points.empty()) return invalid_input("{}: no points", path);
  return points;
}

void add_matrix(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand(
      "matrix",
      "Travel times and distances between every pair of points of a CSV (header id,lat,lon), snapped to the\n"
      "nearest road as `route` does.\n"
      "Output --format long (default): from_id,to_id,travel_time_s,distance_m, one row per ordered pair.\n"
      "Output --format square: a header from_id,<to ids...>, then one row of travel times (s) per origin.\n"
      "Unreachable pairs have the word 'unreachable' in place of numbers.");
  auto args = std::make_shared<MatrixArgs>();
  command->add_option("graph", args->graph_path, "Graph file")->required();
  command->add_option("--points", args->points_path, "CSV with header id,lat,lon")->required();
  command->add_option("-o,--output", args->output_path, "CSV to write")->required();
  command->add_option("--format", args->format, "long or square")->capture_default_str()->check(CLI::IsMember({"long", "square"}));
  command->add_option("--ch", args->ch_path, "Hierarchy file (default: the graph's name with .ch)");
  command->add_option("--max-snap-m", args->max_snap_m, "Farthest a point may be from a road, metres")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(auto data, load_graph_and_hierarchy(args->graph_path, args->ch_path));
    road::Router router(data->loaded.graph, data->ch, road::RouterOptions{args->max_snap_m});
    BITGOEUL_ASSIGN_OR_RETURN(const std::vector<NamedPoint> points, read_points(args->points_path, router));
    std::vector<road::SnappedPoint> snapped;
    for (const NamedPoint& point : points) snapped.push_back(point.snapped);
    const auto start = Clock::now();
    std::vector<road::TravelTimeMs> times_ms;
    std::vector<double> distances_m;
    router.matrix(snapped, snapped, times_ms, distances_m);
    const double matrix_ms = seconds_since(start) * 1000.0;

    BITGOEUL_ASSIGN_OR_RETURN(std::FILE* out, open_output(args->output_path));
    const size_t n = points.size();
    size_t unreachable = 0;
    auto time_text = [&](size_t at) {
      return times_ms[at] == road::kInfiniteTime ? std::string("unreachable") : fmt::format("{:.3f}", times_ms[at] / 1000.0);
    };
    if (args->format == "long") {
      fmt::print(out, "from_id,to_id,travel_time_s,distance_m\n");
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) {
          const size_t at = i * n + j;
          const bool reachable = times_ms[at] != road::kInfiniteTime;
          unreachable += reachable ? 0 : 1;
          fmt::print(out, "{},{},{},{}\n", csv_field(points[i].id), csv_field(points[j].id), time_text(at),
                     reachable ? fmt::format("{:.1f}", distances_m[at]) : std::string("unreachable"));
        }
      }
    } else {
      fmt::print(out, "from_id");
      for (const NamedPoint& point : points) fmt::print(out, ",{}", csv_field(point.id));
      fmt::print(out, "\n");
      for (size_t i = 0; i < n; ++i) {
        fmt::print(out, "{}", csv_field(points[i].id));
        for (size_t j = 0; j < n; ++j) {
          unreachable += times_ms[i * n + j] == road::kInfiniteTime ? 1 : 0;
          fmt::print(out, ",{}", time_text(i * n + j));
        }
        fmt::print(out, "\n");
      }
    }
    BITGOEUL_RETURN_IF_ERROR(close_output(out, args->output_path));
    fmt::print("{} points, {} pairs ({} unreachable) in {:.1f} ms\nwrote {}\n", n, n * n, unreachable, matrix_ms,
               args->output_path);
    return Status::ok();
  });
}

// ---- synth ----------------------------------------------------------------------------------------------------

void add_synth(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand(
      "synth",
      "Write a synthetic city-like road grid (for benchmarks and tests without a map): rows x cols junctions 100 m\n"
      "apart, a 60 km/h arterial every 8th row and column, 30 km/h local streets of which some are one-way or\n"
      "missing, jittered travel times; only the largest strongly connected part is kept. 320 x 320 ~ 100k nodes.");
  auto options = std::make_shared<road::SyntheticGridOptions>();
  auto output_path = std::make_shared<std::string>();
  command->add_option("--rows", options->rows, "Junction rows")->capture_default_str()->check(CLI::Range(1u, 20000u));
  command->add_option("--cols", options->cols, "Junction columns")->capture_default_str()->check(CLI::Range(1u, 20000u));
  command->add_option("--seed", options->seed, "Random seed (same seed, same graph)")->capture_default_str();
  command->add_option("-o,--output", *output_path, "Graph file to write (e.g. grid.graph)")->required();
  registry.on_run(command, [options, output_path]() -> Status {
    if (static_cast<uint64_t>(options->rows) * options->cols >= (uint64_t{1} << 31)) {
      return invalid_input("--rows x --cols = {} junctions is too many", static_cast<uint64_t>(options->rows) * options->cols);
    }
    const road::RoadGraph graph = road::make_synthetic_grid(*options);
    const nlohmann::json provenance = {{"source", "synthetic grid"},
                                       {"rows", options->rows},
                                       {"cols", options->cols},
                                       {"seed", options->seed},
                                       {"nodes", graph.node_count()},
                                       {"edges", graph.edge_count()}};
    BITGOEUL_RETURN_IF_ERROR(road::save_graph(graph, provenance.dump(), *output_path));
    fmt::print("synthetic grid {} x {} (seed {}): {} nodes, {} edges\nwrote {}\n", options->rows, options->cols,
               options->seed, graph.node_count(), graph.edge_count(), *output_path);
    return Status::ok();
  });
}

// ---- bench-pairs ----------------------------------------------------------------------------------------------

struct BenchPairsArgs {
  std::string graph_path;
  std::string ch_path;
  std::string pairs_path;
  std::string output_path;
};

void add_bench_pairs(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand(
      "bench-pairs",
      "Shortest travel times between graph node pairs, for comparisons with other routers.\n"
      "Input CSV header source_node,target_node (node indices of the graph file, 0-based).\n"
      "Output CSV source_node,target_node,travel_time_s,query_us ('unreachable' in place of a time); the total\n"
      "CH query time (hierarchy loading excluded) is printed.");
  auto args = std::make_shared<BenchPairsArgs>();
  command->add_option("graph", args->graph_path, "Graph file")->required();
  command->add_option("--pairs", args->pairs_path, "CSV with header source_node,target_node")->required();
  command->add_option("-o,--output", args->output_path, "CSV to write")->required();
  command->add_option("--ch", args->ch_path, "Hierarchy file (default: the graph's name with .ch)");
  registry.on_run(command, [args]() -> Status {
    BITGOEUL_ASSIGN_OR_RETURN(auto data, load_graph_and_hierarchy(args->graph_path, args->ch_path));
    const uint32_t n = data->loaded.graph.node_count();
    BITGOEUL_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(args->pairs_path));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t source_column, reader.column("source_node"));
    BITGOEUL_ASSIGN_OR_RETURN(const size_t target_column, reader.column("target_node"));
    std::vector<std::pair<road::NodeId, road::NodeId>> pairs;
    std::vector<std::string> fields;
    while (true) {
      BITGOEUL_ASSIGN_OR_RETURN(const bool more, reader.next(fields));
      if (!more) break;
      BITGOEUL_ASSIGN_OR_RETURN(const int64_t source, parse_csv_int(reader, "source_node", fields[source_column]));
      BITGOEUL_ASSIGN_OR_RETURN(const int64_t target, parse_csv_int(reader, "target_node", fields[target_column]));
      for (const auto& [column, value] : {std::pair{"source_node", source}, std::pair{"target_node", target}}) {
        if (value < 0 || value >= n) {
          return invalid_input("{}column '{}': node {} is not in the graph (nodes 0..{})", reader.where(), column, value,
                               n - 1);
        }
      }
      pairs.emplace_back(static_cast<road::NodeId>(source), static_cast<road::NodeId>(target));
    }
    road::ChQuery query(data->ch);
    std::vector<road::TravelTimeMs> times(pairs.size());
    std::vector<double> query_us(pairs.size());
    const auto all_start = Clock::now();
    for (size_t i = 0; i < pairs.size(); ++i) {
      const auto start = Clock::now();
      times[i] = query.run(pairs[i].first, pairs[i].second);
      query_us[i] = seconds_since(start) * 1e6;
    }
    const double total_ms = seconds_since(all_start) * 1000.0;
    BITGOEUL_ASSIGN_OR_RETURN(std::FILE* out, open_output(args->output_path));
    fmt::print(out, "source_node,target_node,travel_time_s,query_us\n");
    size_t unreachable = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      const bool reachable = times[i] != road::kInfiniteTime;
      unreachable += reachable ? 0 : 1;
      fmt::print(out, "{},{},{},{:.2f}\n", pairs[i].first, pairs[i].second,
                 reachable ? fmt::format("{:.3f}", times[i] / 1000.0) : std::string("unreachable"), query_us[i]);
    }
    BITGOEUL_RETURN_IF_ERROR(close_output(out, args->output_path));
    fmt::print("pairs: {} ({} unreachable)\ntotal CH query time: {:.3f} ms ({:.2f} us per query)\nwrote {}\n",
               pairs.size(), unreachable, total_ms, pairs.empty() ? 0.0 : total_ms * 1000.0 / pairs.size(),
               args->output_path);
    return Status::ok();
  });
}

}  // namespace

void add_road_routing_commands(CLI::App& road, CommandRegistry& registry) {
  add_contract(road, registry);
  add_route(road, registry);
  add_matrix(road, registry);
  add_synth(road, registry);
  add_bench_pairs(road, registry);
}

}  // namespace bitgoeul::cli
