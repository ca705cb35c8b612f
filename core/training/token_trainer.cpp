#include "training/token_trainer.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <sstream>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>

#include "editing/part_edit_pipeline.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/generation_common.h"
#include "runtime/byte_size.h"
#include "runtime/error.h"
#include "training/part_layer_probe.h"

namespace partedit {
namespace {

// splitmix64: the timestep a step draws depends only on (seed, step), so a resumed run
// draws what an uninterrupted one would.
uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// MemAvailable of /proc/meminfo in bytes; 0 when unknown.
int64_t available_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return 0;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Parameters of a module stop recording gradients for the trainer's lifetime (exact mode
// back-propagates to the embedding only), then get their flag back.
class FrozenParameters {
 public:
  explicit FrozenParameters(torch::nn::Module& module) {
    for (auto& p : module.parameters()) {
      flags_.push_back(p.requires_grad());
      params_.push_back(p);
      p.requires_grad_(false);
    }
  }
  ~FrozenParameters() {
    for (size_t i = 0; i < params_.size(); ++i) params_[i].requires_grad_(flags_[i]);
  }

 private:
  std::vector<at::Tensor> params_;
  std::vector<bool> flags_;
};

}  // namespace

struct TokenTrainer::State {
  DiffusionModel& model;
  std::vector<TrainingExample> examples;
  TokenTrainingOptions options;
  TrainingSplit split;
  std::vector<size_t> evaluated;  // the validation images, or the training images when none is held out
  std::vector<int> layers;
  std::vector<int64_t> timesteps;
  std::vector<double> alphas_cumprod;
  std::unique_ptr<FrozenParameters> frozen;
  mutable std::vector<Attention> cross_layers;  // their key projections run on the token

  at::Tensor prompt_embeds;                       // [1, 77, D] model dtype
  std::vector<QueryPassConditioning> conditioning;  // per example (SDXL's micro-conditioning has its size)
  std::vector<std::vector<at::Tensor>> noisy;  // [example][timestep] x_t [1, C, h, w]
  std::vector<std::vector<std::vector<LayerQueries>>> queries;  // [example][timestep] (recorded ones)
  int64_t cached_bytes = 0;

  at::Tensor embedding;     // [2, D] leaf, requires grad
  at::Tensor first_moment, second_moment;
  int64_t step = 0;
  std::vector<double> losses;
  std::vector<ValidationPoint> validations;
  double last_miou = -1;

  State(DiffusionModel& m, std::vector<TrainingExample> e, TokenTrainingOptions o)
      : model(m), examples(std::move(e)), options(std::move(o)) {}

  c10::ScalarType compute_dtype() const {
    return model.unet()->parameters().front().scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  }
  UNetAddedConditions added(size_t example) const { return conditioning[example].added(); }
  // [1, 77, D]: BG, PART, BG × 75 (the sequence edits condition the localisation on).
  at::Tensor token_sequence() const {
    const int64_t length = prompt_embeds.size(1);
    const auto e = embedding.to(prompt_embeds.scalar_type());
    return at::cat({e, e.slice(0, 0, 1).expand({length - 2, e.size(1)})}).unsqueeze(0);
  }
  std::vector<at::Tensor> maps_from(const std::vector<LayerQueries>& recorded) const {
    std::vector<at::Tensor> maps;
    for (const auto& q : recorded)
      maps.push_back(part_probability(*cross_layers[q.cross_index], q.query, embedding, prompt_embeds.size(1))
                         .view({q.height, q.width}));
    return maps;
  }
  std::vector<LayerQueries> record(size_t example, size_t j, const at::Tensor& context, c10::ScalarType store) {
    std::vector<LayerQueries> recorded;
    run_to_part_layers(model.unet(), noisy[example][j], static_cast<double>(timesteps[j]), context, added(example),
                       layers, [&](AttentionImpl&, int index, int64_t h, int64_t w, const at::Tensor& query) {
                         recorded.push_back({index, h, w, query[0].detach().to(store).clone()});
                       });
    return recorded;
  }
};

TokenTrainer::TokenTrainer(DiffusionModel& model, std::vector<TrainingExample> examples, TokenTrainingOptions options,
                           const TrainingPreparationCallback& progress, const CancelToken& cancel)
    : state_(std::make_unique<State>(model, std::move(examples), std::move(options))) {
  State& s = *state_;
  const auto noise_schedule = NoiseSchedule::from_config(model.scheduler_config());
  s.options.validate(static_cast<int64_t>(noise_schedule.size()));
  if (s.examples.empty()) throw Error("no training images: a token needs at least one image with its part mask");
  s.alphas_cumprod = noise_schedule.alphas_cumprod;
  s.layers = s.options.layers.empty() ? default_part_layers(model) : s.options.layers;
  s.cross_layers = model.unet()->cross_attention_layers();
  for (int l : s.layers)
    if (l >= static_cast<int>(s.cross_layers.size()))
      throw Error("cross-attention layer " + std::to_string(l) + " does not exist (the UNet has " +
                  std::to_string(s.cross_layers.size()) + ")");
  s.timesteps = training_timesteps(s.options);
  std::vector<HoldOut> choices;
  for (const auto& e : s.examples) choices.push_back(e.hold_out);
  s.split = split_training_set(s.examples.size(), s.options.validation_split, s.options.seed, choices);
  s.evaluated = s.split.validation.empty() ? s.split.train : s.split.validation;
  const c10::Device device = model.compute().device;
  const auto dtype = s.compute_dtype();
  const int64_t factor = model.vae_scale_factor();
  for (const auto& e : s.examples)
    if (e.image.size(1) % factor || e.image.size(2) % factor)
      throw Error(e.image_path.string() + " is not fitted to the model's working frame (sides must be multiples of " +
                  std::to_string(factor) + ")");

  // 1. the prompt's conditioning, the token's initial value (scaled like the prompt's rows)
  const auto& first = s.examples.front().image;
  const auto conditioning = query_pass_conditioning(model, s.options.prompt, first.size(1), first.size(2));
  for (const auto& e : s.examples) {
    s.conditioning.push_back(conditioning);
    if (conditioning.time_ids.defined())
      s.conditioning.back().time_ids = sdxl_time_ids(e.image.size(1), e.image.size(2), 1, conditioning.time_ids.options());
  }
  s.prompt_embeds = s.conditioning.front().embeds;
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.options.seed);
  {
    const double scale = s.prompt_embeds.to(at::kFloat).std().item<double>();
    const auto init = at::randn({2, s.prompt_embeds.size(2)}, generator, at::TensorOptions().dtype(at::kFloat)) * scale;
    s.embedding = init.to(device).to(dtype).set_requires_grad(true);
  }

  // 2. latents, then one noise draw per image and timestep (image-major)
  for (size_t i = 0; i < s.examples.size(); ++i) {
    cancel.throw_if_cancelled();
    if (progress) progress("Encoding images", static_cast<int64_t>(i), static_cast<int64_t>(s.examples.size()));
    const auto& image = s.examples[i].image;
    at::Tensor x0;
    {
      c10::InferenceMode inference;
      x0 = image_to_latents(model.vae(), image.unsqueeze(0).to(device));  // [1, C, h, w] float32
    }
    x0 = x0.clone();
    std::vector<at::Tensor> per_timestep;
    for (int64_t t : s.timesteps) {
      const auto noise = at::randn(x0.sizes(), generator, at::TensorOptions().dtype(at::kFloat)).to(device);
      per_timestep.push_back(noised_to(x0, noise, s.alphas_cumprod.at(t)).to(dtype));
    }
    s.noisy.push_back(std::move(per_timestep));
  }
  if (progress) progress("Encoding images", static_cast<int64_t>(s.examples.size()), static_cast<int64_t>(s.examples.size()));

  // 3. cached mode: the queries of the prompt-conditioned pass of every image and timestep,
  //    kept in float32, or float16 above 2 GiB.
  std::vector<bool> needed(s.examples.size(), s.options.mode == TrainingMode::Cached);
  int64_t to_record = 0;
  for (bool n : needed) to_record += n ? static_cast<int64_t>(s.timesteps.size()) : 0;
  s.queries.resize(s.examples.size());
  c10::ScalarType store = dtype;
  int64_t recorded = 0;
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < s.examples.size(); ++i) {
    if (!needed[i]) continue;
    for (size_t j = 0; j < s.timesteps.size(); ++j) {
      cancel.throw_if_cancelled();
      if (progress) progress("Recording queries", recorded, to_record);
      auto sample = s.record(i, j, s.prompt_embeds, store);
      int64_t bytes = 0;
      for (const auto& q : sample) bytes += q.query.numel() * q.query.element_size();
      if (recorded == 0) {
        const int64_t total = bytes * to_record;
        if (total > (int64_t(2) << 30) && store == at::kFloat) {
          store = at::kHalf;
          for (auto& q : sample) q.query = q.query.to(store);
          bytes /= 2;
        }
        const int64_t available = device.is_cpu() ? available_memory() : 0;
        if (available > 0 && bytes * to_record > available * 8 / 10)
          throw Error("the recorded queries of " + std::to_string(to_record) + " image-timestep pairs need " +
                      format_byte_size(bytes * to_record) + " but only " + format_byte_size(available) +
                      " of memory is available; train on fewer images or timesteps (a larger stride), or use the "
                      "exact mode");
      }
      s.cached_bytes += bytes;
      s.queries[i].push_back(std::move(sample));
      ++recorded;
    }
  }
  if (progress) progress("Recording queries", recorded, to_record);
  if (s.options.mode == TrainingMode::Exact) s.frozen = std::make_unique<FrozenParameters>(*model.unet());
}

TokenTrainer::~TokenTrainer() = default;

const TokenTrainingOptions& TokenTrainer::options() const { return state_->options; }
const std::vector<TrainingExample>& TokenTrainer::examples() const { return state_->examples; }
const TrainingSplit& TokenTrainer::split() const { return state_->split; }
const std::vector<int>& TokenTrainer::layers() const { return state_->layers; }
const std::vector<int64_t>& TokenTrainer::timesteps() const { return state_->timesteps; }
int64_t TokenTrainer::steps_done() const { return state_->step; }
const at::Tensor& TokenTrainer::embedding() const { return state_->embedding; }
int64_t TokenTrainer::cached_bytes() const { return state_->cached_bytes; }

std::string training_fingerprint(DiffusionModel& model, const std::vector<TrainingExample>& examples,
                                 const TokenTrainingOptions& options) {
  std::vector<HoldOut> choices;
  for (const auto& e : examples) choices.push_back(e.hold_out);
  const auto split = split_training_set(examples.size(), options.validation_split, options.seed, choices);
  nlohmann::json names = nlohmann::json::array(), held = nlohmann::json::array();
  for (const auto& e : examples) names.push_back(e.name);
  for (size_t i : split.validation) held.push_back(examples[i].name);
  nlohmann::json f;
  f["model_family"] = model_family_code(model);
  f["embedding_dim"] = model.prompt_encoder().embed_dim();
  f["cross_attention_layers"] = model.unet()->cross_attention_layers().size();
  f["layers"] = options.layers.empty() ? default_part_layers(model) : options.layers;
  f["timesteps"] = training_timesteps(options);
  f["mode"] = training_mode_name(options.mode);
  f["optimizer"] = token_optimizer_name(options.optimizer);
  f["learning_rate"] = options.learning_rate;
  f["lr_step"] = options.lr_step;
  f["lr_gamma"] = options.lr_gamma;
  f["seed"] = options.seed;
  f["prompt"] = options.prompt;
  f["images"] = names;
  f["validation_images"] = held;
  return f.dump();
}

std::string TokenTrainer::fingerprint() const {
  return training_fingerprint(state_->model, state_->examples, state_->options);
}

at::Tensor TokenTrainer::loss_from_queries(const std::vector<LayerQueries>& queries, size_t example) const {
  return part_map_loss(state_->maps_from(queries), state_->examples.at(example).mask);
}

std::vector<LayerQueries> TokenTrainer::exact_queries(size_t example, size_t timestep_index) {
  State& s = *state_;
  at::NoGradGuard no_grad;
  return s.record(example, timestep_index, s.token_sequence(), s.compute_dtype());
}

at::Tensor TokenTrainer::example_loss(size_t example, size_t j, bool backward) {
  State& s = *state_;
  at::Tensor loss;
  if (s.options.mode == TrainingMode::Cached) {
    loss = loss_from_queries(s.queries.at(example).at(j), example);
  } else {
    // The UNet conditioned on the token sequence; maps from the live queries and the token's
    // keys — the layer's own attention probabilities for the part, with gradients through both.
    std::vector<at::Tensor> maps;
    run_to_part_layers(s.model.unet(), s.noisy[example][j], static_cast<double>(s.timesteps[j]), s.token_sequence(),
                       s.added(example), s.layers,
                       [&](AttentionImpl& layer, int, int64_t h, int64_t w, const at::Tensor& query) {
                         maps.push_back(part_probability(layer, query[0], s.embedding, s.prompt_embeds.size(1)).view({h, w}));
                       });
    loss = part_map_loss(maps, s.examples[example].mask);
  }
  if (backward) loss.backward();
  return loss;
}

TrainingStepReport TokenTrainer::train_step() {
  State& s = *state_;
  const auto start = std::chrono::steady_clock::now();
  const size_t j = mix(s.options.seed ^ mix(static_cast<uint64_t>(s.step))) % s.timesteps.size();
  const double n = static_cast<double>(s.split.train.size());
  double loss = 0;
  // One image at a time (its graph freed before the next): the gradient of the mean loss.
  for (size_t i : s.split.train) {
    auto l = example_loss(i, j) / n;
    l.backward();
    loss += l.item<double>();
  }
  const double lr = learning_rate_at(s.options, s.step);
  {
    at::NoGradGuard no_grad;
    auto grad = s.embedding.grad();
    if (s.options.optimizer == TokenOptimizer::Sgd) {
      s.embedding.sub_(grad * lr);
    } else {  // Adam (Kingma & Ba 2015, Algorithm 1)
      constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
      if (!s.first_moment.defined()) {
        s.first_moment = at::zeros_like(grad);
        s.second_moment = at::zeros_like(grad);
      }
      const double t = static_cast<double>(s.step + 1);
      s.first_moment.mul_(b1).add_(grad * (1 - b1));
      s.second_moment.mul_(b2).add_(grad * grad * (1 - b2));
      const auto m_hat = s.first_moment / (1 - std::pow(b1, t));
      const auto v_hat = s.second_moment / (1 - std::pow(b2, t));
      s.embedding.sub_(m_hat / (v_hat.sqrt() + eps) * lr);
    }
    grad.zero_();
  }
  ++s.step;
  s.losses.push_back(loss);
  TrainingStepReport report;
  report.step = s.step;
  report.steps = s.options.steps;
  report.loss = loss;
  report.learning_rate = lr;
  report.timestep = s.timesteps[j];
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

ValidationReport TokenTrainer::validate() {
  State& s = *state_;
  at::NoGradGuard no_grad;
  ValidationReport report;
  report.step = s.step;
  report.on_training_images = s.split.validation.empty();
  double loss = 0;
  for (size_t i : s.evaluated) {
    std::vector<at::Tensor> all_maps;
    for (size_t j = 0; j < s.timesteps.size(); ++j) {
      const auto maps = s.maps_from(s.options.mode == TrainingMode::Cached ? s.queries[i][j] : exact_queries(i, j));
      loss += part_map_loss(maps, s.examples[i].mask).item<double>();
      all_maps.insert(all_maps.end(), maps.begin(), maps.end());
    }
    const auto& mask = s.examples[i].mask;
    const auto located = locate_from_maps(all_maps, mask.size(0), mask.size(1));
    report.ious.push_back(intersection_over_union(located.mask, mask));
    if (report.preview_example < 0) {
      report.preview_example = static_cast<int64_t>(i);
      report.preview_map = located.normalized.to(at::kCPU);
      report.preview_mask = located.mask.to(at::kCPU);
    }
  }
  report.loss = loss / static_cast<double>(s.evaluated.size() * s.timesteps.size());
  double sum = 0;
  for (double v : report.ious) sum += v;
  report.miou = sum / static_cast<double>(report.ious.size());
  s.last_miou = report.miou;
  if (s.validations.empty() || s.validations.back().step != s.step) s.validations.push_back({s.step, report.loss, report.miou});
  return report;
}

TokenCheckpoint TokenTrainer::checkpoint() const {
  const State& s = *state_;
  TokenCheckpoint c;
  c.step = s.step;
  c.embedding = s.embedding.detach().to(at::kCPU).to(at::kFloat).clone();
  if (s.first_moment.defined()) {
    c.first_moment = s.first_moment.to(at::kCPU).to(at::kFloat).clone();
    c.second_moment = s.second_moment.to(at::kCPU).to(at::kFloat).clone();
  }
  c.losses = s.losses;
  c.validations = s.validations;
  c.fingerprint = fingerprint();
  return c;
}

void TokenTrainer::resume(const TokenCheckpoint& c, const std::string& where) {
  State& s = *state_;
  check_fingerprints_match(c.fingerprint, fingerprint(), where);
  if (!c.embedding.sizes().equals(s.embedding.sizes()))
    throw Error(where + " holds a token of another width");
  at::NoGradGuard no_grad;
  s.embedding.copy_(c.embedding);
  if (c.first_moment.defined()) {
    s.first_moment = c.first_moment.to(s.embedding.device()).to(s.embedding.scalar_type());
    s.second_moment = c.second_moment.to(s.embedding.device()).to(s.embedding.scalar_type());
  } else {
    s.first_moment = s.second_moment = at::Tensor();
  }
  s.step = c.step;
  s.losses = c.losses;
  s.validations = c.validations;
  s.last_miou = c.validations.empty() ? -1 : c.validations.back().miou;
}

PartToken TokenTrainer::token() const {
  const State& s = *state_;
  PartToken t;
  t.embedding = s.embedding.detach().to(at::kCPU).to(at::kFloat).contiguous();
  t.part_name = s.options.part_name;
  t.display_name = display_name_for(t.part_name);
  t.base_model_family = model_family_code(s.model);
  t.embedding_dim = t.embedding.size(1);
  t.layers.assign(s.layers.begin(), s.layers.end());
  t.timestep_range = {s.timesteps.back(), s.timesteps.front()};
  t.training.images = static_cast<int64_t>(s.split.train.size());
  t.training.validation_images = static_cast<int64_t>(s.split.validation.size());
  if (!s.split.validation.empty()) t.training.validation_miou = s.last_miou;
  t.training.mode = training_mode_name(s.options.mode);
  t.training.steps = s.step;
  t.training.date = utc_now();
  std::ostringstream summary;
  summary << "trained by PartEdit on " << s.split.train.size() << " images for " << s.step << " steps ("
          << training_mode_name(s.options.mode) << ", " << token_optimizer_name(s.options.optimizer) << ")";
  if (!s.split.validation.empty() && s.last_miou >= 0)
    summary << "; mIoU " << std::round(s.last_miou * 1000) / 1000 << " on " << s.split.validation.size() << " held-out images";
  t.training_summary = summary.str();
  return t;
}

PartToken run_token_training(TokenTrainer& trainer, const std::filesystem::path& checkpoint_path,
                             const TrainingObserver& observer, const CancelToken& cancel) {
  const auto& options = trainer.options();
  int64_t saved_at = trainer.steps_done();
  const auto save = [&] {
    if (checkpoint_path.empty() || saved_at == trainer.steps_done()) return;
    write_token_checkpoint(checkpoint_path, trainer.checkpoint());
    saved_at = trainer.steps_done();
    if (observer.checkpoint) observer.checkpoint(checkpoint_path, saved_at);
  };
  bool validated_last = false;
  while (trainer.steps_done() < options.steps) {
    if (cancel.cancelled()) {
      save();
      throw CancelledError();
    }
    const auto report = trainer.train_step();
    // A diverged step is not saved: the last checkpoint stays the last good state.
    if (!std::isfinite(report.loss) || !at::isfinite(trainer.embedding()).all().item<bool>())
      throw Error("training diverged at step " + std::to_string(report.step) + " (the loss or the token is no longer "
                  "finite); resume from the last checkpoint with a lower learning rate");
    if (observer.step) observer.step(report);
    const bool last = trainer.steps_done() == options.steps;
    validated_last = last || trainer.steps_done() % options.validate_every == 0;
    if (validated_last) {
      const auto validation = trainer.validate();
      if (observer.validation) observer.validation(validation);
    }
    if (last || trainer.steps_done() % options.checkpoint_every == 0) save();
  }
  if (!validated_last) {  // resumed at the end: the token still records its mIoU
    const auto validation = trainer.validate();
    if (observer.validation) observer.validation(validation);
  }
  return trainer.token();
}

}  // namespace partedit
