#include "vigie/acquisition/ios_backup.h"

#include <nettle/aes.h>
#include <nettle/cbc.h>
#include <nettle/nist-keywrap.h>
#include <nettle/pbkdf2.h>

#include <cstdio>
#include <cstring>
#include <map>

#include "vigie/acquisition/sqlite_db.h"
#include "vigie/base/limits.h"
#include "vigie/format/plist/plist.h"

namespace vigie::acquisition {
namespace {

const uint8_t* U8(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

uint32_t BigEndian32(std::string_view s) {
  uint32_t v = 0;
  for (char c : s.substr(0, 4)) v = v << 8 | static_cast<unsigned char>(c);
  return v;
}

// The keybag: its salts and rounds, and each protection class's wrapped key.
struct Keybag {
  std::string salt, dpsl;
  uint32_t iter = 0, dpic = 0;
  struct ClassKey {
    uint32_t wrap = 0;
    std::string wrapped, key;
  };
  std::map<uint32_t, ClassKey> classes;
};

bool ReadKeybag(std::string_view tlv, Keybag& bag) {
  bool seen_uuid = false, in_class = false;
  Keybag::ClassKey current;
  uint32_t current_class = 0;
  auto store = [&] {
    if (in_class) bag.classes[current_class] = current;
    current = {};
    current_class = 0;
  };
  while (tlv.size() >= 8) {
    const std::string_view tag = tlv.substr(0, 4);
    const uint32_t length = BigEndian32(tlv.substr(4, 4));
    if (length > tlv.size() - 8) return false;
    const std::string_view value = tlv.substr(8, length);
    tlv.remove_prefix(8 + length);
    if (tag == "UUID") {
      if (seen_uuid) {
        store();
        in_class = true;
      }
      seen_uuid = true;
    } else if (in_class && tag == "CLAS") {
      current_class = BigEndian32(value);
    } else if (in_class && tag == "WRAP") {
      current.wrap = BigEndian32(value);
    } else if (in_class && tag == "WPKY") {
      current.wrapped = std::string(value);
    } else if (tag == "SALT") {
      bag.salt = std::string(value);
    } else if (tag == "ITER") {
      bag.iter = BigEndian32(value);
    } else if (tag == "DPSL") {
      bag.dpsl = std::string(value);
    } else if (tag == "DPIC") {
      bag.dpic = BigEndian32(value);
    }
  }
  store();
  return true;
}

// RFC 3394 AES key unwrap; nullopt when the integrity check fails.
std::optional<std::string> Unwrap(std::string_view kek, std::string_view wrapped) {
  if (kek.size() != 32 || wrapped.size() < 24 || wrapped.size() % 8 != 0) return std::nullopt;
  aes256_ctx ctx;
  aes256_set_decrypt_key(&ctx, U8(kek));
  static const uint8_t kIv[8] = {0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6};
  std::string out(wrapped.size() - 8, '\0');
  if (!aes256_keyunwrap(&ctx, kIv, out.size(), reinterpret_cast<uint8_t*>(out.data()), U8(wrapped))) return std::nullopt;
  return out;
}

// AES-256-CBC with a zero IV, the whole input (a file's padding is cut by
// its recorded size).
std::string DecryptCbc(std::string_view key, std::string_view data) {
  struct CBC_CTX(struct aes256_ctx, AES_BLOCK_SIZE) ctx;
  aes256_set_decrypt_key(&ctx.ctx, U8(key));
  static const uint8_t kZero[16] = {};
  CBC_SET_IV(&ctx, kZero);
  const size_t n = data.size() / 16 * 16;
  std::string out(n, '\0');
  CBC_DECRYPT(&ctx, aes256_decrypt, n, reinterpret_cast<uint8_t*>(out.data()), U8(data));
  return out;
}

// "10.1" is before 10.2, when the keybag's first PBKDF2 stage appeared.
bool BeforeIos10_2(const std::string& version) {
  int major = 0, minor = 0;
  std::sscanf(version.c_str(), "%d.%d", &major, &minor);
  return major > 0 && (major < 10 || (major == 10 && minor < 2));
}

std::optional<std::string> ReadAll(const FileTree& tree, std::string_view name, Diagnostics& diags) {
  const FileEntry* f = tree.Find(name);
  if (!f) return std::nullopt;
  auto bytes = tree.Read(*f, diags);
  if (!bytes) return std::nullopt;
  return std::move(bytes.value());
}

// A file's key and size, from its Manifest.db record.
struct FileKey {
  uint32_t protection_class = 0;
  std::string wrapped;
  uint64_t size = 0;
};

class DecryptedTree : public FileTree {
 public:
  DecryptedTree(std::unique_ptr<FileTree> backup, std::string manifest, std::map<std::string, FileKey> keys,
                std::map<uint32_t, std::string> class_keys)
      : backup_(std::move(backup)), manifest_(std::move(manifest)), keys_(std::move(keys)), class_keys_(std::move(class_keys)) {
    where_ = backup_->where();
    files_ = backup_->files();
    directories_ = backup_->directories();
    for (FileEntry& f : files_) {
      if (f.path == "Manifest.db") f.size = manifest_.size();
      const size_t slash = f.path.find('/');
      if (const auto k = keys_.find(slash == std::string::npos ? "" : f.path.substr(slash + 1)); k != keys_.end())
        f.size = k->second.size;
    }
  }

  Result<std::string> Read(const FileEntry& file, Diagnostics& diags) const override {
    if (file.path == "Manifest.db") return manifest_;
    auto bytes = backup_->Read(file, diags);
    if (!bytes) return bytes;
    const size_t slash = file.path.find('/');
    const auto k = keys_.find(slash == std::string::npos ? "" : file.path.substr(slash + 1));
    if (k == keys_.end()) return bytes;  // Not encrypted (plists at the top).
    const auto ck = class_keys_.find(k->second.protection_class);
    if (ck == class_keys_.end())
      return MakeError(ErrorCode::kBackupPassword, 0, file.path + ": its protection class's key is locked");
    const auto key = Unwrap(ck->second, k->second.wrapped);
    if (!key) return MakeError(ErrorCode::kAcquisitionMalformed, 0, file.path + ": its key does not unwrap");
    std::string plain = DecryptCbc(*key, *bytes);
    if (plain.size() > k->second.size) plain.resize(k->second.size);
    return plain;
  }

 private:
  std::unique_ptr<FileTree> backup_;
  std::string manifest_;
  std::map<std::string, FileKey> keys_;
  std::map<uint32_t, std::string> class_keys_;
};

}  // namespace

bool IsEncryptedIosBackup(const FileTree& tree, Diagnostics& diags) {
  auto manifest = ReadAll(tree, "Manifest.plist", diags);
  if (!manifest) return false;
  auto plist = plist::Parse(*manifest);
  if (!plist || !plist->Find("BackupKeyBag")) return false;
  auto db = ReadAll(tree, "Manifest.db", diags);
  return db && !std::string_view(*db).starts_with(std::string_view("SQLite format 3\0", 16));
}

std::unique_ptr<FileTree> DecryptIosBackup(std::unique_ptr<FileTree> backup, const std::string& password, Diagnostics& diags) {
  auto fail = [&](ErrorCode code, std::string why) -> std::unique_ptr<FileTree> {
    diags.Add(Level::kError, code, "Manifest.plist", std::move(why));
    return nullptr;
  };
  if (password.empty())
    return fail(ErrorCode::kBackupPassword, "the backup is encrypted: give its password (--password or VIGIE_BACKUP_PASSWORD)");
  auto manifest_plist = ReadAll(*backup, "Manifest.plist", diags);
  auto manifest = manifest_plist ? plist::Parse(*manifest_plist) : Result<plist::Value>(MakeError(ErrorCode::kIoError, 0, "absent"));
  if (!manifest) return fail(ErrorCode::kAcquisitionMalformed, "cannot be read: " + manifest.error().message);
  const plist::Value* bag_data = manifest->Find("BackupKeyBag");
  const plist::Value* manifest_key = manifest->Find("ManifestKey");
  Keybag bag;
  if (!bag_data || !ReadKeybag(bag_data->bytes, bag) || bag.salt.empty() || bag.iter == 0)
    return fail(ErrorCode::kAcquisitionMalformed, "the keybag is missing or malformed");
  if (bag.iter > limits::kMaxIosBackupKdfRounds || bag.dpic > limits::kMaxIosBackupKdfRounds)
    return fail(ErrorCode::kAcquisitionMalformed, "the keybag asks for more rounds than limits::kMaxIosBackupKdfRounds");
  std::string version;
  if (const plist::Value* lockdown = manifest->Find("Lockdown"))
    if (const plist::Value* v = lockdown->Find("ProductVersion")) version = v->bytes;
  // The password through PBKDF2-HMAC-SHA256 (iOS 10.2 and later), then SHA-1.
  std::string stage1 = password;
  if (!BeforeIos10_2(version) && !bag.dpsl.empty() && bag.dpic > 0) {
    stage1.assign(32, '\0');
    pbkdf2_hmac_sha256(password.size(), U8(password), bag.dpic, bag.dpsl.size(), U8(bag.dpsl), 32,
                       reinterpret_cast<uint8_t*>(stage1.data()));
  }
  std::string derived(32, '\0');
  pbkdf2_hmac_sha1(stage1.size(), U8(stage1), bag.iter, bag.salt.size(), U8(bag.salt), 32,
                   reinterpret_cast<uint8_t*>(derived.data()));
  std::map<uint32_t, std::string> class_keys;
  for (const auto& [cls, key] : bag.classes) {
    if (!(key.wrap & 2) || key.wrapped.empty()) continue;
    auto unwrapped = Unwrap(derived, key.wrapped);
    if (!unwrapped) return fail(ErrorCode::kBackupPassword, "wrong password (the keybag's class keys do not unwrap)");
    class_keys[cls] = std::move(*unwrapped);
  }
  // Manifest.db, under the ManifestKey: a little-endian class, then the wrapped key.
  auto db_bytes = ReadAll(*backup, "Manifest.db", diags);
  if (!db_bytes) return fail(ErrorCode::kAcquisitionMalformed, "no Manifest.db beside it");
  std::string manifest_db = *db_bytes;
  if (manifest_key && manifest_key->bytes.size() >= 4) {
    const std::string& mk = manifest_key->bytes;
    const uint32_t cls = static_cast<uint8_t>(mk[0]) | static_cast<uint8_t>(mk[1]) << 8 |
                         static_cast<uint8_t>(mk[2]) << 16 | static_cast<uint32_t>(static_cast<uint8_t>(mk[3])) << 24;
    const auto ck = class_keys.find(cls);
    if (ck == class_keys.end()) return fail(ErrorCode::kBackupPassword, "wrong password (ManifestKey's class is locked)");
    auto key = Unwrap(ck->second, std::string_view(mk).substr(4));
    if (!key) return fail(ErrorCode::kAcquisitionMalformed, "ManifestKey does not unwrap");
    manifest_db = DecryptCbc(*key, manifest_db);
    // Its PKCS#7 padding, which SQLite's in-memory reader would not take.
    if (const auto pad = manifest_db.empty() ? 0u : static_cast<unsigned char>(manifest_db.back());
        pad >= 1 && pad <= 16 && pad <= manifest_db.size() &&
        manifest_db.find_first_not_of(static_cast<char>(pad), manifest_db.size() - pad) == std::string::npos)
      manifest_db.resize(manifest_db.size() - pad);
  }
  // Each file's key and size, from its record.
  std::map<std::string, FileKey> keys;
  auto db = SqliteDb::FromBytes(manifest_db);
  if (!db) return fail(ErrorCode::kAcquisitionMalformed, "Manifest.db does not decrypt to a database");
  auto rows = db->Query("SELECT fileID, file FROM Files");
  if (!rows) return fail(ErrorCode::kAcquisitionMalformed, "Manifest.db: " + rows.error().message);
  for (size_t r = 0; r < rows->rows.size(); ++r) {
    auto archive = plist::Parse(rows->At(r, "file").text);
    if (!archive) continue;
    const plist::Value* file = plist::KeyedRoot(*archive);
    const plist::Value* objects = archive->Find("$objects");
    if (!file || !objects) continue;
    const plist::Value* ek = file->Find("EncryptionKey");
    if (!ek || ek->kind != plist::Value::Kind::kUid || static_cast<size_t>(ek->integer) >= objects->array.size()) continue;
    const plist::Value* data = objects->array[static_cast<size_t>(ek->integer)].Find("NS.data");
    if (!data || data->bytes.size() < 4 + 24) continue;
    FileKey k;
    k.wrapped = data->bytes.substr(4);
    if (const plist::Value* c = file->Find("ProtectionClass")) k.protection_class = static_cast<uint32_t>(c->integer);
    if (const plist::Value* s = file->Find("Size")) k.size = static_cast<uint64_t>(std::max<int64_t>(0, s->integer));
    keys[rows->At(r, "fileID").text] = std::move(k);
  }
  return std::make_unique<DecryptedTree>(std::move(backup), std::move(manifest_db), std::move(keys), std::move(class_keys));
}

}  // namespace vigie::acquisition
