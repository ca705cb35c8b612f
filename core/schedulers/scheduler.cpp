#include "schedulers/scheduler.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "io/json_config.h"
#include "runtime/error.h"
#include "schedulers/ddim_scheduler.h"
#include "schedulers/dpm_solver_multistep_scheduler.h"
#include "schedulers/euler_discrete_scheduler.h"
#include "schedulers/pndm_scheduler.h"

namespace partedit {

namespace {

bool one_of(const std::string& value, const std::vector<std::string>& allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void require_one_of(const std::string& key, const std::string& value,
                    const std::vector<std::string>& allowed, const std::string& source) {
  if (!one_of(value, allowed))
    throw Error("unsupported " + key + " '" + value + "' in " + source + " (supported: " +
                joined(allowed) + ")");
}

// torch.linspace-like: the first half counted from `start`, the second from `end`, so both
// ends are exact.
std::vector<double> linspace(double start, double end, int64_t n) {
  std::vector<double> out(static_cast<size_t>(n));
  if (n == 1) {
    out[0] = start;
    return out;
  }
  const double step = (end - start) / static_cast<double>(n - 1);
  for (int64_t i = 0; i < n; ++i)
    out[static_cast<size_t>(i)] = i < n / 2 ? start + step * static_cast<double>(i)
                                            : end - step * static_cast<double>(n - 1 - i);
  return out;
}

// diffusers betas_for_alpha_bar (cosine, max_beta 0.999): the squaredcos_cap_v2 schedule.
std::vector<double> cosine_betas(int64_t n) {
  const double pi = std::acos(-1.0);
  auto alpha_bar = [pi](double t) {
    const double c = std::cos((t + 0.008) / 1.008 * pi / 2.0);
    return c * c;
  };
  std::vector<double> betas(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double t1 = static_cast<double>(i) / static_cast<double>(n);
    const double t2 = static_cast<double>(i + 1) / static_cast<double>(n);
    betas[static_cast<size_t>(i)] = std::min(1.0 - alpha_bar(t2) / alpha_bar(t1), 0.999);
  }
  return betas;
}

// diffusers rescale_zero_terminal_snr (Lin et al. 2023, Algorithm 1): shift and scale
// sqrt(ᾱ) so that the last timestep has zero SNR, keeping the first.
std::vector<double> rescale_zero_terminal_snr(const std::vector<double>& betas) {
  const size_t n = betas.size();
  std::vector<double> sqrt_ab(n);
  double acc = 1.0;
  for (size_t i = 0; i < n; ++i) {
    acc *= 1.0 - betas[i];
    sqrt_ab[i] = std::sqrt(acc);
  }
  const double first = sqrt_ab.front(), last = sqrt_ab.back();
  std::vector<double> out(n);
  double prev_ab = 1.0;
  for (size_t i = 0; i < n; ++i) {
    const double s = (sqrt_ab[i] - last) * first / (first - last);
    const double ab = s * s;
    out[i] = 1.0 - (i == 0 ? ab : ab / prev_ab);
    prev_ab = ab;
  }
  return out;
}

// The __init__ defaults that differ between the diffusers 0.27 scheduler classes
// (schedulers/scheduling_{ddim,pndm,euler_discrete,dpmsolver_multistep}.py). Every other key
// of SchedulerConfig has the same default in each class that takes it, the member default
// (1000 train timesteps, linear betas 0.0001..0.02, epsilon, steps_offset 0, no thresholding,
// no Karras sigmas, ...). A key a class does not take holds the member default (unused).
struct ClassDefaults {
  const char* class_name;
  const char* timestep_spacing;
  bool clip_sample;       // DDIM only
  bool set_alpha_to_one;  // DDIM and PNDM
};

const std::vector<ClassDefaults>& class_defaults_table() {
  static const std::vector<ClassDefaults> table = {
      {"DDIMScheduler", "leading", true, true},                   // DDIMScheduler.__init__
      {"PNDMScheduler", "leading", false, false},                 // PNDMScheduler.__init__
      {"EulerDiscreteScheduler", "linspace", false, true},        // EulerDiscreteScheduler.__init__
      {"DPMSolverMultistepScheduler", "linspace", false, true},   // DPMSolverMultistepScheduler.__init__
  };
  return table;
}

// The defaults of `scheduler_class`; nullopt for a class not in the table.
std::optional<SchedulerConfig> class_defaults(const std::string& scheduler_class) {
  for (const auto& row : class_defaults_table()) {
    if (scheduler_class != row.class_name) continue;
    SchedulerConfig d;
    d.class_name = row.class_name;
    d.timestep_spacing = row.timestep_spacing;
    d.clip_sample = row.clip_sample;
    d.set_alpha_to_one = row.set_alpha_to_one;
    return d;
  }
  return std::nullopt;
}

// Every key of SchedulerConfig a file can set: its name in the file and how to copy its field.
struct ConfigKey {
  std::string name;
  std::function<void(SchedulerConfig& to, const SchedulerConfig& from)> copy;
};

template <typename T>
ConfigKey config_key(const char* name, T SchedulerConfig::*field) {
  return {name, [field](SchedulerConfig& to, const SchedulerConfig& from) { to.*field = from.*field; }};
}

const std::vector<ConfigKey>& config_keys() {
  using C = SchedulerConfig;
  static const std::vector<ConfigKey> keys = {
      config_key("num_train_timesteps", &C::num_train_timesteps),
      config_key("beta_start", &C::beta_start),
      config_key("beta_end", &C::beta_end),
      config_key("beta_schedule", &C::beta_schedule),
      config_key("trained_betas", &C::trained_betas),
      config_key("prediction_type", &C::prediction_type),
      config_key("timestep_spacing", &C::timestep_spacing),
      config_key("steps_offset", &C::steps_offset),
      config_key("set_alpha_to_one", &C::set_alpha_to_one),
      config_key("clip_sample", &C::clip_sample),
      config_key("clip_sample_range", &C::clip_sample_range),
      config_key("rescale_betas_zero_snr", &C::rescale_betas_zero_snr),
      config_key("use_karras_sigmas", &C::use_karras_sigmas),
      config_key("interpolation_type", &C::interpolation_type),
      config_key("sigma_min", &C::sigma_min),
      config_key("sigma_max", &C::sigma_max),
      config_key("timestep_type", &C::timestep_type),
      config_key("thresholding", &C::thresholding),
      config_key("sample_max_value", &C::sample_max_value),
      config_key("algorithm_type", &C::algorithm_type),
      config_key("skip_prk_steps", &C::skip_prk_steps),
  };
  return keys;
}

// The factory's table: adding a scheduler = one line here. A config names a kind by its
// class and, where the class has several algorithms, its algorithm_type (nullptr: any).
struct SchedulerKind {
  const char* kind;
  const char* class_name;
  const char* algorithm_type;
  std::function<std::unique_ptr<Scheduler>(const SchedulerConfig&)> make;
};

const std::vector<SchedulerKind>& scheduler_kinds() {
  static const std::vector<SchedulerKind> kinds = {
      {"ddim", "DDIMScheduler", nullptr,
       [](const SchedulerConfig& c) { return std::make_unique<DDIMScheduler>(c); }},
      {"euler", "EulerDiscreteScheduler", nullptr,
       [](const SchedulerConfig& c) { return std::make_unique<EulerDiscreteScheduler>(c); }},
      {"dpmpp-2m", "DPMSolverMultistepScheduler", "dpmsolver++",
       [](const SchedulerConfig& c) {
         return std::make_unique<DPMSolverMultistepScheduler>(c, dpm_solver_options_for_kind("dpmpp-2m"));
       }},
      {"dpmpp-sde", "DPMSolverMultistepScheduler", "sde-dpmsolver++",
       [](const SchedulerConfig& c) {
         return std::make_unique<DPMSolverMultistepScheduler>(c, dpm_solver_options_for_kind("dpmpp-sde"));
       }},
      {"pndm", "PNDMScheduler", nullptr,
       [](const SchedulerConfig& c) { return std::make_unique<PNDMScheduler>(c); }},
  };
  return kinds;
}

}  // namespace

// ---- SchedulerConfig ---------------------------------------------------------------------

SchedulerConfig SchedulerConfig::from_json(const JsonConfig& cfg) {
  const auto class_name = cfg.get_or<std::string>("_class_name", "");
  // Left-out keys: the file's own class's defaults here, the built class's in for_class.
  SchedulerConfig c = class_defaults(class_name).value_or(SchedulerConfig{});
  c.class_name = class_name;
  for (const auto& key : config_keys())
    if (!cfg.has(key.name)) c.defaulted_keys.insert(key.name);
  c.num_train_timesteps = cfg.get_or<int64_t>("num_train_timesteps", c.num_train_timesteps);
  c.beta_start = cfg.get_or<double>("beta_start", c.beta_start);
  c.beta_end = cfg.get_or<double>("beta_end", c.beta_end);
  c.beta_schedule = cfg.get_or<std::string>("beta_schedule", c.beta_schedule);
  c.trained_betas = cfg.get_or<std::vector<double>>("trained_betas", c.trained_betas);
  c.prediction_type = cfg.get_or<std::string>("prediction_type", c.prediction_type);
  c.timestep_spacing = cfg.get_or<std::string>("timestep_spacing", c.timestep_spacing);
  c.steps_offset = cfg.get_or<int64_t>("steps_offset", c.steps_offset);
  c.set_alpha_to_one = cfg.get_or<bool>("set_alpha_to_one", c.set_alpha_to_one);
  c.clip_sample = cfg.get_or<bool>("clip_sample", c.clip_sample);
  c.clip_sample_range = cfg.get_or<double>("clip_sample_range", c.clip_sample_range);
  c.rescale_betas_zero_snr = cfg.get_or<bool>("rescale_betas_zero_snr", c.rescale_betas_zero_snr);
  c.use_karras_sigmas = cfg.get_or<bool>("use_karras_sigmas", c.use_karras_sigmas);
  c.interpolation_type = cfg.get_or<std::string>("interpolation_type", c.interpolation_type);
  if (cfg.has("sigma_min")) c.sigma_min = cfg.get<double>("sigma_min");
  if (cfg.has("sigma_max")) c.sigma_max = cfg.get<double>("sigma_max");
  c.timestep_type = cfg.get_or<std::string>("timestep_type", c.timestep_type);
  c.thresholding = cfg.get_or<bool>("thresholding", c.thresholding);
  c.sample_max_value = cfg.get_or<double>("sample_max_value", c.sample_max_value);
  c.algorithm_type = cfg.get_or<std::string>("algorithm_type", c.algorithm_type);
  c.skip_prk_steps = cfg.get_or<bool>("skip_prk_steps", c.skip_prk_steps);
  c.validate(cfg.source().string());
  return c;
}

SchedulerConfig SchedulerConfig::for_class(const std::string& scheduler_class) const {
  const auto defaults = class_defaults(scheduler_class);
  if (!defaults) throw Error("no defaults are known for scheduler class '" + scheduler_class + "'");
  SchedulerConfig out = *this;
  for (const auto& key : config_keys())
    if (defaulted_keys.count(key.name)) key.copy(out, *defaults);
  out.class_name = scheduler_class;
  out.defaulted_keys.clear();
  return out;
}

SchedulerConfig SchedulerConfig::load(const std::filesystem::path& scheduler_config_json) {
  return from_json(JsonConfig::load(scheduler_config_json));
}

void SchedulerConfig::validate(const std::string& source) const {
  if (num_train_timesteps < 1)
    throw Error("num_train_timesteps must be positive in " + source);
  if (!trained_betas.empty()) {
    if (static_cast<int64_t>(trained_betas.size()) != num_train_timesteps)
      throw Error("trained_betas in " + source + " has " + std::to_string(trained_betas.size()) +
                  " entries but num_train_timesteps is " + std::to_string(num_train_timesteps));
  } else {
    require_one_of("beta_schedule", beta_schedule, {"linear", "scaled_linear", "squaredcos_cap_v2"},
                   source);
  }
  require_one_of("prediction_type", prediction_type, {"epsilon", "v_prediction", "sample"}, source);
  require_one_of("timestep_spacing", timestep_spacing, {"leading", "linspace", "trailing"}, source);
  require_one_of("interpolation_type", interpolation_type, {"linear", "log_linear"}, source);
  require_one_of("timestep_type", timestep_type, {"discrete", "continuous"}, source);
}

// ---- NoiseSchedule -----------------------------------------------------------------------

NoiseSchedule NoiseSchedule::from_config(const SchedulerConfig& config) {
  config.validate();
  NoiseSchedule s;
  const int64_t n = config.num_train_timesteps;
  // diffusers DDIMScheduler.__init__ / EulerDiscreteScheduler.__init__ beta schedules.
  if (!config.trained_betas.empty()) {
    s.betas = config.trained_betas;
  } else if (config.beta_schedule == "linear") {
    s.betas = linspace(config.beta_start, config.beta_end, n);
  } else if (config.beta_schedule == "scaled_linear") {
    s.betas = linspace(std::sqrt(config.beta_start), std::sqrt(config.beta_end), n);
    for (double& b : s.betas) b *= b;
  } else {
    s.betas = cosine_betas(n);
  }
  if (config.rescale_betas_zero_snr) s.betas = rescale_zero_terminal_snr(s.betas);
  s.alphas_cumprod.resize(s.betas.size());
  double acc = 1.0;
  for (size_t i = 0; i < s.betas.size(); ++i) {
    acc *= 1.0 - s.betas[i];
    s.alphas_cumprod[i] = acc;
  }
  return s;
}

std::vector<double> NoiseSchedule::sigmas() const {
  std::vector<double> out(alphas_cumprod.size());
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = std::sqrt((1.0 - alphas_cumprod[i]) / alphas_cumprod[i]);
  return out;
}

// ---- Scheduler ---------------------------------------------------------------------------

Scheduler::Scheduler(std::string name, SchedulerConfig config)
    : config_(std::move(config)), schedule_(NoiseSchedule::from_config(config_)),
      name_(std::move(name)) {}

void Scheduler::check_step_index(size_t step_index, const char* what) const {
  if (timesteps_.empty())
    throw Error(name_ + " scheduler: " + what + " called before set_timesteps");
  if (step_index >= timesteps_.size())
    throw Error(name_ + " scheduler: " + what + " step index " + std::to_string(step_index) +
                " is out of range (" + std::to_string(timesteps_.size()) + " timesteps)");
}

std::vector<std::string> supported_scheduler_kinds() {
  std::vector<std::string> out;
  for (const auto& k : scheduler_kinds()) out.emplace_back(k.kind);
  return out;
}

std::unique_ptr<Scheduler> make_scheduler(const std::string& kind, const SchedulerConfig& config) {
  auto config_names = [&config](const SchedulerKind& k) {
    return config.class_name == k.class_name && (!k.algorithm_type || config.algorithm_type == k.algorithm_type);
  };
  for (const auto& k : scheduler_kinds()) {
    if (kind.empty() ? config_names(k) : kind == k.kind) return k.make(config.for_class(k.class_name));
  }
  if (kind.empty()) {
    const bool dpm = config.class_name == "DPMSolverMultistepScheduler";
    throw Error("scheduler class '" + config.class_name + "'" +
                (dpm ? " with algorithm_type '" + config.algorithm_type + "'" : std::string()) +
                " of the model's scheduler_config.json is not supported; choose a scheduler "
                "kind explicitly (supported: " + joined(supported_scheduler_kinds()) + ")");
  }
  throw Error("unknown scheduler '" + kind + "' (supported: " +
              joined(supported_scheduler_kinds()) + ")");
}

std::string scheduler_class_name(const std::string& kind) {
  for (const auto& k : scheduler_kinds())
    if (kind == k.kind) return k.class_name;
  throw Error("unknown scheduler '" + kind + "' (supported: " + joined(supported_scheduler_kinds()) + ")");
}

// ---- Shared host maths -------------------------------------------------------------------

std::vector<double> spaced_timesteps(const SchedulerConfig& config, int64_t n, bool integer) {
  const int64_t T = config.num_train_timesteps;
  if (n < 1 || n > T)
    throw Error("num_inference_steps " + std::to_string(n) + " must be in [1, " +
                std::to_string(T) + "] (num_train_timesteps)");
  std::vector<double> out(static_cast<size_t>(n));
  // diffusers DDIMScheduler.set_timesteps / EulerDiscreteScheduler.set_timesteps spacings.
  if (config.timestep_spacing == "leading") {
    const int64_t ratio = T / n;
    for (int64_t i = 0; i < n; ++i)
      out[static_cast<size_t>(i)] = static_cast<double>((n - 1 - i) * ratio + config.steps_offset);
  } else if (config.timestep_spacing == "linspace") {
    // np.linspace(0, T - 1, n): i·step with the last entry exactly T − 1.
    const double step = n > 1 ? static_cast<double>(T - 1) / static_cast<double>(n - 1) : 0.0;
    for (int64_t i = 0; i < n; ++i) {
      double t = i == n - 1 && n > 1 ? static_cast<double>(T - 1) : static_cast<double>(i) * step;
      if (integer) t = std::nearbyint(t);  // np.round: half to even
      out[static_cast<size_t>(n - 1 - i)] = t;
    }
  } else if (config.timestep_spacing == "trailing") {
    // np.arange(T, 0, -T/n) fills T + i·delta with delta = (T − T/n) − T. Exactly n entries:
    // numpy's arange sometimes yields n + 1 (a trailing −1 timestep); that is not kept.
    const double Td = static_cast<double>(T);
    const double delta = (Td - Td / static_cast<double>(n)) - Td;
    for (int64_t i = 0; i < n; ++i)
      out[static_cast<size_t>(i)] = std::nearbyint(Td + static_cast<double>(i) * delta) - 1.0;
  } else {
    config.validate();
  }
  return out;
}

std::vector<double> interp_table(const std::vector<double>& x, const std::vector<double>& table) {
  std::vector<double> out(x.size());
  const double last = static_cast<double>(table.size() - 1);
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = std::min(std::max(x[i], 0.0), last);
    const size_t lo = static_cast<size_t>(std::floor(t));
    if (static_cast<double>(lo) == t) {
      out[i] = table[lo];
    } else {
      const double w = t - static_cast<double>(lo);
      out[i] = table[lo] + w * (table[lo + 1] - table[lo]);
    }
  }
  return out;
}

std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t n, double rho) {
  const double min_inv = std::pow(sigma_min, 1.0 / rho);
  const double max_inv = std::pow(sigma_max, 1.0 / rho);
  std::vector<double> ramp = linspace(0.0, 1.0, n);
  for (double& r : ramp) r = std::pow(max_inv + r * (min_inv - max_inv), rho);
  return ramp;
}

double sigma_to_timestep(double sigma, const std::vector<double>& log_sigmas) {
  const double log_sigma = std::log(std::max(sigma, 1e-10));
  // Index of the last table entry at or below log_sigma, kept inside [0, N − 2].
  const auto above = std::upper_bound(log_sigmas.begin(), log_sigmas.end(), log_sigma);
  const int64_t count = above - log_sigmas.begin();
  const int64_t low = std::min<int64_t>(std::max<int64_t>(count - 1, 0),
                                        static_cast<int64_t>(log_sigmas.size()) - 2);
  const double lo = log_sigmas[static_cast<size_t>(low)];
  const double hi = log_sigmas[static_cast<size_t>(low + 1)];
  const double w = std::min(std::max((lo - log_sigma) / (lo - hi), 0.0), 1.0);
  return (1.0 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

void Scheduler::check_like_sample(const at::Tensor& t, const at::Tensor& sample, const char* what) const {
  if (!t.defined() || t.sizes() != sample.sizes())
    throw Error(name_ + " scheduler: " + what + " must have the sample's shape " + c10::str(sample.sizes()) +
                (t.defined() ? ", got " + c10::str(t.sizes()) : ""));
}

at::ScalarType step_compute_dtype(const at::Tensor& sample) {
  const auto t = sample.scalar_type();
  if (!at::isFloatingType(t))
    throw Error("scheduler: the sample must be a floating-point tensor");
  return t == at::kHalf || t == at::kBFloat16 ? at::kFloat : t;
}

}  // namespace partedit
