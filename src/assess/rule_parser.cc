// Parsing and checking data/rules.json's format.
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "vigie/assess/rules.h"

namespace vigie::assess {
namespace {

using Json = nlohmann::json;
using Kind = Condition::Kind;

// What each condition takes and where it can hold.
enum class Value : uint8_t { kTrue, kBool, kString, kKinds };
struct ConditionSpec {
  std::string_view name;
  Kind kind;
  Value value;
  std::array<bool, 4> scopes;  // Indexed by Scope: sdk, recipient, secret, app.
  std::vector<std::string_view> vars;  // Placeholders it fills when it holds.
};

const std::vector<ConditionSpec>& Specs() {
  static const std::vector<ConditionSpec> specs = {
      {"vendor_flag", Kind::kVendorFlag, Value::kString, {true, false, false, false}, {}},
      {"reaches", Kind::kReaches, Value::kKinds, {true, true, false, false}, {"reached"}},
      {"reaches_all", Kind::kReaches, Value::kKinds, {true, true, false, false}, {"reached"}},
      {"reaches_any", Kind::kReachesAny, Value::kKinds, {true, true, false, false}, {"reached"}},
      {"location_background", Kind::kLocationBackground, Value::kTrue, {true, false, false, false}, {}},
      {"vendor_country_in_policy",
       Kind::kVendorCountryInPolicy,
       Value::kTrue,
       {false, true, false, false},
       {"policy_countries", "ties"}},
      {"developed_outside_hq", Kind::kDevelopedOutsideHq, Value::kTrue, {false, true, false, false},
       {"hq", "dev_countries"}},
      {"backend", Kind::kBackend, Value::kBool, {false, false, true, false}, {}},
      {"role", Kind::kRole, Value::kString, {false, false, true, false}, {}},
      {"cleartext_allowed", Kind::kCleartextAllowed, Value::kTrue, {true, true, true, true}, {}},
      {"debuggable", Kind::kDebuggable, Value::kTrue, {true, true, true, true}, {}},
      {"allow_backup", Kind::kAllowBackup, Value::kTrue, {true, true, true, true}, {}},
  };
  return specs;
}

const std::vector<std::string_view>& ScopeVars(Scope scope) {
  static const std::vector<std::string_view> sdk = {"sdk", "vendor"}, recipient = {"vendor", "via"},
                                             secret = {"secret_kind", "secret_name", "secret_value",
                                                       "secret_description"},
                                             app = {};
  switch (scope) {
    case Scope::kSdk: return sdk;
    case Scope::kRecipient: return recipient;
    case Scope::kSecret: return secret;
    case Scope::kApp: break;
  }
  return app;
}

std::optional<Scope> ParseScope(const std::string& s) {
  if (s == "sdk") return Scope::kSdk;
  if (s == "recipient") return Scope::kRecipient;
  if (s == "secret") return Scope::kSecret;
  if (s == "app") return Scope::kApp;
  return std::nullopt;
}

const std::set<std::string_view> kVendorFlags = {"data_broker", "state_ties", "sanctions"};
const std::set<std::string_view> kSecretRoles = {"secret", "backend", "config"};

class Parser {
 public:
  explicit Parser(const std::set<std::string>* data_kinds) : data_kinds_(data_kinds) {}

  Result<RuleSet> Parse(std::string_view text) {
    Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return Fail("not a JSON object");
    if (j.value("schema_version", 0) != 1) return Fail("unsupported schema_version");
    auto rules = j.find("rules");
    if (rules == j.end() || !rules->is_array()) return Fail("no \"rules\" array");
    RuleSet out;
    std::set<std::string> ids;
    for (const Json& r : *rules) {
      Rule rule;
      if (!ParseRule(r, rule)) return Fail(error_);
      if (!ids.insert(rule.id).second) return Fail("rule '" + rule.id + "' is defined twice");
      out.rules.push_back(std::move(rule));
    }
    return out;
  }

 private:
  static Error Fail(const std::string& why) { return MakeError(ErrorCode::kRules, 0, why); }

  bool Bad(const std::string& why) {
    error_ = where_ + why;
    return false;
  }

  bool ParseRule(const Json& r, Rule& rule) {
    where_ = "a rule: ";
    if (!r.is_object()) return Bad("not an object");
    static const std::set<std::string> kKeys = {"id",           "scope",   "when",  "severity",   "escalate",
                                                "severity_from", "summary", "title", "explanation"};
    for (const auto& [key, unused] : r.items())
      if (!kKeys.count(key)) return Bad("unknown key '" + key + "'");
    if (!ReadString(r, "id", rule.id)) return false;
    where_ = "rule '" + rule.id + "': ";
    std::string scope;
    if (!ReadString(r, "scope", scope)) return false;
    auto parsed_scope = ParseScope(scope);
    if (!parsed_scope) return Bad("unknown scope '" + scope + "' (sdk, recipient, secret, app)");
    rule.scope = *parsed_scope;
    if (!ReadSeverity(r, "severity", rule.severity)) return false;
    std::vector<std::string_view> vars = ScopeVars(rule.scope);
    if (!Conditions(r, "when", rule.scope, rule.when, &vars)) return false;
    if (rule.when.empty()) return Bad("\"when\" lists no condition");
    if (auto e = r.find("escalate"); e != r.end()) {
      if (!e->is_array()) return Bad("\"escalate\" is not an array");
      for (const Json& item : *e) {
        Escalation esc;
        if (!item.is_object()) return Bad("an escalation is not an object");
        for (const auto& [key, unused] : item.items())
          if (key != "when" && key != "severity") return Bad("unknown escalation key '" + key + "'");
        if (!Conditions(item, "when", rule.scope, esc.when, nullptr) || !ReadSeverity(item, "severity", esc.severity))
          return false;
        rule.escalate.push_back(std::move(esc));
      }
    }
    if (auto f = r.find("severity_from"); f != r.end()) {
      if (*f != "secret" || rule.scope != Scope::kSecret)
        return Bad("\"severity_from\" can only be \"secret\", in a rule of scope secret");
      rule.severity_from_secret = true;
    }
    if (!ReadString(r, "summary", rule.summary)) return false;
    if (rule.summary.find('{') != std::string::npos)
      return Bad("\"summary\" holds a placeholder: it describes the rule");
    if (!ReadString(r, "title", rule.title) || !ReadString(r, "explanation", rule.explanation)) return false;
    return Placeholders(rule.title, vars) && Placeholders(rule.explanation, vars);
  }

  // o[key], a non-empty string.
  bool ReadString(const Json& o, const char* key, std::string& out) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_string() || it->get<std::string>().empty())
      return Bad(std::string("\"") + key + "\" is missing or not a non-empty string");
    out = it->get<std::string>();
    return true;
  }

  bool ReadSeverity(const Json& o, const char* key, Severity& out) {
    std::string name;
    if (!ReadString(o, key, name)) return false;
    auto s = ParseSeverity(name);
    if (!s) return Bad("unknown severity '" + name + "' (critical, high, medium, low, info)");
    out = *s;
    return true;
  }

  // The condition list o[key]; the placeholders its conditions fill are
  // added to `vars`, when given.
  bool Conditions(const Json& o, const char* key, Scope scope, std::vector<Condition>& out,
                  std::vector<std::string_view>* vars) {
    auto it = o.find(key);
    if (it == o.end() || !it->is_array()) return Bad(std::string("\"") + key + "\" is not a list of conditions");
    for (const Json& c : *it) {
      if (!c.is_object() || c.size() != 1) return Bad("a condition is not an object of one key");
      const std::string& name = c.begin().key();
      const Json& value = c.begin().value();
      const ConditionSpec* spec = nullptr;
      for (const auto& s : Specs())
        if (s.name == name) spec = &s;
      if (!spec) return Bad("unknown condition '" + name + "' (docs/findings.md lists them)");
      if (!spec->scopes[static_cast<size_t>(scope)]) return Bad("condition '" + name + "' cannot hold in this scope");
      Condition cond;
      cond.kind = spec->kind;
      if (!ConditionValue(name, *spec, value, cond)) return false;
      out.push_back(std::move(cond));
      if (vars) vars->insert(vars->end(), spec->vars.begin(), spec->vars.end());
    }
    return true;
  }

  bool ConditionValue(const std::string& name, const ConditionSpec& spec, const Json& value, Condition& cond) {
    switch (spec.value) {
      case Value::kTrue:
        if (value != true) return Bad("condition '" + name + "' takes true");
        return true;
      case Value::kBool:
        if (!value.is_boolean()) return Bad("condition '" + name + "' takes true or false");
        cond.flag = value.get<bool>();
        return true;
      case Value::kString: {
        if (!value.is_string()) return Bad("condition '" + name + "' takes a string");
        cond.text = value.get<std::string>();
        const auto& known = cond.kind == Kind::kVendorFlag ? kVendorFlags : kSecretRoles;
        if (!known.count(cond.text)) return Bad("condition '" + name + "': unknown value '" + cond.text + "'");
        return true;
      }
      case Value::kKinds:
        if (value.is_string()) {
          cond.kinds.push_back(value.get<std::string>());
        } else if (value.is_array() && !value.empty()) {
          for (const Json& k : value) {
            if (!k.is_string()) return Bad("condition '" + name + "' takes data kinds as strings");
            cond.kinds.push_back(k.get<std::string>());
          }
        } else {
          return Bad("condition '" + name + "' takes a data kind or a list of them");
        }
        for (const auto& k : cond.kinds)
          if (data_kinds_ && !data_kinds_->count(k))
            return Bad("condition '" + name + "': unknown data kind '" + k + "' (data/data_access.tsv)");
        return true;
    }
    return false;
  }

  // Every {placeholder} of `text` must be filled whenever the rule fires.
  bool Placeholders(const std::string& text, const std::vector<std::string_view>& vars) {
    static const std::regex kPlaceholder(R"(\{([a-z_]+)\})");
    for (std::sregex_iterator it(text.begin(), text.end(), kPlaceholder), end; it != end; ++it) {
      const std::string name = (*it)[1];
      if (std::find(vars.begin(), vars.end(), name) == vars.end())
        return Bad("placeholder {" + name + "} is never filled in this rule");
    }
    return true;
  }

  const std::set<std::string>* data_kinds_;
  std::string where_, error_;
};

}  // namespace

Result<RuleSet> ParseRules(std::string_view json, const std::set<std::string>* data_kinds) {
  return Parser(data_kinds).Parse(json);
}

}  // namespace vigie::assess
