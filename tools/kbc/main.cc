// vigie-kbc: compiles a knowledge base in Vigie's JSON format into the binary
// form the scanner loads (db_codec.h). Run by the build on data/sdk_kb.json;
// a malformed KB fails the build with the parser's message.
//   vigie-kbc IN.json OUT.bin
#include <cstdio>
#include <fstream>
#include <sstream>

#include "vigie/sig/db_codec.h"
#include "vigie/sig/signature_db.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: vigie-kbc IN.json OUT.bin\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto db = vigie::sig::ParseKb(text.str(), "vigie-kb");
  if (!db) {
    std::fprintf(stderr, "vigie-kbc: %s: %s\n", argv[1], db.error().message.c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out << vigie::sig::EncodeDb(*db);
  return out ? 0 : 1;
}
