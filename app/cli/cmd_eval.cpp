// partedit-cli eval: the paper's edit evaluation (algorithm.md §7; core/eval/edit_scorer.h)
// of a source image, its edit, the part mask and the edit prompt: background PSNR, MSE and
// SSIM outside the mask, and with --clip-model the CLIP scores of the edited part against
// the prompt (clip_fg) and of the two backgrounds (clip_bg). One JSON object per pair on
// stdout, one line each; --pairs FILE.jsonl scores many pairs with the model loaded once,
// reporting a bad line on stderr with its number and going on (exit code 1 at the end).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "commands.h"
#include "eval/edit_scorer.h"
#include "io/image_io.h"
#include "io/image_mask.h"
#include "options.h"
#include "pipeline/generation_common.h"
#include "pipeline/model_folder.h"
#include "runtime/error.h"
#include "runtime/error_text.h"
#include "runtime/message_text.h"
#include "runtime/elapsed.h"
#include "runtime/text.h"

namespace partedit::cli {
namespace fs = std::filesystem;

namespace {

struct EvalOptions {
  std::string source, edited, mask, prompt, pairs, clip_model;
  double mask_threshold = 0.5;  // with --mask-threshold: a soft mask, part where its value >= this
  RunOptions run;
};

// One sample: the paths as written (printed back) and as opened.
struct EvalPair {
  int64_t line = 0;  // in the --pairs file; 0 for the command line's pair
  std::string source, edited, mask, prompt;
  fs::path base;  // relative paths are read against this folder
};

// The pairs of a JSON Lines file, with the parse error of each bad line (blank lines skipped).
struct PairLine {
  EvalPair pair;
  std::string error;  // empty when the line is a pair
};

std::string pair_field(const nlohmann::json& object, const char* key) {
  if (!object.contains(key)) throw Error(std::string("missing key '") + key + "'");
  if (!object.at(key).is_string()) throw Error(std::string("key '") + key + "' must be a string");
  return object.at(key).get<std::string>();
}

std::vector<PairLine> read_pairs(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!fs::is_regular_file(file) || !in) throw Error("--pairs " + file.string() + ": no such file");
  std::vector<PairLine> lines;
  std::string text;
  for (int64_t number = 1; std::getline(in, text); ++number) {
    if (is_blank(text)) continue;
    PairLine line;
    line.pair.line = number;
    line.pair.base = file.parent_path();
    try {
      nlohmann::json object;
      try {
        object = nlohmann::json::parse(text);
      } catch (const nlohmann::json::exception&) {
        throw Error("not a JSON object: " + printable_excerpt(text, 80));
      }
      if (!object.is_object()) throw Error("not a JSON object: " + printable_excerpt(text, 80));
      line.pair.source = pair_field(object, "source");
      line.pair.edited = pair_field(object, "edited");
      line.pair.mask = pair_field(object, "mask");
      line.pair.prompt = pair_field(object, "prompt");
    } catch (const Error& e) {
      line.error = e.what();
    }
    lines.push_back(line);
  }
  return lines;
}

struct PairTimings {
  double read = 0;
  ScoreTimings score;
};

// Reads the pair's files and scores them; the JSON object printed for it.
// The part mask: binary by read_part_mask's rule, or a soft map (the largest colour channel,
// as edit's --mask-out writes its mean mask) thresholded at `threshold`.
at::Tensor read_mask(const fs::path& path, const std::optional<double>& threshold) {
  if (!threshold) {
    try {
      return read_part_mask(path);
    } catch (const Error& e) {
      if (std::string(e.what()).find("not a binary mask") == std::string::npos) throw;
      throw Error(std::string(e.what()) + "; or, for a soft mask such as edit's --mask-out, give --mask-threshold 0.5");
    }
  }
  return (read_image(path).amax(0) >= *threshold).to(at::kFloat);
}

nlohmann::ordered_json evaluate(const EditScorer& scorer, const EvalPair& pair, const std::optional<double>& mask_threshold,
                                bool with_timings, PairTimings& timings) {
  const auto t0 = SteadyClock::now();
  auto resolve = [&](const std::string& path) { return fs::path(path).is_absolute() ? fs::path(path) : pair.base / path; };
  std::vector<std::string> warnings;
  const at::Tensor source = read_image(resolve(pair.source), &warnings);  // [3, H, W]
  const at::Tensor edited = read_image(resolve(pair.edited), &warnings);  // [3, H, W]
  const at::Tensor mask = read_mask(resolve(pair.mask), mask_threshold);  // [H, W]
  for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  timings.read = seconds_since(t0);
  const EditScores scores = scorer.score(source, edited, mask, pair.prompt, &timings.score);
  if (scores.prompt_truncated)
    std::cerr << "warning: the prompt of " << (pair.line ? "line " + std::to_string(pair.line) : "the pair")
              << " has more tokens than the CLIP text model reads; it was truncated\n";

  nlohmann::ordered_json out;
  if (pair.line) out["line"] = pair.line;
  out["source"] = pair.source;
  out["edited"] = pair.edited;
  out["mask"] = pair.mask;
  out["prompt"] = pair.prompt;
  const nlohmann::json values = scores_json(scores);
  for (const auto& key : score_keys()) out[key] = values.at(key);
  if (with_timings)
    out["timings"] = {{"read", timings.read}, {"metrics", timings.score.metrics_seconds}, {"clip", timings.score.clip_seconds}};
  return out;
}

int run_eval(const CLI::App& command, const EvalOptions& o) {
  // 1. the pairs, checked before the model is loaded
  const bool single = command.count("--pairs") == 0;
  std::vector<PairLine> pairs;
  if (single) {
    for (const char* option : {"--source", "--edited", "--mask", "--prompt"})
      if (command.count(option) == 0)
        throw Error(std::string("give ") + option + " (with --source, --edited, --mask and --prompt), or --pairs FILE");
    pairs.push_back({EvalPair{0, o.source, o.edited, o.mask, o.prompt, fs::path()}, ""});
  } else {
    for (const char* option : {"--source", "--edited", "--mask", "--prompt"})
      if (command.count(option) > 0) throw Error(std::string(option) + " and --pairs exclude each other");
    pairs = read_pairs(o.pairs);
  }
  const ComputeOptions compute = o.run.compute();
  const std::optional<double> mask_threshold =
      command.count("--mask-threshold") > 0 ? std::optional<double>(o.mask_threshold) : std::nullopt;
  std::optional<fs::path> clip_folder;
  if (!o.clip_model.empty()) {
    clip_folder = fs::path(o.clip_model);
    require_model_folder(*clip_folder, "CLIP model folder", "config.json");
  }
  reset_peak_cuda_memory(compute.device);

  // 2. the model
  if (clip_folder) std::cerr << "loading " << clip_folder->string() << " (" << compute.describe() << ")\n";
  const EditScorer scorer(clip_folder, compute);
  if (clip_folder) std::cerr << "loaded in " << scorer.load_seconds() << " s\n";

  // 3. the pairs, one line each
  const auto after_load = SteadyClock::now();
  PairTimings total;
  int failed = 0;
  for (const auto& line : pairs) {
    std::string error = line.error;
    if (error.empty()) {
      try {
        PairTimings t;
        const auto out = evaluate(scorer, line.pair, mask_threshold, o.run.timings, t);
        std::cout << out.dump() << std::endl;
        total.read += t.read;
        total.score.metrics_seconds += t.score.metrics_seconds;
        total.score.clip_seconds += t.score.clip_seconds;
      } catch (...) {
        if (single) throw;
        error = describe_exception(std::current_exception()).message;
      }
    }
    if (!error.empty()) {
      std::cerr << "partedit-cli eval: error: " << o.pairs << " line " << line.pair.line << ": " << error << "\n";
      ++failed;
    }
  }
  if (failed > 0)
    std::cerr << "partedit-cli eval: " << failed << " of " << pairs.size() << " pairs failed\n";
  if (o.run.timings) {
    nlohmann::ordered_json t;
    t["load"] = scorer.load_seconds();
    t["read"] = total.read;
    t["metrics"] = total.score.metrics_seconds;
    t["clip"] = total.score.clip_seconds;
    t["total_after_load"] = seconds_since(after_load);
    t["pairs"] = pairs.size();
    print_timings(t, compute);
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace

Command add_eval(CLI::App& root) {
  CLI::App* command = root.add_subcommand(
      "eval", "score an edit as the paper does: background PSNR/SSIM outside the mask, CLIP foreground/background");
  auto o = std::make_shared<EvalOptions>();
  command->add_option("--source", o->source, "the image before the edit")->type_name("FILE");
  command->add_option("--edited", o->edited, "the edited image (the source's size)")->type_name("FILE");
  command->add_option("--mask", o->mask, "the part mask (white or opaque = part, the images' size)")->type_name("FILE");
  command->add_option("--mask-threshold", o->mask_threshold,
                      "take the mask as a soft map, part where its value >= F (0.5 for edit's --mask-out, the mean "
                      "of the steps' masks); default: the mask must be binary")
      ->type_name("F")
      ->check(CLI::Range(0.0, 1.0));
  command->add_option("--prompt", o->prompt, "the edit prompt clip_fg compares the edited part with")->type_name("TEXT");
  command->add_option("--pairs", o->pairs,
                      "JSON Lines, one {\"source\", \"edited\", \"mask\", \"prompt\"} object a line (paths relative to "
                      "the file's folder); one output line each")
      ->type_name("FILE");
  command->add_option("--clip-model", o->clip_model,
                      "CLIPModel folder (config.json, model.safetensors, vocab.json + merges.txt); without it clip_fg "
                      "and clip_bg are null")
      ->type_name("DIR");
  add_run_options(*command, o->run);
  return {command, [command, o] { return run_eval(*command, *o); }};
}

}  // namespace partedit::cli
