// vigie-hs-compile: vectorscan's compiler, in a process of its own.
//
// Reads one request (sig/hs_compile_protocol.h) on standard input, builds
// the database in block mode for this host, and writes the serialized
// database, or the compiler's error, on standard output. Exit code 0 when
// a reply was written (the error included), 2 for a request it could not
// read, 3 when the reply could not be written.
//
// The CLI runs it on a cache miss (sig/hs_compiler.h): where Vigie is
// linked statically, the compiler cannot be loaded into its process.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "vigie/sig/hs_compile_protocol.h"

namespace {

namespace protocol = vigie::sig::hs_protocol;

bool ReadAll(int fd, std::string& out) {
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) return true;
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    out.append(chunk, static_cast<size_t>(n));
  }
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main() {
  std::string request;
  if (!ReadAll(STDIN_FILENO, request)) {
    std::perror("vigie-hs-compile: reading the request");
    return 2;
  }
  const auto patterns = protocol::DecodeRequest(request);
  if (!patterns) {
    std::fputs("vigie-hs-compile: the request is malformed\n", stderr);
    return 2;
  }
  std::vector<const char*> expressions;
  std::vector<unsigned> flags, ids;
  for (const auto& p : *patterns) {
    expressions.push_back(p.expression.c_str());
    flags.push_back(p.flags);
    ids.push_back(p.id);
  }
  if (!WriteAll(STDOUT_FILENO, protocol::EncodeReply(protocol::Compile(expressions, flags, ids)))) {
    std::perror("vigie-hs-compile: writing the reply");
    return 3;
  }
  return 0;
}
