// libFuzzer target for the dashboard's static files. The input is a request path as HttpServer hands it over
// (percent-decoded); a '/' is put in front when it lacks one. Served from a scratch directory holding index.html,
// assets/app.js, a symlink out of it and a secret file beside it. For each input:
//   - the answer is 200 or 404, never anything else for a GET;
//   - a 200 carries exactly one of the files inside the directory, never the secret beside it;
//   - nothing throws (a path that is not UTF-8 is named in the 404 all the same).
// A broken promise aborts (a finding). Seed corpus: tests/fuzz/static_files/.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "taxi_service/static_files.h"

namespace {

using namespace bitgoeul;
namespace fs = std::filesystem;

constexpr const char* kIndex = "<!doctype html><title>index</title>";
constexpr const char* kScript = "console.log('app')";
constexpr const char* kSecret = "SECRET-OUTSIDE-THE-ROOT";

const taxi_service::StaticFiles& files() {
  static const taxi_service::StaticFiles served = [] {
    const fs::path base =
        (fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path()) /
        ("bitgoeul_static_files_fuzz_" + std::to_string(getpid()));
    fs::remove_all(base);
    fs::create_directories(base / "root" / "assets");
    std::ofstream(base / "root" / "index.html") << kIndex;
    std::ofstream(base / "root" / "assets" / "app.js") << kScript;
    std::ofstream(base / "secret.txt") << kSecret;
    fs::create_symlink(base / "secret.txt", base / "root" / "leak.txt");
    fs::create_directory_symlink(base, base / "root" / "up");
    auto opened = taxi_service::StaticFiles::open((base / "root").string());
    if (!opened.is_ok()) {
      std::fprintf(stderr, "static_files_fuzz: %s\n", opened.status().to_string().c_str());
      std::abort();
    }
    return std::move(*opened);
  }();
  return served;
}

void check(bool condition, const char* what, const std::string& path) {
  if (condition) return;
  std::fprintf(stderr, "static_files_fuzz: broken promise: %s (path '%s')\n", what, path.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  HttpRequest request;
  request.method = "GET";
  request.path.assign(reinterpret_cast<const char*>(data), size);
  if (request.path.empty() || request.path.front() != '/') request.path.insert(0, "/");
  request.target = request.path;
  const HttpResponse response = files().serve(request);
  check(response.status == 200 || response.status == 404, "a GET answers 200 or 404", request.path);
  // (A 404 names the path asked for, which may spell anything: only a 200 carries a file.)
  if (response.status == 200) {
    check(response.body.find(kSecret) == std::string::npos, "nothing outside the root is served", request.path);
    check(response.body == kIndex || response.body == kScript, "a 200 is a file inside the root", request.path);
  }
  return 0;
}
