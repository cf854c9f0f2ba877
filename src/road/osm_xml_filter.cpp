#include "road/osm_xml_filter.h"

#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <vector>

#include <expat.h>

namespace bitgoeul::road {
namespace {

constexpr size_t kFlushBytes = 1 << 16;

enum class Element : uint8_t { kOther, kRelation, kMember };

bool is_coordinate(const char* text, double limit) {
  double value = 0.0;
  const char* end = text + std::strlen(text);
  const auto parsed = std::from_chars(text, end, value);
  return parsed.ec == std::errc() && parsed.ptr == end && std::isfinite(value) && value >= -limit && value <= limit;
}

void append_escaped(std::string& out, std::string_view text, bool attribute) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
        } else {
          out += c;
        }
        break;
      case '\n':
        if (attribute) {
          out += "&#10;";
        } else {
          out += c;
        }
        break;
      case '\t':
        if (attribute) {
          out += "&#9;";
        } else {
          out += c;
        }
        break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
}

}  // namespace

struct OsmXmlFilter::State {
  std::string name;
  Sink sink;
  XML_Parser parser = nullptr;
  std::string out;
  std::vector<Element> stack;
  int skip_depth = 0;  // > 0 while inside a dropped element
  uint64_t overpass_removed = 0;
  uint64_t coordinates_removed = 0;
  bool stopped = false;
  bool failed = false;

  bool flush() {
    if (out.empty() || stopped) return !stopped;
    if (!sink(out)) {
      stopped = true;
      XML_StopParser(parser, XML_FALSE);
    }
    out.clear();
    return !stopped;
  }

  void start(const XML_Char* element, const XML_Char** attributes) {
    if (skip_depth > 0) {
      ++skip_depth;
      return;
    }
    const Element parent = stack.empty() ? Element::kOther : stack.back();
    if (parent == Element::kMember ||
        (parent == Element::kRelation && (!std::strcmp(element, "bounds") || !std::strcmp(element, "bbox")))) {
      ++overpass_removed;
      skip_depth = 1;
      return;
    }
    const bool is_member = parent == Element::kRelation && !std::strcmp(element, "member");
    const bool is_node = !std::strcmp(element, "node");
    bool drop_node_coordinates = false;
    if (is_node) {
      for (const XML_Char** attribute = attributes; *attribute != nullptr; attribute += 2) {
        if ((!std::strcmp(attribute[0], "lat") && !is_coordinate(attribute[1], 90.0)) ||
            (!std::strcmp(attribute[0], "lon") && !is_coordinate(attribute[1], 180.0))) {
          drop_node_coordinates = true;
        }
      }
      if (drop_node_coordinates) ++coordinates_removed;
    }
    bool member_stripped = false;
    out += '<';
    out += element;
    for (const XML_Char** attribute = attributes; *attribute != nullptr; attribute += 2) {
      const bool coordinate = !std::strcmp(attribute[0], "lat") || !std::strcmp(attribute[0], "lon");
      if (coordinate && (is_member || drop_node_coordinates)) {
        member_stripped = member_stripped || is_member;
        continue;
      }
      out += ' ';
      out += attribute[0];
      out += "=\"";
      append_escaped(out, attribute[1], true);
      out += '"';
    }
    out += '>';
    if (member_stripped) ++overpass_removed;
    stack.push_back(!std::strcmp(element, "relation") ? Element::kRelation
                    : is_member                      ? Element::kMember
                                                     : Element::kOther);
    if (out.size() >= kFlushBytes) flush();
  }

  void end(const XML_Char* element) {
    if (skip_depth > 0) {
      --skip_depth;
      return;
    }
    if (!stack.empty()) stack.pop_back();
    out += "</";
    out += element;
    out += '>';
    if (out.size() >= kFlushBytes) flush();
  }

  void text(const XML_Char* data, int length) {
    if (skip_depth > 0 || length <= 0) return;
    append_escaped(out, std::string_view(data, static_cast<size_t>(length)), false);
  }
};

OsmXmlFilter::OsmXmlFilter(std::string name, Sink sink) : state_(std::make_unique<State>()) {
  state_->name = std::move(name);
  state_->sink = std::move(sink);
  state_->parser = XML_ParserCreate(nullptr);
  XML_SetUserData(state_->parser, state_.get());
  XML_SetElementHandler(
      state_->parser,
      [](void* data, const XML_Char* element, const XML_Char** attributes) {
        static_cast<State*>(data)->start(element, attributes);
      },
      [](void* data, const XML_Char* element) { static_cast<State*>(data)->end(element); });
  XML_SetCharacterDataHandler(state_->parser, [](void* data, const XML_Char* text, int length) {
    static_cast<State*>(data)->text(text, length);
  });
  state_->out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
}

OsmXmlFilter::~OsmXmlFilter() {
  if (state_->parser != nullptr) XML_ParserFree(state_->parser);
}

Status OsmXmlFilter::feed(std::string_view chunk, bool last) {
  State& state = *state_;
  if (state.stopped || state.failed) return Status::ok();
  while (true) {
    // Expat takes int lengths: feed huge chunks in slices.
    const size_t slice = std::min<size_t>(chunk.size(), INT_MAX / 2);
    const bool final_slice = last && slice == chunk.size();
    const XML_Status status =
        XML_Parse(state.parser, chunk.data(), static_cast<int>(slice), final_slice ? XML_TRUE : XML_FALSE);
    if (state.stopped) return Status::ok();
    if (status != XML_STATUS_OK) {
      state.failed = true;
      const XML_Error code = XML_GetErrorCode(state.parser);
      const char* what = code == XML_ERROR_NO_ELEMENTS ? "no element found (empty or truncated XML)"
                                                        : XML_ErrorString(code);
      return invalid_input("{}: malformed OSM XML at line {}, column {}: {}", state.name,
                           XML_GetCurrentLineNumber(state.parser), XML_GetCurrentColumnNumber(state.parser), what);
    }
    chunk.remove_prefix(slice);
    if (chunk.empty()) break;
  }
  if (last || state.out.size() >= kFlushBytes) state.flush();
  return Status::ok();
}

uint64_t OsmXmlFilter::overpass_elements_removed() const { return state_->overpass_removed; }
uint64_t OsmXmlFilter::node_coordinates_removed() const { return state_->coordinates_removed; }
bool OsmXmlFilter::stopped() const { return state_->stopped; }

}  // namespace bitgoeul::road
