// The scan pipeline for one input: container → manifest → resources → code.
#pragma once

#include <string>

#include "vigie/analysis/app_model.h"
#include "vigie/base/bytes.h"

namespace vigie {

class MappedFile;

/// Scans the file at `path`. Never throws on bad input: every problem is a
/// diagnostic in the result, whose status says how much could be read.
ScanResult ScanFile(const std::string& path);

/// Scans bytes already in memory (fuzzing, tests). `backing`, when given, is
/// the mapping the bytes live in, used to release pages while streaming.
ScanResult ScanBytes(ByteView bytes, const std::string& display_path, const MappedFile* backing = nullptr);

}  // namespace vigie
