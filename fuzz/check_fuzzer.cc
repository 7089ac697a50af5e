// Fuzzes the modules of `vigie check` (check/): the input is cut into
// files at "\n====\n" lines, each "path\n" then its bytes, and read as an
// AndroidQF acquisition, a bugreport, an Android backup's members, an iOS
// backup and an iOS filesystem dump (SQLite files read from memory), with
// indicators of every type loaded so that every check runs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vigie/acquisition/file_tree.h"
#include "vigie/check/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const vigie::indicators::IndicatorSet* iocs = [] {
    auto* set = new vigie::indicators::IndicatorSet;
    const uint32_t c = set->AddCollection("Fuzz", "fuzz");
    using T = vigie::indicators::IndicatorType;
    set->Add(T::kAppId, "com.example.app", c);
    set->Add(T::kProcess, "evil_process_name_long", c);
    set->Add(T::kDomain, "example.org", c);
    set->Add(T::kFilePath, "/data/local/tmp", c);
    set->Add(T::kAndroidProperty, "sys.fuzz", c);
    return set;
  }();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<vigie::acquisition::FileEntry, std::string>> files;
  while (!in.empty()) {
    const size_t end = in.find("\n====\n");
    std::string_view part = in.substr(0, end);
    in = end == std::string_view::npos ? std::string_view() : in.substr(end + 6);
    const size_t nl = part.find('\n');
    const std::string path(part.substr(0, nl));
    const std::string body(nl == std::string_view::npos ? std::string_view() : part.substr(nl + 1));
    files.push_back({{path, body.size(), 1600000000}, body});
  }
  for (auto kind : {vigie::AcquisitionKind::kAndroidQf, vigie::AcquisitionKind::kBugreport,
                    vigie::AcquisitionKind::kAndroidBackup, vigie::AcquisitionKind::kIosBackup,
                    vigie::AcquisitionKind::kIosFilesystem}) {
    vigie::CheckResult result;
    vigie::check::CheckFiles(kind, *vigie::acquisition::InMemory("fuzz", files), *iocs, result);
  }
  return 0;
}
