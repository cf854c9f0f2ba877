// The XML filter that makes Overpass "out geom" exports and unusable coordinates readable by libosmium.

#include "road/osm_xml_filter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bitgoeul::road {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Filtered {
  Status status;
  std::string xml;
  uint64_t overpass_removed = 0;
  uint64_t coordinates_removed = 0;
};

// Feeds `input` in chunks of `chunk` bytes, as the importer does with a decompressor.
Filtered filter(std::string_view input, size_t chunk = 7) {
  Filtered out;
  OsmXmlFilter filter("map.osm", [&](std::string_view data) {
    out.xml.append(data);
    return true;
  });
  while (!input.empty() && out.status.is_ok()) {
    const std::string_view part = input.substr(0, chunk);
    input.remove_prefix(part.size());
    out.status = filter.feed(part, false);
  }
  if (out.status.is_ok()) out.status = filter.feed({}, true);
  out.overpass_removed = filter.overpass_elements_removed();
  out.coordinates_removed = filter.node_coordinates_removed();
  return out;
}

TEST(OsmXmlFilter, DropsOverpassGeometryInsideRelations) {
  const Filtered out = filter(R"(<osm version="0.6">
  <relation id="5">
    <bounds minlat="1" minlon="2" maxlat="3" maxlon="4"/>
    <member type="node" ref="7" role="via" lat="37.5" lon="127.1"/>
    <member type="way" ref="8" role="from"><nd lat="37.5" lon="127.1"/><nd lat="37.6" lon="127.2"/></member>
    <tag k="type" v="restriction"/>
  </relation>
</osm>)");
  ASSERT_TRUE(out.status.is_ok()) << out.status.to_string();
  EXPECT_THAT(out.xml, Not(HasSubstr("<nd")));
  EXPECT_THAT(out.xml, Not(HasSubstr("bounds")));
  EXPECT_THAT(out.xml, Not(HasSubstr("lat=")));
  EXPECT_THAT(out.xml, HasSubstr(R"(<member type="node" ref="7" role="via">)"));
  EXPECT_THAT(out.xml, HasSubstr(R"(<member type="way" ref="8" role="from">)"));
  EXPECT_THAT(out.xml, HasSubstr(R"(<tag k="type" v="restriction">)"));
  EXPECT_EQ(out.overpass_removed, 4u);  // bounds, a member's lat/lon, two nd
}

TEST(OsmXmlFilter, KeepsWayGeometryAndStandardElements) {
  const Filtered out = filter(R"(<osm><node id="1" lat="37.5" lon="127.0"/><way id="2"><bounds minlat="1" minlon="2" maxlat="3" maxlon="4"/><nd ref="1" lat="37.5" lon="127.0"/></way></osm>)");
  ASSERT_TRUE(out.status.is_ok());
  EXPECT_THAT(out.xml, HasSubstr(R"(<node id="1" lat="37.5" lon="127.0">)"));
  EXPECT_THAT(out.xml, HasSubstr(R"(<nd ref="1" lat="37.5" lon="127.0">)"));
  EXPECT_THAT(out.xml, HasSubstr("<bounds"));
  EXPECT_EQ(out.overpass_removed, 0u);
}

TEST(OsmXmlFilter, RemovesCoordinatesThatAreNotCoordinates) {
  const Filtered out = filter(
      R"(<osm><node id="1" lat="1000" lon="127.0"/><node id="2" lat="37" lon="abc"/><node id="3" lat="95" lon="1"/><node id="4" lat="-90" lon="180"/></osm>)");
  ASSERT_TRUE(out.status.is_ok());
  EXPECT_THAT(out.xml, HasSubstr(R"(<node id="1">)"));
  EXPECT_THAT(out.xml, HasSubstr(R"(<node id="2">)"));
  EXPECT_THAT(out.xml, HasSubstr(R"(<node id="3">)"));
  EXPECT_THAT(out.xml, HasSubstr(R"(<node id="4" lat="-90" lon="180">)"));
  EXPECT_EQ(out.coordinates_removed, 3u);
}

TEST(OsmXmlFilter, EscapesTextAndAttributesAgain) {
  const Filtered out = filter(R"(<osm><node id="1"><tag k="name" v="A &amp; B &quot;C&quot; &lt;D&gt;"/></node></osm>)");
  ASSERT_TRUE(out.status.is_ok());
  EXPECT_THAT(out.xml, HasSubstr(R"(v="A &amp; B &quot;C&quot; &lt;D&gt;")"));
}

TEST(OsmXmlFilter, MalformedXmlNamesInputLineAndColumn) {
  const Filtered out = filter("<osm>\n<node id=\"1\">\n</way></osm>");
  ASSERT_FALSE(out.status.is_ok());
  EXPECT_THAT(out.status.message(), HasSubstr("map.osm"));
  EXPECT_THAT(out.status.message(), HasSubstr("line 3"));
}

TEST(OsmXmlFilter, TruncatedAndEmptyInputAreErrors) {
  EXPECT_FALSE(filter("<osm><node id=\"1\" lat=\"1\" lo").status.is_ok());
  const Filtered empty = filter("");
  ASSERT_FALSE(empty.status.is_ok());
  EXPECT_THAT(empty.status.message(), HasSubstr("map.osm"));
}

TEST(OsmXmlFilter, StopsWhenTheConsumerGoesAway) {
  int calls = 0;
  OsmXmlFilter filter("map.osm", [&](std::string_view) {
    ++calls;
    return false;
  });
  std::string big = "<osm>";
  for (int i = 0; i < 20000; ++i) big += "<node id=\"1\" lat=\"1\" lon=\"1\"/>";
  EXPECT_TRUE(filter.feed(big, false).is_ok());
  EXPECT_TRUE(filter.stopped());
  EXPECT_TRUE(filter.feed("</osm>", true).is_ok());
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace bitgoeul::road
