// Micro-benchmarks of the hot parsing paths (Google Benchmark). Whole-app
// comparisons with peer tools are in scan_bench.py; these guard the inner
// loops against regressions.
//   build/release/bench/vigie_micro_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdio>

#include <fstream>
#include <iterator>
#include <vector>

#include "vigie/pipeline/knowledge.h"
#include "vigie/pipeline/scanner.h"
#include "vigie/base/bytes.h"
#include "vigie/format/dex/dex_file.h"
#include "vigie/base/task_pool.h"
#include "vigie/indicators/indicator_set.h"

namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void BM_Uleb128(benchmark::State& state) {
  std::vector<uint8_t> data;
  for (uint32_t i = 0; i < 4096; ++i) {
    uint32_t v = i * 2654435761u;
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      data.push_back(static_cast<uint8_t>(b | (v ? 0x80 : 0)));
    } while (v);
  }
  for (auto _ : state) {
    vigie::Reader r(vigie::ByteView(data.data(), data.size()));
    uint64_t sum = 0;
    while (r.remaining()) sum += r.Uleb128();
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_Uleb128);

// Opens the demo DEX and walks every class, method and code item.
void BM_DexWalk(benchmark::State& state) {
  std::vector<uint8_t> dex = ReadFile("build/release/fixtures/classes.dex");
  if (dex.empty()) {
    state.SkipWithError("run ctest once so that build/release/fixtures exists");
    return;
  }
  for (auto _ : state) {
    vigie::Diagnostics d;
    auto file = vigie::dex::DexFile::Open(vigie::ByteView(dex.data(), dex.size()), "classes.dex", d);
    uint64_t insns = 0;
    for (uint32_t i = 0; i < file->class_count(); ++i)
      file->ForEachMethod(file->class_def(i), [&](const vigie::dex::EncodedMethod& m) {
        if (auto code = file->Code(m.code_off)) insns += code->insns.size();
      });
    benchmark::DoNotOptimize(insns);
  }
}
BENCHMARK(BM_DexWalk);

// The whole pipeline on the demo APK, in process (no start-up cost).
void BM_ScanDemo(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vigie::ScanFile("demo/vigie-demo.apk"));
}
BENCHMARK(BM_ScanDemo);

// Loading the knowledge a run starts with: the built-in KB and vendors,
// with Exodus' database imported (from the cache once it is built) or not,
// and with the SDK profiles' index (renamed code) or not.
void BM_LoadKnowledge(benchmark::State& state) {
  vigie::KnowledgeSpec spec;
  if (state.range(0)) spec.signatures.emplace_back("exodus", "../shared/corpus/signatures/exodus_trackers.json");
  spec.profiles = state.range(1) != 0;
  for (auto _ : state) {
    auto k = vigie::LoadKnowledge(spec);
    if (!k) state.SkipWithError(k.error().message.c_str());
    benchmark::DoNotOptimize(k);
  }
}
BENCHMARK(BM_LoadKnowledge)->ArgsProduct({{0, 1}, {0, 1}})->Unit(benchmark::kMicrosecond);

// Checking URLs against host indicators (vigie check): range(0) synthetic
// hosts indicted, one URL per iteration, 1 in 16 of them on an indicted host.
void BM_MatchUrl(benchmark::State& state) {
  vigie::indicators::IndicatorSet set;
  const uint32_t c = set.AddCollection("synthetic", "bench");
  for (int64_t i = 0; i < state.range(0); ++i)
    set.Add(vigie::indicators::IndicatorType::kDomain, "host" + std::to_string(i) + ".example" + std::to_string(i % 997) + ".com", c);
  std::vector<std::string> urls;
  for (int i = 0; i < 4096; ++i)
    urls.push_back("https://cdn.host" + std::to_string(i % 16 ? i * 7919 + state.range(0) : i) + ".example" +
                   std::to_string(i % 997) + ".com/path?q=" + std::to_string(i));
  size_t i = 0, hits = 0;
  for (auto _ : state) hits += set.MatchUrl(urls[i++ % urls.size()]) != nullptr;
  state.counters["hits"] = static_cast<double>(hits);
}
BENCHMARK(BM_MatchUrl)->Arg(1000)->Arg(1000000)->Unit(benchmark::kNanosecond);

// Loading indicators (vigie check --iocs): a bundle of range(0) domain
// indicators in the layout of Amnesty's files and MVT's generator (every
// indicator with the optional properties, and a relationship to one
// malware), read on every CPU as AddStix2File does for a large file.
void BM_LoadStix2(benchmark::State& state) {
  std::string json = R"({"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware", "spec_version": "2.1", )"
                     R"("id": "malware--2e9d534b-2e11-4758-bdc5-9c3e1c100d4d", "created": "2024-01-26T21:28:21.013109Z", )"
                     R"("modified": "2024-01-26T21:28:21.013109Z", "name": "Synthetic", "is_family": false})";
  char id[48];
  for (int64_t i = 0; i < state.range(0); ++i) {
    std::snprintf(id, sizeof id, "indicator--%08llx-1452-437e-a19e-32590edf60c3", static_cast<unsigned long long>(i));
    json += R"(, {"type": "indicator", "spec_version": "2.1", "id": ")" + std::string(id) +
            R"(", "created": "2024-01-26T21:28:21.013288Z", "modified": "2024-01-26T21:28:21.013288Z", )"
            R"("indicator_types": ["malicious-activity"], "pattern": "[domain-name:value='host)" + std::to_string(i) +
            ".example" + std::to_string(i % 997) +
            R"(.com']", "pattern_type": "stix", "pattern_version": "2.1", "valid_from": "2024-01-26T21:28:21.013288Z"})"
            R"(, {"type": "relationship", "spec_version": "2.1", "id": "relationship--)" + std::to_string(i) +
            R"(", "created": "2024-01-26T21:28:21.018127Z", "modified": "2024-01-26T21:28:21.018127Z", )"
            R"("relationship_type": "indicates", "source_ref": ")" + std::string(id) +
            R"(", "target_ref": "malware--2e9d534b-2e11-4758-bdc5-9c3e1c100d4d"})";
  }
  json += "]}";
  vigie::TaskPool pool(vigie::CpuCount());
  for (auto _ : state) {
    vigie::indicators::IndicatorSet set;
    if (set.AddStix2(json, "bench.stix2", &pool) || set.size() != static_cast<size_t>(state.range(0)))
      state.SkipWithError("the bundle did not load whole");
  }
  state.counters["MB"] = static_cast<double>(json.size()) / 1e6;
}
BENCHMARK(BM_LoadStix2)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
