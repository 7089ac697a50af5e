#include "vigie/base/mapped_file.h"

#include <fcntl.h>
#include <nettle/sha2.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <utility>

namespace vigie {

Result<MappedFile> MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(ErrorCode::kIoError, 0, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return MakeError(ErrorCode::kIoError, 0, std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return MakeError(ErrorCode::kIoError, 0, "not a regular file");
  }
  MappedFile f;
  f.size_ = static_cast<size_t>(st.st_size);
  f.fd_ = fd;  // Kept for Sha256File, which reads rather than maps.
  if (f.size_ > 0) {
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return MakeError(ErrorCode::kIoError, 0, std::strerror(errno));
    f.data_ = static_cast<const uint8_t*>(p);
  }
  return f;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      fd_(std::exchange(other.fd_, -1)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    this->~MappedFile();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
  if (fd_ >= 0) ::close(fd_);
}

void MappedFile::Release(uint64_t offset, uint64_t length) const {
  if (!data_ || offset >= size_) return;
  // Only the whole pages inside the range: a page it shares with a
  // neighbour may still be read.
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t end = offset + std::min<uint64_t>(length, size_ - offset);  // At most size_: no overflow.
  const uint64_t begin = (offset + page - 1) / page * page, whole_end = end / page * page;
  if (whole_end > begin) ::madvise(const_cast<uint8_t*>(data_) + begin, whole_end - begin, MADV_DONTNEED);
}

void MappedFile::ReadInChunks(const std::function<void(ByteView)>& fn) const {
  const ByteView v = view();
  uint8_t chunk[64 << 10];
  uint64_t off = 0;
  while (fd_ >= 0 && off < v.size()) {
    const size_t want = std::min<uint64_t>(sizeof chunk, v.size() - off);
    const ssize_t n = ::pread(fd_, chunk, want, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // The mapping has the rest, as the parsers saw it.
    fn(ByteView(chunk, static_cast<size_t>(n)));
    off += static_cast<uint64_t>(n);
  }
  if (off < v.size()) fn(v.Tail(off));
}

std::string Sha256File(const MappedFile& file) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  file.ReadInChunks([&](ByteView chunk) { sha256_update(&ctx, chunk.size(), chunk.data()); });
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  return ToHex(ByteView(digest, sizeof digest));
}

std::string Sha256Hex(ByteView bytes) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, bytes.size(), bytes.data());
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  return ToHex(ByteView(digest, sizeof digest));
}

}  // namespace vigie
