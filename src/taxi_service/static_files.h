#pragma once
// The operator dashboard's static files (web/dist after `npm run build`), served by `bitgoeul taxi serve --web DIR`.
// Only regular files inside DIR are ever read: a path with a "." or ".." segment, a backslash or a NUL, and a file
// that resolves (through symlinks) outside DIR all get 404, the same answer as a file that does not exist, so
// nothing about the rest of the disk can be learnt.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/http_server.h"

namespace bitgoeul::taxi_service {

class StaticFiles {
 public:
  // REQUIRES: `directory` is a directory holding index.html. Errors name the directory.
  static Result<StaticFiles> open(const std::string& directory);

  // GET of request.path (percent-decoded, as HttpServer gives it): "/" and any path ending in "/" mean its
  // index.html. 200 with the file and its content type, 404 when there is no such file inside the directory, 405 for
  // other methods. Thread-safe (reads the file on each call: a rebuilt dashboard shows without a restart).
  HttpResponse serve(const HttpRequest& request) const;

  // The canonical directory served.
  const std::string& root() const { return root_; }

 private:
  explicit StaticFiles(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

// The Content-Type for a file name by its extension; application/octet-stream when unknown.
std::string content_type_for(std::string_view file_name);

// The first web/dist directory holding index.html found beside a Bitgoeul checkout that contains `executable`
// (its ancestors are searched for web/package.json), or nullopt. This is the default of `taxi serve --web`.
std::optional<std::string> find_dashboard_beside(const std::string& executable);

}  // namespace bitgoeul::taxi_service
