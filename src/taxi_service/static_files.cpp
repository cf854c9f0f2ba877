#include "taxi_service/static_files.h"

#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace bitgoeul::taxi_service {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxFileBytes = uintmax_t{64} << 20;  // a dashboard bundle is a few MB; anything bigger is a mistake

bool is_inside(const fs::path& root, const fs::path& candidate) {
  auto r = root.begin();
  auto c = candidate.begin();
  for (; r != root.end(); ++r, ++c) {
    if (c == candidate.end() || *r != *c) return false;
  }
  return true;
}

// The relative file path a request path names, or nullopt when it is not a plain path below the root.
std::optional<fs::path> relative_file(const std::string& request_path) {
  if (request_path.empty() || request_path.front() != '/') return std::nullopt;
  if (request_path.find('\0') != std::string::npos || request_path.find('\\') != std::string::npos) return std::nullopt;
  fs::path relative;
  size_t start = 1;
  while (start <= request_path.size()) {
    size_t slash = request_path.find('/', start);
    if (slash == std::string::npos) slash = request_path.size();
    const std::string segment = request_path.substr(start, slash - start);
    if (segment == "." || segment == "..") return std::nullopt;
    if (!segment.empty()) relative /= segment;
    start = slash + 1;
  }
  if (request_path.back() == '/') relative /= "index.html";
  return relative;
}

}  // namespace

std::string content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".geojson", "application/geo+json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  }};
  const size_t dot = file_name.rfind('.');
  const size_t slash = file_name.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return "application/octet-stream";
  std::string extension(file_name.substr(dot));
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [ext, type] : kTypes) {
    if (extension == ext) return std::string(type);
  }
  return "application/octet-stream";
}

Result<StaticFiles> StaticFiles::open(const std::string& directory) {
  std::error_code error;
  const fs::path root = fs::canonical(directory, error);
  if (error || !fs::is_directory(root, error)) {
    return not_found("--web {}: not a directory (build the dashboard with `npm ci && npm run build` in web/)", directory);
  }
  if (!fs::is_regular_file(root / "index.html", error)) {
    return not_found("--web {}: no index.html in it (build the dashboard with `npm run build` in web/)", directory);
  }
  return StaticFiles(root.string());
}

HttpResponse StaticFiles::serve(const HttpRequest& request) const {
  if (request.method != "GET") {
    HttpResponse response = HttpResponse::error(405, "the dashboard's files are read with GET");
    response.headers.emplace_back("Allow", "GET");
    return response;
  }
  const HttpResponse missing = HttpResponse::error(404, "no such file: " + request.path);
  const std::optional<fs::path> relative = relative_file(request.path);
  if (!relative) return missing;
  const fs::path root(root_);
  std::error_code error;
  // canonical() resolves every symlink on the way, so a link pointing out of the root is caught by is_inside.
  const fs::path file = fs::canonical(root / *relative, error);
  if (error || !is_inside(root, file) || !fs::is_regular_file(file, error)) return missing;
  const uintmax_t size = fs::file_size(file, error);
  if (error || size > kMaxFileBytes) return missing;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in.good() && !in.eof()) return HttpResponse::error(500, "cannot read " + request.path);
  HttpResponse response;
  response.content_type = content_type_for(file.filename().string());
  response.body = std::move(content).str();
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Vite names bundled assets by content hash: they never change; index.html must be asked for again.
  const bool hashed_asset = relative->begin() != relative->end() && *relative->begin() == "assets";
  response.headers.emplace_back("Cache-Control", hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  return response;
}

std::optional<std::string> find_dashboard_beside(const std::string& executable) {
  std::error_code error;
  fs::path dir = fs::canonical(executable, error);
  if (error) return std::nullopt;
  for (dir = dir.parent_path(); !dir.empty(); dir = dir.parent_path()) {
    if (fs::is_regular_file(dir / "web" / "package.json", error) &&
        fs::is_regular_file(dir / "web" / "dist" / "index.html", error)) {
      return (dir / "web" / "dist").string();
    }
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

}  // namespace bitgoeul::taxi_service
