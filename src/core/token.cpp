#include "core/token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

namespace bitgoeul {
namespace {

std::string hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(2 * size, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xF];
  }
  return out;
}

}  // namespace

Result<std::string> generate_token() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return internal_error("OpenSSL could not produce random bytes for a token");
  }
  return "bgt_" + hex(bytes.data(), bytes.size());
}

Result<std::string> token_hash(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(token.data(), token.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != 32) {
    return internal_error("OpenSSL offers no SHA-256");
  }
  return hex(digest.data(), length);
}

}  // namespace bitgoeul
