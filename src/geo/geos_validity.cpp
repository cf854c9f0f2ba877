// The one adapter to GEOS: polygon validity (self-intersections, holes outside shells) as GEOS defines it.

#include <geos_c.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <vector>

#include "geo/zones.h"

namespace bitgoeul::geo {
namespace {

void ignore_geos_message(const char* /*format*/, ...) {}

struct ContextDeleter {
  void operator()(GEOSContextHandle_t context) const { GEOS_finish_r(context); }
};
using Context = std::unique_ptr<std::remove_pointer_t<GEOSContextHandle_t>, ContextDeleter>;

GEOSGeometry* make_ring(GEOSContextHandle_t context, const Ring& ring) {
  GEOSCoordSequence* sequence = GEOSCoordSeq_create_r(context, static_cast<unsigned>(ring.size() + 1), 2);
  for (size_t i = 0; i <= ring.size(); ++i) {
    const LatLon& point = ring[i % ring.size()];
    GEOSCoordSeq_setXY_r(context, sequence, static_cast<unsigned>(i), point.lon, point.lat);
  }
  return GEOSGeom_createLinearRing_r(context, sequence);  // takes ownership of the sequence
}

}  // namespace

Status check_polygon_with_geos(const Polygon& polygon, const std::string& where) {
  Context context(GEOS_init_r());
  GEOSContext_setNoticeHandler_r(context.get(), ignore_geos_message);
  GEOSContext_setErrorHandler_r(context.get(), ignore_geos_message);
  GEOSGeometry* shell = make_ring(context.get(), polygon.outer);
  std::vector<GEOSGeometry*> holes;
  for (const Ring& hole : polygon.holes) holes.push_back(make_ring(context.get(), hole));
  if (shell == nullptr || std::find(holes.begin(), holes.end(), nullptr) != holes.end()) {
    if (shell != nullptr) GEOSGeom_destroy_r(context.get(), shell);
    for (GEOSGeometry* hole : holes) {
      if (hole != nullptr) GEOSGeom_destroy_r(context.get(), hole);
    }
    return invalid_input("{}: a ring cannot be built (degenerate ring)", where);
  }
  GEOSGeometry* geometry = GEOSGeom_createPolygon_r(context.get(), shell, holes.data(),
                                                    static_cast<unsigned>(holes.size()));
  char* reason = nullptr;
  GEOSGeometry* location = nullptr;
  const char valid = GEOSisValidDetail_r(context.get(), geometry, 0, &reason, &location);
  Status status;
  if (valid != 1) {
    double x = 0;
    double y = 0;
    if (location != nullptr) {
      GEOSGeomGetX_r(context.get(), location, &x);
      GEOSGeomGetY_r(context.get(), location, &y);
    }
    status = invalid_input("{}: invalid polygon: {} at lat {:.6f}, lon {:.6f}", where,
                           reason != nullptr ? reason : "unknown reason", y, x);
  }
  if (reason != nullptr) GEOSFree_r(context.get(), reason);
  if (location != nullptr) GEOSGeom_destroy_r(context.get(), location);
  GEOSGeom_destroy_r(context.get(), geometry);
  return status;
}

}  // namespace bitgoeul::geo
