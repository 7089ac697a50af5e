// Android backups (`adb backup`, and AndroidQF's backup.ab): a text header,
// then a tar, zlib-compressed and, with a password, AES-256 encrypted
// (key from PBKDF2-HMAC-SHA1). The tar's members become a FileTree.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "vigie/acquisition/file_tree.h"
#include "vigie/base/diagnostics.h"

namespace vigie::acquisition {

/// Whether `bytes` begin as an Android backup does ("ANDROID BACKUP\n").
bool LooksLikeAndroidBackup(std::string_view bytes);

/// Reads an Android backup's members. A wrong or missing password, a
/// damaged stream or tar is a diagnostic naming `where` and the part; the
/// members read before the damage are kept. Null when nothing could be read.
std::unique_ptr<FileTree> ReadAndroidBackup(std::string_view bytes, const std::string& where,
                                            const std::string& password, Diagnostics& diags);
std::unique_ptr<FileTree> ReadAndroidBackupFile(const std::string& path, const std::string& password,
                                                Diagnostics& diags);

/// A zlib stream, inflated up to limits::kMaxAcquisitionFileBytes; false
/// with `why` when it is damaged or cut (what was inflated before is kept).
bool InflateZlib(std::string_view in, std::string& out, std::string& why);

/// The members of a tar archive (ustar, with GNU long names), read until
/// its end or its first damaged header; false when it was damaged.
bool ReadTar(std::string_view bytes, std::vector<std::pair<FileEntry, std::string>>& members);

}  // namespace vigie::acquisition
