// vigie_kbc: the knowledge-base compiler, run by the build on data/.
//  - data/sdk_kb.json  -> OUT/sdk_kb.bin  (sig/db_codec.h); each package,
//    owned domain, component and meta-data key must have one owner
//  - data/vendors.json -> OUT/vendors.bin (intel/vendors.h); every SDK's
//    vendor must be described there
//  - data/profiles/*.vprof -> OUT/profiles.bin (profile/profile_index.h),
//    the index of every profile; each must profile an SDK of the KB
//  - data/rules.json, data/data_access.tsv, data/secrets.tsv,
//    data/permissions.tsv and data/permission_groups.tsv are parsed as the
//    scan parses them, strictly; the rules' data kinds must be those of
//    data_access.tsv.
//  - OUT/data_digest.txt: a hash of every file read, which names this
//    knowledge in the corpus store (pipeline/knowledge.h).
// Any error fails the build with a message naming the file and the entry.
//   vigie_kbc --data DIR --out DIR
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#define XXH_INLINE_ALL  // Header-only use of Debian's libxxhash-dev.
#include <xxhash.h>

#include "vigie/android/permissions.h"
#include "vigie/assess/rules.h"
#include "vigie/detect/data_access.h"
#include "vigie/detect/endpoints.h"
#include "vigie/intel/vendors.h"
#include "vigie/profile/profile_index.h"
#include "vigie/sig/db_codec.h"
#include "vigie/sig/signature_db.h"

namespace {

// Every file read, in order, hashed as it is read.
XXH3_state_t* DataDigest() {
  static XXH3_state_t* state = [] {
    auto* s = XXH3_createState();
    XXH3_64bits_reset(s);
    return s;
  }();
  return state;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string bytes = text.str();
  const std::string name = std::filesystem::path(path).filename().string();
  XXH3_64bits_update(DataDigest(), name.data(), name.size() + 1);  // With its NUL: names end.
  const uint64_t size = bytes.size();
  XXH3_64bits_update(DataDigest(), &size, sizeof size);
  XXH3_64bits_update(DataDigest(), bytes.data(), bytes.size());
  return bytes;
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Throws with `file`'s name when `r` holds an error.
template <typename T>
T Check(vigie::Result<T> r, const std::string& file) {
  if (!r) throw std::runtime_error(file + ": " + r.error().message);
  return std::move(*r);
}

void Compile(const std::string& data, const std::string& out) {
  auto sdks = Check(vigie::sig::ParseKb(Slurp(data + "/sdk_kb.json"), "vigie-kb"), data + "/sdk_kb.json");
  if (auto clashes = vigie::sig::OwnershipClashes(sdks); !clashes.empty()) {
    std::string all;
    for (const auto& c : clashes) all += "\n  " + c;
    throw std::runtime_error(data + "/sdk_kb.json: evidence with two owners:" + all);
  }
  auto vendors = Check(vigie::intel::ParseVendors(Slurp(data + "/vendors.json"), "vendors.json"),
                       data + "/vendors.json");
  std::set<std::string> known;
  for (const auto& v : vendors)
    if (!known.insert(v.id).second) throw std::runtime_error(data + "/vendors.json: vendor '" + v.id + "' twice");
  for (const auto& s : sdks.sdks)
    if (!s.vendor.empty() && !known.count(s.vendor))
      throw std::runtime_error(data + "/sdk_kb.json: SDK '" + s.id + "' names vendor '" + s.vendor +
                               "', which vendors.json does not describe");

  const auto api_rules = Check(vigie::detect::ParseApiRules(Slurp(data + "/data_access.tsv")), data);
  std::set<std::string> kinds;
  for (const auto& r : api_rules) kinds.insert(r.kind);
  Check(vigie::assess::ParseRules(Slurp(data + "/rules.json"), &kinds), data + "/rules.json");
  Check(vigie::detect::ParseSecretRules(Slurp(data + "/secrets.tsv")), data);
  Check(vigie::android::ParsePermissionTables(Slurp(data + "/permissions.tsv"), Slurp(data + "/permission_groups.tsv")),
        data);

  std::set<std::string> sdk_ids;
  for (const auto& s : sdks.sdks) sdk_ids.insert(s.id);
  std::vector<std::string> profile_files;
  for (const auto& e : std::filesystem::directory_iterator(data + "/profiles"))
    if (e.path().extension() == ".vprof") profile_files.push_back(e.path().string());
  std::sort(profile_files.begin(), profile_files.end());
  std::vector<vigie::profile::Profile> profiles;
  for (const auto& path : profile_files) {
    auto p = Check(vigie::profile::ParseProfile(Slurp(path), path), path);
    if (!sdk_ids.count("vigie:" + p.sdk))
      throw std::runtime_error(path + ": profiles SDK '" + p.sdk + "', which sdk_kb.json does not list");
    if (p.sources.empty()) throw std::runtime_error(path + ": no source line says where the binary came from");
    profiles.push_back(std::move(p));
  }

  Write(out + "/sdk_kb.bin", vigie::sig::EncodeDb(sdks));
  Write(out + "/profiles.bin", vigie::profile::ProfileIndex::Build(std::move(profiles)).Encode());
  Write(out + "/vendors.bin", vigie::intel::EncodeVendors(vendors));
  char digest[24];
  std::snprintf(digest, sizeof digest, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits_digest(DataDigest())));
  Write(out + "/data_digest.txt", digest);
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, out;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--data") data = argv[i + 1];
    else if (flag == "--out") out = argv[i + 1];
  }
  if (data.empty() || out.empty()) {
    std::fprintf(stderr, "usage: vigie_kbc --data DIR --out DIR\n");
    return 2;
  }
  try {
    Compile(data, out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vigie_kbc: %s\n", e.what());
    return 1;
  }
  return 0;
}
