// vigie-kbc: compiles a knowledge base in Vigie's JSON format into the binary
// form the scanner loads (db_codec.h). Run by the build on data/sdk_kb.json;
// a malformed KB fails the build with the parser's message. With the vendor
// KB as a third argument, it checks that every SDK's vendor is there and
// compiles the vendors into the same blob.
//   vigie-kbc IN.json OUT.bin [VENDORS.json]
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "vigie/sig/db_codec.h"
#include "vigie/sig/signature_db.h"

namespace {

std::string Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: vigie-kbc IN.json OUT.bin [VENDORS.json]\n");
    return 2;
  }
  auto db = vigie::sig::ParseKb(Slurp(argv[1]), "vigie-kb");
  if (!db) {
    std::fprintf(stderr, "vigie-kbc: %s: %s\n", argv[1], db.error().message.c_str());
    return 1;
  }
  if (argc == 4) {
    auto vendors = vigie::sig::ParseVendors(Slurp(argv[3]), argv[3]);
    if (!vendors) {
      std::fprintf(stderr, "vigie-kbc: %s\n", vendors.error().message.c_str());
      return 1;
    }
    std::set<std::string> known;
    for (const auto& v : *vendors) known.insert(v.id);
    for (const auto& s : db->sdks) {
      if (!s.vendor.empty() && !known.count(s.vendor)) {
        std::fprintf(stderr, "vigie-kbc: SDK '%s' names vendor '%s', which %s does not describe\n", s.id.c_str(),
                     s.vendor.c_str(), argv[3]);
        return 1;
      }
    }
    db->vendors = std::move(*vendors);
  }
  std::ofstream out(argv[2], std::ios::binary);
  out << vigie::sig::EncodeDb(*db);
  return out ? 0 : 1;
}
