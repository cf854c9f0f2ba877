// `bitgoeul road import`: OpenStreetMap → graph file.

#include <chrono>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/command.h"
#include "core/progress.h"
#include "road/graph_file.h"
#include "road/osm_import.h"

namespace bitgoeul::cli {
namespace {

struct ImportArgs {
  std::string map_path;
  std::string output_path;
  bool progress = false;
  bool no_progress = false;
};

void print_counts(const char* title, const std::map<std::string, uint64_t>& counts) {
  for (const auto& [reason, count] : counts) fmt::print("  {:<34} {:>10}\n", fmt::format("{} ({})", title, reason), count);
}

void print_report(const road::ImportReport& report, double seconds) {
  fmt::print("imported {} ({}) in {:.2f} s\n", report.source_path, report.format, seconds);
  if (report.overpass_elements_removed > 0) {
    fmt::print("  Overpass inline geometry removed before parsing: {} elements\n", report.overpass_elements_removed);
  }
  fmt::print("read\n  nodes {:>10}   ways {:>8}   relations {:>6}\n", report.nodes_read, report.ways_read,
             report.relations_read);
  fmt::print("  car-routable ways {}\n", report.routable_ways);
  fmt::print("graph\n  nodes {:>10}   edges {:>8}\n", report.nodes, report.edges);
  double total_km = 0.0;
  fmt::print("road by class (km of directed edges)\n");
  for (size_t c = 0; c < report.edge_km_by_class.size(); ++c) {
    const double km = report.edge_km_by_class[c];
    if (km <= 0.0) continue;
    total_km += km;
    fmt::print("  {:<16} {:>10.2f}\n", road::road_class_name(static_cast<road::RoadClass>(c)), km);
  }
  fmt::print("  {:<16} {:>10.2f}\n", "total", total_km);
  fmt::print("skipped\n");
  fmt::print("  {:<34} {:>10}\n", "duplicate node ids", report.duplicate_nodes);
  fmt::print("  {:<34} {:>10}\n", "duplicate way ids", report.duplicate_ways);
  fmt::print("  {:<34} {:>10}\n", "duplicate relation ids", report.duplicate_relations);
  fmt::print("  {:<34} {:>10}\n", "nodes with invalid coordinates", report.invalid_coordinate_nodes);
  fmt::print("  {:<34} {:>10}\n", "way refs to missing nodes", report.missing_node_refs);
  fmt::print("  {:<34} {:>10}\n", "ways split at missing nodes", report.ways_split_at_missing_nodes);
  print_counts("ways", report.ways_skipped);
  fmt::print("turn restrictions\n  read {}   applied {}   junction copies {}\n", report.restrictions_read,
             report.restrictions_applied, report.restriction_node_copies);
  print_counts("skipped", report.restrictions_skipped);
  fmt::print("strongly connected components\n  {} components; kept the largest, dropped {} nodes and {} edges\n",
             report.components, report.scc_dropped_nodes, report.scc_dropped_edges);
}

}  // namespace

void add_road_import_command(CLI::App& road, CommandRegistry& registry) {
  auto* command = road.add_subcommand(
      "import",
      "Import an OpenStreetMap extract into a routable graph file.\n"
      "Keeps car-routable highway ways (motorway .. service), honours oneway, access, maxspeed and turn\n"
      "restrictions, keeps the largest strongly connected component, and prints what it kept and skipped.\n"
      "Accepts .osm, .osm.bz2, .osm.gz (XML, including Overpass 'out geom' exports) and .osm.pbf.");
  auto args = std::make_shared<ImportArgs>();
  command->add_option("map", args->map_path, "OpenStreetMap file: .osm, .osm.bz2, .osm.gz or .osm.pbf")
      ->required();
  command->add_option("-o,--output", args->output_path, "Graph file to write (e.g. city.graph)")->required();
  command->add_flag("--progress", args->progress, "Always draw the progress bar (default: only on a terminal)");
  command->add_flag("--no-progress", args->no_progress, "Never draw the progress bar");
  registry.on_run(command, [args]() -> Status {
    if (args->progress) ProgressBar::set_enabled(true);
    if (args->no_progress) ProgressBar::set_enabled(false);
    road::ImportOptions options;
    options.show_progress = !args->no_progress;
    const auto start = std::chrono::steady_clock::now();
    BITGOEUL_ASSIGN_OR_RETURN(road::ImportResult imported, road::import_osm(args->map_path, options));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BITGOEUL_RETURN_IF_ERROR(road::save_graph(imported.graph, imported.report.to_json(), args->output_path));
    print_report(imported.report, seconds);
    fmt::print("wrote {}\n", args->output_path);
    return Status::ok();
  });
}

}  // namespace bitgoeul::cli
