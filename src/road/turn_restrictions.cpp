#include "road/turn_restrictions.h"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace bitgoeul::road {
namespace {

struct Constraint {
  bool has_only = false;
  std::vector<EdgeId> only;       // sorted
  std::vector<EdgeId> forbidden;  // sorted, unique
};

// Edges grouped by a node (tail or head), as a CSR index into the edge list.
struct Adjacency {
  std::vector<uint32_t> first;
  std::vector<EdgeId> edges;

  Adjacency(const std::vector<EdgeInput>& all, size_t node_count, bool by_head) : first(node_count + 1, 0) {
    for (const EdgeInput& edge : all) ++first[(by_head ? edge.head : edge.tail) + 1];
    for (size_t v = 0; v < node_count; ++v) first[v + 1] += first[v];
    edges.resize(all.size());
    std::vector<uint32_t> next(first.begin(), first.end() - 1);
    for (EdgeId e = 0; e < all.size(); ++e) edges[next[by_head ? all[e].head : all[e].tail]++] = e;
  }
  std::vector<EdgeId> of(NodeId v) const { return {edges.begin() + first[v], edges.begin() + first[v + 1]}; }
};

bool contains(const std::vector<int64_t>& ids, int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

const char* check_members(const OsmRestriction& restriction, const std::unordered_set<int64_t>& routable) {
  if (restriction.via_is_way) return "via way (not supported)";
  if (restriction.wrong_member_type) return "malformed members";
  if (restriction.from_ways.empty() || restriction.to_ways.empty() || restriction.via_nodes.empty()) {
    return "missing member";
  }
  if (restriction.via_nodes.size() > 1) return "malformed members";
  if (restriction.kind == RestrictionKind::kOnly && restriction.to_ways.size() > 1) return "malformed members";
  for (const auto* ways : {&restriction.from_ways, &restriction.to_ways}) {
    for (const int64_t way : *ways) {
      if (routable.count(way) == 0) return "member way absent or not routable";
    }
  }
  return nullptr;
}

}  // namespace

void apply_turn_restrictions(const OsmData& data, RoadNetworkDraft& draft, ImportReport& report) {
  if (data.restrictions.empty()) return;
  std::unordered_set<int64_t> routable;
  for (const OsmWay& way : data.ways) routable.insert(way.id);

  std::vector<EdgeInput>& edges = draft.edges;
  const size_t node_count = draft.coordinates.size();
  const Adjacency incoming(edges, node_count, /*by_head=*/true);
  const Adjacency outgoing(edges, node_count, /*by_head=*/false);

  std::map<EdgeId, Constraint> constraints;  // ordered: copies are numbered deterministically
  for (const OsmRestriction& restriction : data.restrictions) {
    if (const char* problem = check_members(restriction, routable)) {
      ++report.restrictions_skipped[problem];
      continue;
    }
    const auto via = draft.node_of_osm_id.find(restriction.via_nodes.front());
    if (via == draft.node_of_osm_id.end()) {
      ++report.restrictions_skipped["via node not on a routable road"];
      continue;
    }
    const NodeId v = via->second;
    const bool u_turn = restriction.value == "no_u_turn" || restriction.value == "only_u_turn";
    std::vector<std::pair<EdgeId, std::vector<EdgeId>>> targets_by_from;
    bool any_target = false;
    for (const EdgeId e : incoming.of(v)) {
      if (!contains(restriction.from_ways, edges[e].osm_way_id)) continue;
      std::vector<EdgeId> targets;
      for (const EdgeId f : outgoing.of(v)) {
        if (!contains(restriction.to_ways, edges[f].osm_way_id)) continue;
        if (edges[f].osm_way_id == edges[e].osm_way_id) {
          const bool turns_back = draft.segment_of_edge[f] == draft.segment_of_edge[e];
          if (turns_back != u_turn) continue;
        }
        targets.push_back(f);
      }
      any_target = any_target || !targets.empty();
      targets_by_from.emplace_back(e, std::move(targets));
    }
    if (targets_by_from.empty()) {
      ++report.restrictions_skipped["from way does not touch via node"];
      continue;
    }
    if (!any_target) {
      ++report.restrictions_skipped["to way does not touch via node"];
      continue;
    }
    ++report.restrictions_applied;
    for (auto& [e, targets] : targets_by_from) {
      Constraint& constraint = constraints[e];
      std::sort(targets.begin(), targets.end());
      if (restriction.kind == RestrictionKind::kNo) {
        std::vector<EdgeId> merged;
        std::set_union(constraint.forbidden.begin(), constraint.forbidden.end(), targets.begin(), targets.end(),
                       std::back_inserter(merged));
        constraint.forbidden = std::move(merged);
      } else if (!constraint.has_only) {
        constraint.has_only = true;
        constraint.only = std::move(targets);
      } else {
        std::vector<EdgeId> common;
        std::set_intersection(constraint.only.begin(), constraint.only.end(), targets.begin(), targets.end(),
                              std::back_inserter(common));
        constraint.only = std::move(common);
      }
    }
  }

  // Split: one copy of the junction per restricted incoming edge.
  const size_t original_edges = edges.size();
  std::vector<NodeId> copy_for_edge(original_edges, kInvalidId);
  std::vector<EdgeId> origin;  // per added edge: the original edge it copies
  for (const auto& [e, constraint] : constraints) {
    const NodeId v = edges[e].head;
    const NodeId copy = static_cast<NodeId>(draft.coordinates.size());
    draft.coordinates.push_back(draft.coordinates[v]);
    draft.osm_node_ids.push_back(draft.osm_node_ids[v]);
    copy_for_edge[e] = copy;
    ++report.restriction_node_copies;
    const std::vector<EdgeId> exits = constraint.has_only ? constraint.only : outgoing.of(v);
    for (const EdgeId f : exits) {
      if (std::binary_search(constraint.forbidden.begin(), constraint.forbidden.end(), f)) continue;
      EdgeInput added = edges[f];
      added.tail = copy;
      edges.push_back(std::move(added));
      draft.segment_of_edge.push_back(draft.segment_of_edge[f]);
      origin.push_back(f);
    }
  }
  for (size_t i = 0; i < edges.size(); ++i) {
    const EdgeId original = i < original_edges ? static_cast<EdgeId>(i) : origin[i - original_edges];
    if (copy_for_edge[original] != kInvalidId) edges[i].head = copy_for_edge[original];
  }
}

}  // namespace bitgoeul::road
