#include "core/html.h"

#include <gtest/gtest.h>

namespace bitgoeul {
namespace {

TEST(Html, EscapesMarkupAndBothQuotes) {
  EXPECT_EQ(html_escape("<script>alert('x & \"y\"')</script>"),
            "&lt;script&gt;alert(&#39;x &amp; &quot;y&quot;&#39;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("송파구 24010"), "송파구 24010");
}

}  // namespace
}  // namespace bitgoeul
