#include "vigie/acquisition/android_backup.h"

#include <nettle/aes.h>
#include <nettle/cbc.h>
#include <nettle/pbkdf2.h>
#include <zlib.h>

#include <charconv>

#include "vigie/base/limits.h"
#include "vigie/base/mapped_file.h"

namespace vigie::acquisition {
namespace {

constexpr std::string_view kMagic = "ANDROID BACKUP\n";

// The next '\n'-ended line of the header, or nullopt.
std::optional<std::string_view> Line(std::string_view& s) {
  const size_t nl = s.find('\n');
  if (nl == std::string_view::npos || nl > 4096) return std::nullopt;
  const std::string_view line = s.substr(0, nl);
  s.remove_prefix(nl + 1);
  return line;
}

std::optional<std::string> Hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned v = 0;
    const auto r = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != hex.data() + 2 * i + 2) return std::nullopt;
    out[i] = static_cast<char>(v);
  }
  return out;
}

std::string Pbkdf2Sha1(std::string_view password, std::string_view salt, unsigned rounds) {
  std::string key(32, '\0');
  nettle_pbkdf2_hmac_sha1(password.size(), reinterpret_cast<const uint8_t*>(password.data()), rounds, salt.size(),
                          reinterpret_cast<const uint8_t*>(salt.data()), key.size(), reinterpret_cast<uint8_t*>(key.data()));
  return key;
}

// AES-256-CBC with PKCS#7 padding removed; nullopt when the padding is
// wrong (a wrong key, most often).
std::optional<std::string> DecryptAes256Cbc(std::string_view key, std::string_view iv, std::string_view data) {
  if (key.size() != 32 || iv.size() != 16 || data.empty() || data.size() % 16 != 0) return std::nullopt;
  struct CBC_CTX(struct aes256_ctx, AES_BLOCK_SIZE) ctx;
  aes256_set_decrypt_key(&ctx.ctx, reinterpret_cast<const uint8_t*>(key.data()));
  CBC_SET_IV(&ctx, reinterpret_cast<const uint8_t*>(iv.data()));
  std::string out(data.size(), '\0');
  CBC_DECRYPT(&ctx, aes256_decrypt, data.size(), reinterpret_cast<uint8_t*>(out.data()),
              reinterpret_cast<const uint8_t*>(data.data()));
  const auto pad = static_cast<unsigned char>(out.back());
  if (pad == 0 || pad > 16) return std::nullopt;
  for (size_t i = out.size() - pad; i < out.size(); ++i)
    if (static_cast<unsigned char>(out[i]) != pad) return std::nullopt;
  out.resize(out.size() - pad);
  return out;
}

// Java's PBKDF2WithHmacSHA1 takes the master key as chars: Android's
// BackupManagerService turns each byte into a char, sign-extended, which
// then reaches the MAC as UTF-8 (backup format 2 and later).
std::string JavaCharsUtf8(std::string_view bytes) {
  std::string out;
  for (const char b : bytes) {
    const auto c = static_cast<uint16_t>(static_cast<int16_t>(static_cast<signed char>(b)));
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace

bool InflateZlib(std::string_view in, std::string& out, std::string& why) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return why = "zlib cannot start", false;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));
  size_t fed = z.avail_in;
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (out.size() >= limits::kMaxAcquisitionFileBytes) {
      why = "larger than limits::kMaxAcquisitionFileBytes once inflated: read up to the cap";
      break;
    }
    const size_t before = out.size();
    out.resize(std::min<size_t>(std::max<size_t>(before * 2, 1 << 16), limits::kMaxAcquisitionFileBytes));
    z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    z.avail_out = static_cast<uInt>(out.size() - before);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(out.size() - z.avail_out);
    if (z.avail_in == 0 && fed < in.size()) {
      const size_t more = std::min<size_t>(in.size() - fed, UINT32_MAX);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + fed));
      z.avail_in = static_cast<uInt>(more);
      fed += more;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      why = "the compressed stream is cut short";
      break;
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END && why.empty()) why = "the compressed stream is damaged (zlib: " + std::string(z.msg ? z.msg : "error") + ")";
  return rc == Z_STREAM_END;
}

namespace {

uint64_t Octal(std::string_view field) {
  uint64_t v = 0;
  for (const char c : field) {
    if (c == ' ' || c == '\0') {
      if (v != 0) break;
      continue;
    }
    if (c < '0' || c > '7') return UINT64_MAX;
    if (v > (UINT64_MAX >> 3)) return UINT64_MAX;
    v = v << 3 | static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::string CString(std::string_view field) { return std::string(field.substr(0, field.find('\0'))); }

}  // namespace

bool LooksLikeAndroidBackup(std::string_view bytes) { return bytes.starts_with(kMagic); }

bool ReadTar(std::string_view tar, std::vector<std::pair<FileEntry, std::string>>& members) {
  std::string long_name;
  size_t pos = 0;
  while (tar.size() - pos >= 512) {
    const std::string_view h = tar.substr(pos, 512);
    if (h.find_first_not_of('\0') == std::string_view::npos) return true;  // The end-of-archive block.
    unsigned sum = 0;
    for (size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    if (Octal(h.substr(148, 8)) != sum) return false;
    const uint64_t size = Octal(h.substr(124, 12));
    if (size == UINT64_MAX || size > tar.size() - pos - 512) return false;
    const std::string_view data = tar.substr(pos + 512, size);
    pos += 512 + (size + 511) / 512 * 512;
    if (pos > tar.size()) pos = tar.size();
    const char type = h[156];
    if (type == 'L') {  // GNU: the next member's long name.
      long_name = CString(data);
      continue;
    }
    std::string name = long_name.empty() ? CString(h.substr(0, 100)) : long_name;
    long_name.clear();
    if (h.substr(257, 5) == "ustar" && h[345] != '\0') name = CString(h.substr(345, 155)) + "/" + name;
    if (type != '0' && type != '\0') continue;  // Folders, links, PAX headers.
    while (name.starts_with("/") || name.starts_with("./")) name.erase(0, name[0] == '/' ? 1 : 2);
    const int64_t mtime = static_cast<int64_t>(std::min<uint64_t>(Octal(h.substr(136, 12)), INT64_MAX));
    members.push_back({{name, size, mtime}, std::string(data)});
  }
  return pos == tar.size();
}

std::unique_ptr<FileTree> ReadAndroidBackup(std::string_view bytes, const std::string& where,
                                            const std::string& password, Diagnostics& diags) {
  auto fail = [&](ErrorCode code, std::string why) -> std::unique_ptr<FileTree> {
    diags.Add(Level::kError, code, where, std::move(why));
    return nullptr;
  };
  if (!LooksLikeAndroidBackup(bytes)) return fail(ErrorCode::kAcquisitionMalformed, "not an Android backup (no 'ANDROID BACKUP' header)");
  std::string_view s = bytes.substr(kMagic.size());
  const auto version = Line(s), compressed = Line(s), encryption = Line(s);
  if (!version || !compressed || !encryption) return fail(ErrorCode::kAcquisitionMalformed, "the backup header is cut short");
  std::string payload(s);
  if (*encryption == "AES-256") {
    const auto user_salt = Line(s), check_salt = Line(s), rounds_text = Line(s), user_iv = Line(s), blob = Line(s);
    unsigned rounds = 0;
    if (!blob || std::from_chars(rounds_text->data(), rounds_text->data() + rounds_text->size(), rounds).ec != std::errc() ||
        rounds == 0 || rounds > limits::kMaxBackupKdfRounds)
      return fail(ErrorCode::kAcquisitionMalformed,
                  "the encryption header is malformed (or asks for more PBKDF2 rounds than limits::kMaxBackupKdfRounds)");
    const auto salt = Hex(*user_salt), csalt = Hex(*check_salt), iv = Hex(*user_iv), key_blob = Hex(*blob);
    if (!salt || !csalt || !iv || !key_blob) return fail(ErrorCode::kAcquisitionMalformed, "the encryption header is not hexadecimal");
    if (password.empty())
      return fail(ErrorCode::kBackupPassword, "the backup is encrypted: give its password (--password or VIGIE_BACKUP_PASSWORD)");
    const auto keys = DecryptAes256Cbc(Pbkdf2Sha1(password, *salt, rounds), *iv, *key_blob);
    // The blob: length-prefixed master IV, master key and checksum.
    std::string_view k = keys ? std::string_view(*keys) : std::string_view();
    auto field = [&]() -> std::optional<std::string_view> {
      if (k.empty() || static_cast<unsigned char>(k[0]) + 1u > k.size()) return std::nullopt;
      const std::string_view f = k.substr(1, static_cast<unsigned char>(k[0]));
      k.remove_prefix(1 + f.size());
      return f;
    };
    const auto master_iv = field(), master_key = field(), checksum = field();
    if (!master_iv || !master_key || !checksum) return fail(ErrorCode::kBackupPassword, "wrong password (the master key does not decrypt)");
    const std::string key_chars = *version == "1" ? std::string(*master_key) : JavaCharsUtf8(*master_key);
    if (Pbkdf2Sha1(key_chars, *csalt, rounds) != *checksum)
      return fail(ErrorCode::kBackupPassword, "wrong password (the master key's checksum differs)");
    auto plain = DecryptAes256Cbc(*master_key, *master_iv, s.substr(0, s.size() / 16 * 16));
    if (!plain) return fail(ErrorCode::kAcquisitionMalformed, "the encrypted data does not decrypt (damaged or cut short)");
    payload = std::move(*plain);
  } else if (*encryption != "none") {
    return fail(ErrorCode::kAcquisitionMalformed, "unknown encryption '" + std::string(*encryption) + "'");
  }
  std::string tar;
  if (*compressed == "1") {
    std::string why;
    if (!InflateZlib(payload, tar, why)) diags.Add(Level::kError, ErrorCode::kAcquisitionMalformed, where, why);
  } else {
    tar = std::move(payload);
  }
  std::vector<std::pair<FileEntry, std::string>> members;
  if (!ReadTar(tar, members))
    diags.Add(Level::kError, ErrorCode::kAcquisitionMalformed, where,
              "the tar inside is damaged after " + std::to_string(members.size()) + " members");
  return InMemory(where, std::move(members));
}

std::unique_ptr<FileTree> ReadAndroidBackupFile(const std::string& path, const std::string& password,
                                                Diagnostics& diags) {
  auto file = MappedFile::Open(path);
  if (!file) {
    diags.AddError(Level::kError, file.error(), path);
    return nullptr;
  }
  const size_t slash = path.rfind('/');
  return ReadAndroidBackup(file->view().AsString(), slash == std::string::npos ? path : path.substr(slash + 1), password,
                           diags);
}

}  // namespace vigie::acquisition
