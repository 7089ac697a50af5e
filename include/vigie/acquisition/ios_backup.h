// Encrypted iOS backups (iTunes/Finder "Encrypt local backup"): the keybag
// of Manifest.plist is unlocked with the password (PBKDF2-HMAC-SHA256, then
// PBKDF2-HMAC-SHA1), its class keys unwrapped (RFC 3394), Manifest.db
// decrypted with the ManifestKey, and each file with its own key from its
// Manifest.db record (AES-256-CBC). Files are decrypted when read, in
// memory; nothing is written.
#pragma once

#include <memory>
#include <string>

#include "vigie/acquisition/file_tree.h"
#include "vigie/base/diagnostics.h"

namespace vigie::acquisition {

/// Whether the backup in `tree` is encrypted: a keybag in Manifest.plist,
/// and a Manifest.db that is not a SQLite file.
bool IsEncryptedIosBackup(const FileTree& tree, Diagnostics& diags);

/// The backup with its files readable in clear; null, with a diagnostic
/// (check.password for a wrong or missing password), when it cannot be
/// unlocked.
std::unique_ptr<FileTree> DecryptIosBackup(std::unique_ptr<FileTree> backup, const std::string& password,
                                           Diagnostics& diags);

}  // namespace vigie::acquisition
