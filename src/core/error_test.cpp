#include "core/error.h"

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) return invalid_input("value {} is not positive", value);
  return value;
}

Result<int> doubled(int value) {
  BITGOEUL_ASSIGN_OR_RETURN(int checked, parse_positive(value));
  return checked * 2;
}

TEST(Error, ResultCarriesValueOrStatus) {
  EXPECT_EQ(doubled(4).value(), 8);
  const auto failed = doubled(-1);
  ASSERT_FALSE(failed.is_ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(failed.status().to_string(), "invalid input: value -1 is not positive");
}

TEST(Error, OkStatusIsNotAValidFailure) {
  const Result<int> result{Status::ok()};
  EXPECT_FALSE(result.is_ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace bitgoeul
