// Stand-ins for the Kerberos (GSSAPI) and LDAP functions libpq.a calls,
// linked into the static CLI only: Debian ships neither library as a
// static archive. Each fails the way "not available" does, so libpq skips
// GSSAPI (no credentials) and refuses ldap:// service lookups; Unix-socket,
// trust, password and SCRAM connections never call them. Shared builds
// link the real libraries and never this file.
#include <cstddef>

namespace {
using OM_uint32 = unsigned int;
constexpr OM_uint32 kGssFailure = 13u << 16;  // GSS_S_FAILURE
}  // namespace

#define VIGIE_GSS_UNAVAILABLE(name)   \
  OM_uint32 name(OM_uint32* minor) {  \
    if (minor) *minor = 0;            \
    return kGssFailure;               \
  }

extern "C" {
void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;
VIGIE_GSS_UNAVAILABLE(gss_acquire_cred)
VIGIE_GSS_UNAVAILABLE(gss_delete_sec_context)
VIGIE_GSS_UNAVAILABLE(gss_display_status)
VIGIE_GSS_UNAVAILABLE(gss_import_name)
VIGIE_GSS_UNAVAILABLE(gss_init_sec_context)
VIGIE_GSS_UNAVAILABLE(gss_release_buffer)
VIGIE_GSS_UNAVAILABLE(gss_release_cred)
VIGIE_GSS_UNAVAILABLE(gss_release_name)
VIGIE_GSS_UNAVAILABLE(gss_unwrap)
VIGIE_GSS_UNAVAILABLE(gss_wrap)
VIGIE_GSS_UNAVAILABLE(gss_wrap_size_limit)

void* ldap_init(const char*, int) { return nullptr; }
int ldap_count_entries() { return 0; }
char* ldap_err2string(int) { return const_cast<char*>("LDAP is not available in this build"); }
void* ldap_first_entry() { return nullptr; }
void** ldap_get_values_len() { return nullptr; }
int ldap_msgfree() { return 0; }
int ldap_result() { return -1; }
int ldap_search_st() { return -1; }
int ldap_set_option() { return -1; }
int ldap_simple_bind() { return -1; }
int ldap_unbind() { return -1; }
void ldap_value_free_len() {}
}
