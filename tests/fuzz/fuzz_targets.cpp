#include "fuzz/fuzz_targets.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>

#include <ATen/ATen.h>

#include "cli/batch_manifest.h"
#include "editing/edit_instruction.h"
#include "editing/part_token.h"
#include "editing/token_library.h"
#include "io/image_header.h"
#include "io/image_io.h"
#include "io/json_config.h"
#include "io/safetensors.h"
#include "io/webp_metadata.h"
#include "models/blip2/blip2_model.h"
#include "models/blip2/blip_image_processor.h"
#include "models/clip/clip_model.h"
#include "models/t5/t5_model.h"
#include "models/unet/unet_config.h"
#include "models/vae/vae_config.h"
#include "partedit_build_info.h"
#include "pipeline/infotext.h"
#include "runtime/error.h"
#include "runtime/text.h"
#include "schedulers/scheduler.h"
#include "text/clip_tokenizer.h"
#include "text/gpt2_tokenizer.h"

namespace partedit::fuzz {
namespace fs = std::filesystem;

namespace {

// Tensors larger than this are not read back from a fuzzed safetensors file (the header
// check bounds them by the file's size already; this keeps one input cheap).
constexpr uint64_t kMaxTensorReadBytes = 1 << 20;

// The folder of the files the path-taking parsers read: $PARTEDIT_FUZZ_SCRATCH (run.sh sets
// it), else /dev/shm (memory: a file per input costs microseconds), else the temp folder.
// One folder per process, removed at exit.
class ScratchFolder {
 public:
  ScratchFolder() {
    fs::path base;
    if (const char* env = std::getenv("PARTEDIT_FUZZ_SCRATCH"); env && *env) base = env;
    else if (std::error_code ec; fs::is_directory("/dev/shm", ec)) base = "/dev/shm";
    else base = fs::temp_directory_path();
    path_ = base / ("partedit-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

const fs::path& scratch() {
  static const ScratchFolder folder;
  return folder.path();
}

void write_file(const fs::path& path, const char* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data, static_cast<std::streamsize>(size));
  if (!out) throw std::runtime_error("fuzz: cannot write " + path.string());
}

// The input as the file `name` in the scratch folder, for parsers that take a path.
fs::path input_file(const std::string& name, const uint8_t* data, size_t size) {
  const fs::path path = scratch() / name;
  write_file(path, reinterpret_cast<const char*>(data), size);
  return path;
}

std::string as_text(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

// Runs `f`; a partedit::Error is a refusal in our words, the right answer to a bad input.
template <typename F>
void refused_or_done(F&& f) {
  try {
    f();
  } catch (const Error&) {
  }
}

fs::path model_configs() { return fs::path(PARTEDIT_SOURCE_MODEL_CONFIGS_DIR); }

// SDXL's two CLIP tokenizers over the shipped CLIP vocabulary (tokenizer_2 adds "!" as pad).
const std::vector<ClipTokenizer>& clip_tokenizers() {
  static const std::vector<ClipTokenizer> tokenizers = [] {
    const fs::path sdxl = model_configs() / "sdxl-base-1.0", vocabulary = model_configs() / "clip-vocabulary";
    return std::vector<ClipTokenizer>{ClipTokenizer::load(sdxl / "tokenizer", vocabulary),
                                      ClipTokenizer::load(sdxl / "tokenizer_2", vocabulary)};
  }();
  return tokenizers;
}

// A GPT-2 (OPT) tokenizer over CLIP's byte-level vocabulary and merges: the same byte
// alphabet, 49k merges, and added tokens with lstrip/rstrip to exercise their splitting.
const Gpt2Tokenizer& gpt2_tokenizer() {
  static const Gpt2Tokenizer tokenizer = [] {
    const fs::path folder = scratch() / "gpt2-tokenizer";
    fs::create_directories(folder);
    for (const char* name : {"vocab.json", "merges.txt"}) {
      std::error_code ec;
      fs::remove(folder / name, ec);
      fs::create_symlink(model_configs() / "clip-vocabulary" / name, folder / name);
    }
    auto added = [](const char* content, bool lstrip, bool rstrip, bool single_word) {
      return nlohmann::json{{"content", content}, {"lstrip", lstrip}, {"normalized", false},
                            {"rstrip", rstrip},   {"single_word", single_word}, {"special", true}};
    };
    const nlohmann::json config = {
        {"add_bos_token", true},
        {"add_prefix_space", false},
        {"added_tokens_decoder",
         {{"49406", added("<|startoftext|>", true, false, false)}, {"49407", added("<|endoftext|>", false, true, true)}}},
        {"bos_token", "<|endoftext|>"},
        {"eos_token", "<|endoftext|>"},
        {"unk_token", "<|endoftext|>"},
        {"pad_token", "<|startoftext|>"},
        {"clean_up_tokenization_spaces", true},
        {"model_max_length", 2048},
        {"tokenizer_class", "GPT2Tokenizer"}};
    const std::string text = config.dump();
    write_file(folder / "tokenizer_config.json", text.data(), text.size());
    return Gpt2Tokenizer::load(folder);
  }();
  return tokenizer;
}

// The part names of a library holding a small token for every part of the shipped catalog:
// what an edit's part is resolved against, without reading token files per input.
const PartNames& catalog_part_names() {
  static const PartNames names = [] {
    const fs::path folder = scratch() / "tokens";
    fs::create_directories(folder);
    const TokenCatalog catalog = TokenCatalog::load(fs::path(PARTEDIT_SOURCE_TOKENS_DIR) / "catalog.json");
    for (const TokenCatalogEntry& entry : catalog.entries()) {
      PartToken token;
      token.embedding = at::zeros({2, 8});
      token.part_name = entry.part_name;
      write_part_token(folder / (entry.part_name + ".safetensors"), token);
    }
    return PartNames(TokenLibrary({folder}, catalog));
  }();
  return names;
}

// Every model config reader over one parsed config.json, each on its own (one refusing
// must not hide what the next does).
void read_model_configs(const JsonConfig& config) {
  refused_or_done([&] {
    const SchedulerConfig scheduler = SchedulerConfig::from_json(config);
    scheduler.validate(config.source().string());
    auto built = make_scheduler("", scheduler);
    built->set_timesteps(std::min<int64_t>(scheduler.num_train_timesteps, 30));
  });
  refused_or_done([&] { UNet2DConditionConfig::from_json(config); });
  refused_or_done([&] { AutoencoderKLConfig::from_json(config); });
  refused_or_done([&] { CLIPTextConfig::from_json(config); });
  refused_or_done([&] { CLIPConfig::from_json(config); });
  refused_or_done([&] { CLIPImageProcessorConfig::from_json(config); });
  refused_or_done([&] { BlipImageProcessorConfig::from_json(config); });
  refused_or_done([&] { Blip2Config::from_json(config); });
  refused_or_done([&] { T5Config::from_json(config); });
}

}  // namespace

void fuzz_safetensors_header(const uint8_t* data, size_t size) {
  const fs::path path = input_file("model.safetensors", data, size);
  refused_or_done([&] {
    const SafetensorsFile file(path);
    for (const SafetensorsEntry& entry : file.entries())
      if (entry.end - entry.begin <= kMaxTensorReadBytes) {
        file.tensor(entry.name);
        file.view(entry.name);
      }
  });
}

void fuzz_image_header(const uint8_t* data, size_t size) {
  const std::string bytes = as_text(data, size);
  refused_or_done([&] { read_image_header(bytes, "photo"); });
  exif_orientation(bytes);  // never throws: 1 for anything it cannot read
}

void fuzz_image_parameters(const uint8_t* data, size_t size) {
  const std::string bytes = as_text(data, size);
  const fs::path path = input_file("image", data, size);
  refused_or_done([&] { read_image_parameters(path); });
  png_parameters(bytes);
  webp_parameters(bytes);
  exif_user_comment(bytes);
}

void fuzz_infotext(const uint8_t* data, size_t size) {
  const std::string text = as_text(data, size);
  const ParsedInfotext parsed = parse_infotext(text);
  // Re-exporting what was restored (the app writes the restored settings back).
  parse_infotext(format_infotext(parsed.prompt, parsed.negative, parsed.settings));
  for (const InfotextSetting& setting : parsed.settings) parsed.find(setting.key);

  // What we write reads back as written: the input as one setting's value, between two others
  // (invalid UTF-8 is written as U+FFFD, so only valid text must come back unchanged).
  bool valid_utf8 = true;
  try {
    nlohmann::json(text).dump();
  } catch (const nlohmann::json::type_error&) {
    valid_utf8 = false;
  }
  if (!valid_utf8) return;
  const ParsedInfotext read =
      parse_infotext(format_infotext("a prompt", "", {{"Steps", "20"}, {"Value", infotext_value(text)}, {"Seed", "7"}}));
  const std::string* value = read.find("Value");
  const std::string* seed = read.find("Seed");
  if (!value || *value != text || !seed || *seed != "7" || read.prompt != "a prompt")
    throw std::logic_error("infotext: a setting's value does not read back as written");
}

void fuzz_clip_bpe(const uint8_t* data, size_t size) {
  const std::string text = as_text(data, size);
  const ClipTokenizer &first = clip_tokenizers()[0], &second = clip_tokenizers()[1];
  refused_or_done([&] { first.decode(first.encode(text)); });
  refused_or_done([&] { second.encode_padded(text); });  // truncated, padded with its added "!"
}

void fuzz_gpt2_bpe(const uint8_t* data, size_t size) {
  const std::string text = as_text(data, size);
  const Gpt2Tokenizer& tokenizer = gpt2_tokenizer();
  refused_or_done([&] {
    tokenizer.tokenize(text);
    tokenizer.decode(tokenizer.encode(text));
  });
}

void fuzz_edit_instruction(const uint8_t* data, size_t size) {
  const std::string text = as_text(data, size);
  const PartNames& names = catalog_part_names();
  refused_or_done([&] {
    const AppendedEdit edit = parse_appended_edit(text, [&](const std::string& words) { return names.names_part(words); });
    appended_edit_prompt("a photo of a person", edit);
    names.resolve(edit.part_text);
  });
  refused_or_done([&] { parse_appended_edit(text); });
  // The replace form: "prompt\nsubject\nreplacement".
  const auto first = text.find('\n'), second = first == std::string::npos ? first : text.find('\n', first + 1);
  if (second != std::string::npos)
    refused_or_done([&] {
      swap_subject(text.substr(0, first), text.substr(first + 1, second - first - 1), text.substr(second + 1));
    });
}

void fuzz_json_config(const uint8_t* data, size_t size) {
  const fs::path path = input_file("config.json", data, size);
  refused_or_done([&] {
    const JsonConfig config = JsonConfig::load(path);
    // The generic accessors the model configs are made of, on keys many configs have.
    refused_or_done([&] { config.get_or<int64_t>("sample_size", 0); });
    refused_or_done([&] { config.get_int_list_or("attention_head_dim", 4, 8); });
    refused_or_done([&] { config.get<std::string>("_class_name"); });
    refused_or_done([&] { config.section("vision_config", false); });
    read_model_configs(config);
  });
}

void fuzz_batch_manifest_line(const uint8_t* data, size_t size) {
  const fs::path manifest = input_file("manifest.jsonl", data, size);
  refused_or_done([&] { cli::read_manifest(manifest, std::nullopt, scratch() / "out"); });
}

void fuzz_pt_token(const uint8_t* data, size_t size) {
  const fs::path path = input_file("token.pt", data, size);
  refused_or_done([&] { import_torch_token(path); });
}

const std::vector<FuzzTarget>& fuzz_targets() {
  static const std::vector<FuzzTarget> targets = {
      {"safetensors_header", fuzz_safetensors_header},
      {"image_header", fuzz_image_header},
      {"image_parameters", fuzz_image_parameters},
      {"infotext", fuzz_infotext},
      {"clip_bpe", fuzz_clip_bpe},
      {"gpt2_bpe", fuzz_gpt2_bpe},
      {"edit_instruction", fuzz_edit_instruction},
      {"json_config", fuzz_json_config},
      {"batch_manifest_line", fuzz_batch_manifest_line},
      {"pt_token", fuzz_pt_token},
  };
  return targets;
}

}  // namespace partedit::fuzz
