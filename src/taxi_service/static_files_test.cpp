// The dashboard's static files: what is served, with which content type, and every way out of the directory refused
// with the same 404 as a missing file.

#include "taxi_service/static_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

namespace bitgoeul::taxi_service {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("bitgoeul_static_files_test_" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "dist" / "assets");
    write(base_ / "dist" / "index.html", "<!doctype html><title>dashboard</title>");
    write(base_ / "dist" / "assets" / "index-abc123.js", "console.log('hi')");
    write(base_ / "dist" / "assets" / "index-abc123.css", "body{}");
    write(base_ / "dist" / "favicon.svg", "<svg/>");
    write(base_ / "secret.txt", "do not serve");
    fs::create_directories(base_ / "outside");
    write(base_ / "outside" / "index.html", "outside");
    fs::create_symlink(base_ / "secret.txt", base_ / "dist" / "leak.txt");
    fs::create_directory_symlink(base_ / "outside", base_ / "dist" / "linked");
    fs::create_symlink(base_ / "dist" / "favicon.svg", base_ / "dist" / "alias.svg");  // inside: allowed
    auto files = StaticFiles::open((base_ / "dist").string());
    ASSERT_TRUE(files.is_ok()) << files.status().to_string();
    files_.emplace(std::move(*files));
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

  HttpResponse get(const std::string& path, const std::string& method = "GET") const {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.target = path;
    return files_->serve(request);
  }

  fs::path base_;
  std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesIndexAtTheRootWithItsContentType) {
  const HttpResponse response = get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.body, "<!doctype html><title>dashboard</title>");
  EXPECT_EQ(get("/index.html").body, response.body);
}

TEST_F(StaticFilesTest, ServesAssetsWithTheirContentTypes) {
  const HttpResponse js = get("/assets/index-abc123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log('hi')");
  EXPECT_EQ(get("/assets/index-abc123.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(get("/favicon.svg").content_type, "image/svg+xml");
  EXPECT_EQ(get("/alias.svg").status, 200) << "a symlink that stays inside the directory is served";
}

TEST_F(StaticFilesTest, MissingFilesAndDirectoriesAre404) {
  EXPECT_EQ(get("/nope.js").status, 404);
  EXPECT_EQ(get("/assets").status, 404);
  EXPECT_EQ(get("/assets/").status, 404) << "no index.html in assets/";
}

TEST_F(StaticFilesTest, EveryWayOutOfTheDirectoryIs404) {
  // HttpServer hands over the percent-decoded path: %2e%2e arrives here as "..".
  for (const std::string& path : std::vector<std::string>{"/../secret.txt", "/assets/../../secret.txt", "/..", "/./index.html", "/assets/./index-abc123.js",
        "//etc/passwd", "/" + base_.string() + "/secret.txt", "/leak.txt", "/linked/index.html", "/linked/",
        std::string("/index.html\0.js", 15), "/..\\secret.txt", "/assets\\..\\..\\secret.txt", ""}) {
    const HttpResponse response = get(path);
    EXPECT_EQ(response.status, 404) << "path '" << path << "'";
    EXPECT_EQ(response.body.find("do not serve"), std::string::npos);
    EXPECT_EQ(response.body.find("outside"), std::string::npos);
  }
}

TEST_F(StaticFilesTest, OnlyGet) {
  EXPECT_EQ(get("/", "POST").status, 405);
  EXPECT_EQ(get("/index.html", "DELETE").status, 405);
}

TEST_F(StaticFilesTest, OpenNamesWhatIsWrong) {
  const auto missing = StaticFiles::open((base_ / "nope").string());
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("nope"), std::string::npos);
  const auto no_index = StaticFiles::open((base_ / "dist" / "assets").string());
  ASSERT_FALSE(no_index.is_ok());
  EXPECT_NE(no_index.status().message().find("index.html"), std::string::npos);
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(content_type_for("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("x.png"), "image/png");
  EXPECT_EQ(content_type_for("Makefile"), "application/octet-stream");
  EXPECT_EQ(content_type_for("dir.d/file"), "application/octet-stream");
}

TEST(FindDashboard, FindsWebDistInAnAncestorCheckout) {
  const fs::path base = fs::temp_directory_path() / ("bitgoeul_find_dashboard_" + std::to_string(::getpid()));
  fs::remove_all(base);
  fs::create_directories(base / "web" / "dist");
  fs::create_directories(base / "build" / "release" / "src" / "cli");
  std::ofstream(base / "web" / "package.json") << "{}";
  const fs::path executable = base / "build" / "release" / "src" / "cli" / "bitgoeul";
  std::ofstream(executable) << "";
  EXPECT_FALSE(find_dashboard_beside(executable.string()).has_value()) << "not built yet: no index.html";
  std::ofstream(base / "web" / "dist" / "index.html") << "<html>";
  const auto found = find_dashboard_beside(executable.string());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(fs::path(*found), fs::canonical(base / "web" / "dist"));
  fs::remove_all(base);
}

}  // namespace
}  // namespace bitgoeul::taxi_service
