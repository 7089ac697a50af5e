// `vigie diff`: two scans of two versions of an app, compared.
#pragma once

#include "vigie/model/app_diff.h"

namespace vigie::assess {

/// What `now` adds to `old`, and drops: SDKs (by id), data kinds each SDK
/// can read (by SDK and kind), recipients (by vendor) and their countries,
/// permissions (by name), endpoints (by URL), findings (by rule and
/// subject) and, when both carry a policy verdict, violations (by rule and
/// subject).
AppDiff Compare(const ScanResult& old, const ScanResult& now);

}  // namespace vigie::assess
