// Who receives data through the app: the SDK findings grouped by vendor,
// with the vendor's countries and the kinds of data its SDKs can reach.
#pragma once

#include <vector>

#include "vigie/model/assessment.h"
#include "vigie/model/sdk.h"

namespace vigie::assess {

/// One recipient per vendor named by the findings (findings without a
/// vendor, such as Exodus entries, are left out). Vendors with flags come
/// first, then those reaching more kinds of data, then by name.
std::vector<Recipient> BuildRecipients(const std::vector<SdkFinding>& sdks);

}  // namespace vigie::assess
