#pragma once
// Private to the importer: a streaming pass over OSM XML that turns the dialects strict readers reject into
// standard OSM XML, so libosmium can parse what real exports contain:
//   - Overpass "out geom" puts geometry inside relation members (<member ...><nd lat= lon=/></member>), lat/lon
//     attributes on members and <bounds> inside relations. libosmium throws "No element inside <member> allowed".
//     The filter drops every element nested in <member>, <bounds>/<bbox> inside <relation>, and member lat/lon.
//   - A node whose lat or lon is not a number within [-90, 90] / [-180, 180] makes libosmium throw for the whole
//     file. The filter removes both attributes, so the node reads as having no location and the importer counts it.
// Everything else passes through unchanged. Malformed XML is an error naming the input, line and column.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace bitgoeul::road {

class OsmXmlFilter {
 public:
  // `sink` receives standard OSM XML in order; it returns false when the consumer has gone, which stops the filter
  // (feed() then returns ok: the consumer reports its own error). `name` is used in error messages.
  using Sink = std::function<bool(std::string_view)>;
  OsmXmlFilter(std::string name, Sink sink);
  ~OsmXmlFilter();
  OsmXmlFilter(const OsmXmlFilter&) = delete;
  OsmXmlFilter& operator=(const OsmXmlFilter&) = delete;

  // Feeds the next chunk; `last` marks the end of the input. After an error or a stop, further calls are no-ops.
  Status feed(std::string_view chunk, bool last);

  // Overpass geometry removed: elements dropped from members and relations, members stripped of lat/lon.
  uint64_t overpass_elements_removed() const;
  // Nodes whose unusable lat/lon attributes were removed.
  uint64_t node_coordinates_removed() const;
  bool stopped() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace bitgoeul::road
