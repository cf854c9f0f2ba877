#pragma once
// The NPU center's hardware: device types (accelerator models as their vendors' Kubernetes device plugins name
// them), nodes holding devices of one type, and racks (the switch level of the topology: card < node < rack).
//
// Capacity is counted in thousandths of a device ("milli", 1000 = one card), the unit Alibaba's GPU-sharing trace
// uses. A type may grant fractions only as fixed partitions (FuriosaAI RNGD: 1, 2 or 4 of its 8 processing
// elements = 125, 250 or 500 milli), in any thousandth (GPU sharing as in the openb trace), or not at all.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace bitgoeul::npu {

inline constexpr uint32_t kMilliPerDevice = 1000;

using DeviceTypeIndex = uint32_t;
using NodeIndex = uint32_t;
using RackIndex = uint32_t;
using DeviceIndex = uint32_t;

struct Partition {
  uint32_t processing_elements = 0;
  uint32_t milli = 0;  // processing_elements / type's processing elements, in thousandths
  std::string resource_name;  // e.g. "furiosa.ai/rngd-1core.6gb"
  double memory_gib = 0.0;
};

enum class Sharing {
  kWhole,       // whole cards only (Rebellions ATOM and REBEL, H100 without MIG)
  kPartitions,  // only the listed partitions (RNGD)
  kMilli,       // any thousandth (GPU sharing of the openb trace)
};

struct DeviceType {
  std::string name;           // short name used by jobs and quotas: "RNGD", "ATOM", "H100"
  std::string vendor;
  std::string resource_name;  // Kubernetes extended resource of a whole card, e.g. "rebellions.ai/ATOM"
  double memory_gib = 0.0;
  uint32_t processing_elements = 0;  // per card; 0 when unknown or irrelevant
  Sharing sharing = Sharing::kWhole;
  std::vector<Partition> partitions;  // ascending milli; only with Sharing::kPartitions
  // Device-hours charged to vouchers and fair-share usage per hour of one whole card (a billing weight, as in
  // Slurm's TRESBillingWeights).
  double billing_weight = 1.0;
};

// The share granted for a fractional request (0 < request_milli < 1000): the request itself for kMilli, the
// smallest partition holding it for kPartitions; nullopt when the type grants no fraction that large.
std::optional<uint32_t> granted_milli(const DeviceType& type, uint32_t request_milli);

// Host resources beside the accelerators: CPU in thousandths of a core (Kubernetes' millicores, openb's cpu_milli)
// and main memory in MiB. 0 = not modelled: the node never runs short of it.
inline constexpr uint64_t kMaxHostResource = 1'000'000'000'000;  // bound on capacities and requests (either unit)

struct Node {
  std::string name;
  DeviceTypeIndex type = 0;
  RackIndex rack = 0;
  DeviceIndex first_device = 0;  // devices of a node are numbered contiguously
  uint32_t device_count = 0;
  uint64_t cpu_milli = 0;   // 0: not modelled
  uint64_t memory_mib = 0;  // 0: not modelled
};

struct Cluster {
  std::string name;
  std::vector<DeviceType> device_types;
  std::vector<std::string> racks;
  std::vector<Node> nodes;
  std::vector<NodeIndex> device_node;  // per device

  std::optional<DeviceTypeIndex> find_type(std::string_view name) const;
  uint32_t device_count() const { return static_cast<uint32_t>(device_node.size()); }
  // Whole cards per device type.
  std::vector<uint32_t> devices_per_type() const;
  // Appends a node (and its devices) in rack `rack_name`, creating the rack on first use. cpu_milli and memory_mib
  // of 0 leave that resource unmodelled.
  void add_node(std::string node_name, DeviceTypeIndex type, std::string_view rack_name, uint32_t device_count,
                uint64_t cpu_milli = 0, uint64_t memory_mib = 0);
};

// Structural checks: unique names, partitions consistent with the type, at least one device.
Status validate(const Cluster& cluster);

}  // namespace bitgoeul::npu
