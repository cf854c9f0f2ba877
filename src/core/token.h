#pragma once
// API tokens: random, shown to their holder once; the store keeps only their SHA-256.

#include <string>
#include <string_view>

#include "core/error.h"

namespace bitgoeul {

// "bgt_" followed by 64 hex digits of a cryptographically random 256-bit value.
Result<std::string> generate_token();
// Lower-case hex SHA-256 of the token's bytes.
Result<std::string> token_hash(std::string_view token);

}  // namespace bitgoeul
