#include "pipeline/captioner.h"

#include <chrono>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "pipeline/model_folder.h"
#include "runtime/error.h"
#include "runtime/stage.h"
#include "text/unicode.h"
#include "runtime/elapsed.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// The tokenizer files a folder's text model needs, with the message for a missing one.
void require_tokenizer_files(const fs::path& folder, const Blip2Config& config) {
  if (!config.decoder_only()) {
    if (!fs::is_regular_file(folder / "spiece.model"))
      throw Error("BLIP-2 model folder with a Flan-T5 language model: " + (folder / "spiece.model").string() +
                  " does not exist (the sentencepiece model of its tokenizer)");
    return;
  }
  for (const char* name : {"vocab.json", "merges.txt"})
    if (!fs::is_regular_file(folder / name))
      throw Error("BLIP-2 model folder with an OPT language model: " + (folder / name).string() +
                  " does not exist (its GPT-2 tokenizer needs vocab.json, merges.txt and tokenizer_config.json "
                  "or special_tokens_map.json)");
}

}  // namespace

void check_blip2_folder(const fs::path& folder) {
  require_model_folder(folder, "BLIP-2 model folder", "config.json");
  const auto config = Blip2Config::from_json(JsonConfig::load(folder / "config.json"));
  if (!fs::is_regular_file(folder / "preprocessor_config.json"))
    throw Error("BLIP-2 model folder " + folder.string() + " has no preprocessor_config.json");
  require_tokenizer_files(folder, config);
}

Blip2Tokenizer Blip2Tokenizer::load(const fs::path& folder, const Blip2Config& config) {
  require_tokenizer_files(folder, config);
  Blip2Tokenizer t;
  if (!config.decoder_only()) {
    t.t5_ = T5Tokenizer::load(folder);
    return t;
  }
  t.gpt2_ = Gpt2Tokenizer::load(folder);
  t.bos_id_ = config.opt.bos_token_id;
  return t;
}

std::vector<int64_t> Blip2Tokenizer::encode(const std::string& prompt) const {
  if (t5_) return t5_->encode(prompt);
  auto ids = gpt2_->encode(prompt);
  // generate() without input_ids starts from [bos_token_id]
  if (ids.empty()) ids.push_back(bos_id_);
  return ids;
}

std::string Blip2Tokenizer::decode(const std::vector<int64_t>& ids) const {
  if (t5_) return t5_->decode(ids);
  const std::u32string text = unicode::decode_utf8(gpt2_->decode(ids), "caption");
  return unicode::encode_utf8(unicode::strip_python_space(text));
}

int64_t Blip2Tokenizer::model_max_length() const {
  return t5_ ? t5_->model_max_length() : gpt2_->model_max_length();
}

Blip2CaptionModel::Blip2CaptionModel(Blip2ForConditionalGeneration model, Blip2Tokenizer tokenizer,
                                     BlipImageProcessorConfig processor, ComputeOptions compute)
    : model_(std::move(model)), tokenizer_(std::move(tokenizer)), processor_(std::move(processor)), compute_(compute) {}

Blip2CaptionModel Blip2CaptionModel::load(const fs::path& folder, const ComputeOptions& compute) {
  const auto t0 = std::chrono::steady_clock::now();
  require_model_folder(folder, "BLIP-2 model folder", "config.json");
  StageScope stage("loading the caption model " + folder.string());
  // the small files first: a broken folder fails before gigabytes are read
  auto processor = BlipImageProcessorConfig::load(folder);
  auto tokenizer = Blip2Tokenizer::load(folder, Blip2Config::from_json(JsonConfig::load(folder / "config.json")));
  auto model = load_blip2(folder, compute.device, compute.dtype);
  const int64_t image_size = model->config().vision.image_size;
  if (processor.do_resize && (processor.height != image_size || processor.width != image_size))
    throw Error((folder / "preprocessor_config.json").string() + ": size " + std::to_string(processor.height) + "x" +
                std::to_string(processor.width) + " differs from the vision model's image_size " +
                std::to_string(image_size));
  Blip2CaptionModel out(std::move(model), std::move(tokenizer), std::move(processor), compute);
  out.load_seconds_ = seconds_since(t0);
  return out;
}

std::vector<int64_t> Blip2CaptionModel::prompt_ids(const std::string& prompt) const {
  auto ids = tokenizer_.encode(prompt);
  const auto& config = model_->config();
  const int64_t queries = config.num_query_tokens;
  // OPT: every position needs a learned embedding; T5: the tokenizer's length
  const int64_t max_length = config.decoder_only() ? config.opt.max_position_embeddings : tokenizer_.model_max_length();
  const char* what = config.decoder_only() ? "max_position_embeddings " : "model_max_length ";
  if (max_length > 0 && int64_t(ids.size()) > max_length - queries)
    throw Error("the prompt is " + std::to_string(ids.size()) + " tokens long; at most " +
                std::to_string(max_length - queries) + " fit next to the " + std::to_string(queries) +
                " image queries (" + what + std::to_string(max_length) + ")");
  return ids;
}

at::Tensor Blip2CaptionModel::preprocess(const at::Tensor& images_rgb01) const {
  if (!images_rgb01.defined() || images_rgb01.numel() == 0) throw Error("caption: the image is empty");
  if (!images_rgb01.is_floating_point()) throw Error("caption: the image must be a float tensor with values in [0, 1]");
  if (!images_rgb01.isfinite().all().item<bool>()) throw Error("caption: the image has non-finite values");
  return blip_preprocess(images_rgb01, processor_).to(compute_.device, compute_.dtype);  // [B, 3, S, S]
}

std::vector<std::string> Blip2CaptionModel::caption(const at::Tensor& images_rgb01, const CaptionRequest& request,
                                                    const CancelToken* cancel, CaptionTimings* timings) {
  request.generation.validate();
  const auto ids = prompt_ids(request.prompt);
  if (const auto& config = model_->config(); config.decoder_only()) {
    // the generated tokens take positions too
    const int64_t room = config.opt.max_position_embeddings - config.num_query_tokens - int64_t(ids.size());
    if (request.generation.max_new_tokens > room)
      throw Error("max_new_tokens " + std::to_string(request.generation.max_new_tokens) + " is too many: the " +
                  std::to_string(config.num_query_tokens) + " image queries and the " + std::to_string(ids.size()) +
                  "-token prompt leave " + std::to_string(room) + " of the OPT model's max_position_embeddings (" +
                  std::to_string(config.opt.max_position_embeddings) + ")");
  }
  InferenceGuard guard(compute_.device);
  StageScope stage("captioning the photo");
  // 1. preprocessing
  auto t0 = std::chrono::steady_clock::now();
  const auto pixels = preprocess(images_rgb01);  // [B, 3, S, S]
  if (timings) timings->preprocess = seconds_since(t0);
  // 2. vision -> Q-Former -> language model (T5 encoder, or the OPT decoder on the prefix) -> decoding
  t0 = std::chrono::steady_clock::now();
  const auto input_ids = at::tensor(ids, at::kLong).unsqueeze(0);  // [1, T], shared by the batch
  const auto out = model_->generate(pixels, input_ids, request.generation, cancel);
  wait_for(out.sequences);
  if (timings) timings->generate = seconds_since(t0);
  // 3. text
  std::vector<std::string> captions;
  const auto seqs = out.sequences.cpu().contiguous();
  for (int64_t r = 0; r < seqs.size(0); ++r) {
    const int64_t* p = seqs.data_ptr<int64_t>() + r * seqs.size(1);
    captions.push_back(tokenizer_.decode(std::vector<int64_t>(p, p + seqs.size(1))));
  }
  return captions;
}

Blip2Captioner::Blip2Captioner(fs::path folder, ComputeOptions compute, CaptionRequest request, bool keep_loaded)
    : folder_(std::move(folder)), compute_(compute), request_(std::move(request)), keep_loaded_(keep_loaded) {}

std::string Blip2Captioner::caption(const at::Tensor& image_rgb01, const CancelToken& cancel) {
  if (!image_rgb01.defined() || image_rgb01.dim() != 3 || image_rgb01.size(0) != 3)
    throw Error("caption: expected an RGB image [3, H, W], got " +
                (image_rgb01.defined() ? c10::str(image_rgb01.sizes()) : std::string("nothing")));
  cancel.throw_if_cancelled();
  load_seconds_ = 0;
  if (!model_) {
    model_ = std::make_unique<Blip2CaptionModel>(Blip2CaptionModel::load(folder_, compute_));
    load_seconds_ = model_->load_seconds();
  }
  std::string text;
  try {
    text = model_->caption(image_rgb01, request_, &cancel, &timings_).at(0);
  } catch (...) {
    if (!keep_loaded_) release();
    throw;
  }
  if (!keep_loaded_) release();
  return text;
}

}  // namespace partedit
