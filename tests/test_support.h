// Helpers shared by the test binaries: where fixtures and the corpus live.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "vigie/model/scan_result.h"
#include "vigie/report/report.h"

namespace vigie::testing {

/// Directory holding fixtures made by tests/fixtures/build_fixtures.sh
/// (ctest runs that script first, as the "fixtures" setup test).
inline std::string FixtureDir() {
  const char* build = std::getenv("VIGIE_BUILD_DIR");
  return std::string(build ? build : "build/dev") + "/fixtures";
}

inline std::string Fixture(const std::string& name) { return FixtureDir() + "/" + name; }

/// ../shared/corpus, relative to the source tree the tests run in.
inline std::string CorpusDir() {
  const char* env = std::getenv("VIGIE_CORPUS_DIR");
  return env ? env : "../shared/corpus";
}

inline std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The line of /proc/self/smaps that starts with `field` (e.g. "Rss:",
/// "VmFlags:") for the mapping that holds `p`; empty when there is none.
inline std::string MappingField(const void* p, const std::string& field) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<uintptr_t>(p);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream range(line);
    if (line.rfind(field, 0) == 0) {
      if (inside) return line;
    } else if (line.find(':') == std::string::npos || line.find(' ') < line.find(':')) {
      // A mapping's header: "lo-hi perms offset dev inode path".
      if (range >> std::hex >> lo >> dash >> hi && dash == '-') inside = lo <= at && at < hi;
    }
  }
  return "";
}

/// The parts of a result that SDK detection and the rules make (what a
/// corpus rematch rewrites), as JSON: two results compare by them.
inline std::string VerdictsJson(const ScanResult& r) {
  ScanResult v;
  v.signature_sources = r.signature_sources;
  v.sdks = r.sdks;
  v.recipients = r.recipients;
  v.endpoints = r.endpoints;
  v.secrets = r.secrets;
  v.findings = r.findings;
  return report::ToJson(v, report::JsonStyle::kPretty);
}

}  // namespace vigie::testing

/// Skips (loudly) when a fixture is missing, which only happens when a test
/// binary runs outside ctest without the fixtures built.
#define REQUIRE_FIXTURE(path)                                                          \
  do {                                                                                 \
    if (!std::filesystem::exists(path))                                                \
      GTEST_FAIL() << "fixture " << (path) << " missing: run ctest (it builds them)"; \
  } while (0)
