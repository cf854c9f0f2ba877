#include "road/osm_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_set>

#include <osmium/handler.hpp>
#include <osmium/io/any_compression.hpp>
#include <osmium/io/pbf_input.hpp>
#include <osmium/io/reader.hpp>
#include <osmium/io/xml_input.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/relation.hpp>
#include <osmium/osm/way.hpp>
#include <osmium/visitor.hpp>

#include "core/progress.h"
#include "road/osm_tags.h"
#include "road/osm_xml_filter.h"

namespace bitgoeul::road {
namespace {

constexpr double kNoCoordinate = std::numeric_limits<double>::quiet_NaN();

// Collects the elements; counts what it skips. Runs on the thread that drains the libosmium Reader.
class Collector : public osmium::handler::Handler {
 public:
  Collector(OsmData& data, ImportReport& report) : data_(data), report_(report) {}

  void node(const osmium::Node& node) {
    ++report_.nodes_read;
    const osmium::Location location = node.location();
    // Invalid nodes are kept until duplicates are resolved, so that "first wins" holds for them too.
    OsmNode& stored = data_.nodes.emplace_back();
    stored.id = node.id();
    if (location.valid()) {
      stored.position = {location.lat(), location.lon()};
    } else {
      stored.position = {kNoCoordinate, kNoCoordinate};
    }
  }

  void way(const osmium::Way& way) {
    ++report_.ways_read;
    if (!way_ids_.insert(way.id()).second) {
      ++report_.duplicate_ways;
      return;
    }
    const WayDecision decision = classify_way(way.tags());
    if (!decision.profile) {
      if (decision.skip_reason != nullptr) ++report_.ways_skipped[decision.skip_reason];
      return;
    }
    ++report_.routable_ways;
    OsmWay& stored = data_.ways.emplace_back();
    stored.id = way.id();
    stored.profile = *decision.profile;
    stored.node_refs.reserve(way.nodes().size());
    for (const osmium::NodeRef& ref : way.nodes()) stored.node_refs.push_back(ref.ref());
  }

  void relation(const osmium::Relation& relation) {
    ++report_.relations_read;
    if (!relation_ids_.insert(relation.id()).second) {
      ++report_.duplicate_relations;
      return;
    }
    const osmium::TagList& tags = relation.tags();
    const char* type = tags.get_value_by_key("type");
    if (type == nullptr || std::strcmp(type, "restriction") != 0) return;
    const char* value = tags.get_value_by_key("restriction:motorcar");
    if (value == nullptr) value = tags.get_value_by_key("restriction");
    if (value == nullptr) {
      // Only restrictions for other vehicles (restriction:hgv, restriction:bus, ...): not ours to count.
      for (const osmium::Tag& tag : tags) {
        if (std::strncmp(tag.key(), "restriction:", 12) == 0) return;
      }
      ++report_.restrictions_read;
      ++report_.restrictions_skipped["no restriction value"];
      return;
    }
    ++report_.restrictions_read;
    const char* except = tags.get_value_by_key("except");
    if (except != nullptr && (std::strstr(except, "motorcar") != nullptr ||
                              std::strstr(except, "motor_vehicle") != nullptr)) {
      ++report_.restrictions_skipped["except motorcar"];
      return;
    }
    OsmRestriction restriction;
    restriction.id = relation.id();
    restriction.value = value;
    if (is_one_of(restriction.value,
                  {"no_left_turn", "no_right_turn", "no_straight_on", "no_u_turn", "no_entry", "no_exit"})) {
      restriction.kind = RestrictionKind::kNo;
    } else if (is_one_of(restriction.value, {"only_left_turn", "only_right_turn", "only_straight_on", "only_u_turn"})) {
      restriction.kind = RestrictionKind::kOnly;
    } else {
      ++report_.restrictions_skipped["unknown restriction value"];
      return;
    }
    for (const osmium::RelationMember& member : relation.members()) {
      const std::string_view role = member.role();
      const bool is_way = member.type() == osmium::item_type::way;
      const bool is_node = member.type() == osmium::item_type::node;
      if (role == "from" || role == "to") {
        if (!is_way) {
          restriction.wrong_member_type = true;
          continue;
        }
        (role == "from" ? restriction.from_ways : restriction.to_ways).push_back(member.ref());
      } else if (role == "via") {
        if (is_way) {
          restriction.via_is_way = true;
        } else if (is_node) {
          restriction.via_nodes.push_back(member.ref());
        } else {
          restriction.wrong_member_type = true;
        }
      }
    }
    data_.restrictions.push_back(std::move(restriction));
  }

 private:
  OsmData& data_;
  ImportReport& report_;
  std::unordered_set<int64_t> way_ids_;
  std::unordered_set<int64_t> relation_ids_;
};

// Sorts the nodes by id, keeps the first of each id (the sort is stable) and drops those without coordinates.
void finish_nodes(OsmData& data, ImportReport& report) {
  std::vector<OsmNode>& nodes = data.nodes;
  const auto by_id = [](const OsmNode& a, const OsmNode& b) { return a.id < b.id; };
  if (!std::is_sorted(nodes.begin(), nodes.end(), by_id)) std::stable_sort(nodes.begin(), nodes.end(), by_id);
  size_t kept = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i > 0 && nodes[i].id == nodes[i - 1].id) {
      ++report.duplicate_nodes;
      continue;
    }
    if (!geo::is_valid(nodes[i].position)) {
      ++report.invalid_coordinate_nodes;
      continue;
    }
    nodes[kept++] = nodes[i];
  }
  nodes.resize(kept);
  nodes.shrink_to_fit();
}

constexpr osmium::osm_entity_bits::type kEntities =
    osmium::osm_entity_bits::node | osmium::osm_entity_bits::way | osmium::osm_entity_bits::relation;

// Drains a libosmium Reader into the collector. `progress_done` reports bytes of the source consumed so far.
template <typename ProgressFn>
void drain(osmium::io::Reader& reader, Collector& collector, ProgressBar* progress, ProgressFn progress_done) {
  while (osmium::memory::Buffer buffer = reader.read()) {
    osmium::apply(buffer, collector);
    if (progress != nullptr) progress->set(progress_done());
  }
  reader.close();
}

Status read_error(const std::string& name, const std::exception& error) {
  return invalid_input("{}: not a readable OSM file: {}", name, error.what());
}

// Writes all of `data` to a pipe, unless the consumer has asked the writer to stop.
bool write_all(int fd, std::string_view data, const std::atomic<bool>& cancel) {
  while (!data.empty()) {
    if (cancel.load()) return false;
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// Runs the XML filter over everything `decompressor` yields; stops early when the sink refuses more.
Status filter_all(osmium::io::Decompressor& decompressor, OsmXmlFilter& filter) {
  while (true) {
    const std::string chunk = decompressor.read();
    const bool last = chunk.empty();
    BITGOEUL_RETURN_IF_ERROR(filter.feed(chunk, last));
    if (last || filter.stopped()) break;
  }
  decompressor.close();
  return Status::ok();
}

void add_filter_counts(const OsmXmlFilter& filter, ImportReport& report) {
  report.overpass_elements_removed += filter.overpass_elements_removed();
}

// XML from a file, streamed: a thread decompresses and filters into a pipe that libosmium's Reader reads, so
// memory stays bounded whatever the file size.
Status read_xml_file(const OsmSource& source, const osmium::io::File& file, Collector& collector,
                     ProgressBar* progress, ImportReport& report) {
  const int input_fd = ::open(source.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (input_fd < 0) return io_error("{}: cannot open: {}", source.name, std::strerror(errno));
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    ::close(input_fd);
    return io_error("{}: cannot create a pipe: {}", source.name, std::strerror(errno));
  }

  std::atomic<bool> cancel{false};
  std::atomic<size_t> input_offset{0};
  Status filter_status;
  uint64_t overpass_removed = 0;
  std::thread filter_thread([&]() {
    try {
      std::unique_ptr<osmium::io::Decompressor> decompressor =
          osmium::io::CompressionFactory::instance().create_decompressor(file.compression(), input_fd);
      decompressor->set_offset_ptr(&input_offset);
      OsmXmlFilter filter(source.name, [&](std::string_view out) { return write_all(pipe_fds[1], out, cancel); });
      filter_status = filter_all(*decompressor, filter);
      overpass_removed = filter.overpass_elements_removed();
    } catch (const std::exception& error) {
      filter_status = read_error(source.name, error);
    }
    ::close(pipe_fds[1]);
  });

  Status reader_status;
  try {
    osmium::io::File piped("/dev/fd/" + std::to_string(pipe_fds[0]), "osm");
    osmium::io::Reader reader(piped, kEntities, osmium::io::read_meta::no);
    drain(reader, collector, progress, [&]() { return input_offset.load(); });
  } catch (const std::exception& error) {
    reader_status = read_error(source.name, error);
  }
  // If the Reader stopped early, unblock the filter: ask it to stop and swallow what it still writes.
  cancel = true;
  char discard[4096];
  while (true) {
    const ssize_t got = ::read(pipe_fds[0], discard, sizeof(discard));
    if (got == 0 || (got < 0 && errno != EINTR)) break;
  }
  filter_thread.join();
  ::close(pipe_fds[0]);
  report.overpass_elements_removed += overpass_removed;
  // The filter's error is the cause (the Reader only saw the XML end early), so it takes precedence.
  if (!filter_status.is_ok()) return filter_status;
  return reader_status;
}

// XML from memory: filtered into a string (the input is in memory already), then parsed.
Status read_xml_buffer(const OsmSource& source, const osmium::io::File& file, Collector& collector,
                       ImportReport& report) {
  std::string filtered;
  try {
    std::unique_ptr<osmium::io::Decompressor> decompressor =
        osmium::io::CompressionFactory::instance().create_decompressor(file.compression(), source.bytes.data(),
                                                                       source.bytes.size());
    OsmXmlFilter filter(source.name, [&](std::string_view out) {
      filtered.append(out);
      return true;
    });
    BITGOEUL_RETURN_IF_ERROR(filter_all(*decompressor, filter));
    add_filter_counts(filter, report);
    osmium::io::Reader reader(osmium::io::File(filtered.data(), filtered.size(), "osm"), kEntities,
                              osmium::io::read_meta::no);
    drain(reader, collector, nullptr, []() { return size_t{0}; });
  } catch (const std::exception& error) {
    return read_error(source.name, error);
  }
  return Status::ok();
}

Status read_direct(const osmium::io::File& file, const std::string& name, Collector& collector,
                   ProgressBar* progress) {
  try {
    osmium::io::Reader reader(file, kEntities, osmium::io::read_meta::no);
    drain(reader, collector, progress, [&]() { return reader.offset(); });
  } catch (const std::exception& error) {
    return read_error(name, error);
  }
  return Status::ok();
}

}  // namespace

Status read_osm(const OsmSource& source, bool show_progress, OsmData& data, ImportReport& report) {
  std::optional<osmium::io::File> file;
  uint64_t size_bytes = source.bytes.size();
  try {
    if (source.path.empty()) {
      file.emplace(source.bytes.data(), source.bytes.size(), source.format);
    } else {
      file.emplace(source.path);
    }
  } catch (const std::exception& error) {
    return invalid_input("{}: {}", source.name, error.what());
  }
  if (file->format() != osmium::io::file_format::xml && file->format() != osmium::io::file_format::pbf) {
    return invalid_input("{}: cannot tell the map format from the name; expected .osm, .osm.bz2, .osm.gz or .osm.pbf",
                         source.name);
  }
  if (!source.path.empty()) {
    struct stat info {};
    if (::stat(source.path.c_str(), &info) != 0) {
      if (errno == ENOENT) return not_found("{}: no such file", source.name);
      return io_error("{}: cannot read: {}", source.name, std::strerror(errno));
    }
    if (S_ISDIR(info.st_mode)) return invalid_input("{}: is a directory, not a map file", source.name);
    size_bytes = static_cast<uint64_t>(info.st_size);
  }
  if (size_bytes == 0) return invalid_input("{}: file is empty", source.name);

  const bool xml = file->format() == osmium::io::file_format::xml;
  report.format = xml ? "xml" : "pbf";
  if (file->compression() != osmium::io::file_compression::none) {
    report.format += std::string("+") + osmium::io::as_string(file->compression());
  }

  Collector collector(data, report);
  std::optional<ProgressBar> progress;
  if (show_progress) progress.emplace("reading " + source.name, size_bytes);
  ProgressBar* bar = progress ? &*progress : nullptr;
  Status status;
  if (xml) {
    status = source.path.empty() ? read_xml_buffer(source, *file, collector, report)
                                 : read_xml_file(source, *file, collector, bar, report);
  } else {
    status = read_direct(*file, source.name, collector, bar);
  }
  if (bar != nullptr) {
    bar->set(size_bytes);
    bar->finish();
  }
  BITGOEUL_RETURN_IF_ERROR(status);
  finish_nodes(data, report);
  return Status::ok();
}

}  // namespace bitgoeul::road
