#pragma once
// Diffusion schedulers: the shared interface, the config parsed from scheduler_config.json,
// the factory and the host-side schedule maths every scheduler uses (diffusers 0.27
// semantics). Schedule arithmetic is double on the host; only latent maths are tensors.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace partedit {

class JsonConfig;

// scheduler/scheduler_config.json; field names as in the file. diffusers' rule, for files
// loaded with from_pretrained and configs passed on with from_config alike: a key the file sets
// keeps its value for every scheduler built from it; a key it leaves out takes the __init__
// default of the class being built (its `_use_default_values` record), so an SD 1.5 PNDM or
// SD 2.1 DDIM file without timestep_spacing gives Euler and DPM-Solver "linspace", DDIM
// "leading". from_json fills left-out keys with the defaults of the file's own class
// (`_class_name`) and lists them in defaulted_keys; for_class (used by make_scheduler) gives
// them the defaults of the class being built. A config made in code has no defaulted keys.
struct SchedulerConfig {
  std::string class_name;  // "_class_name" (EulerDiscreteScheduler, DDIMScheduler, ...)
  int64_t num_train_timesteps = 1000;
  double beta_start = 0.0001;
  double beta_end = 0.02;
  std::string beta_schedule = "linear";  // linear | scaled_linear | squaredcos_cap_v2
  std::vector<double> trained_betas;     // optional; overrides beta_schedule
  std::string prediction_type = "epsilon";   // epsilon | v_prediction | sample
  std::string timestep_spacing = "leading";  // leading | linspace | trailing
  int64_t steps_offset = 0;
  bool set_alpha_to_one = true;
  bool clip_sample = false;
  double clip_sample_range = 1.0;
  bool rescale_betas_zero_snr = false;
  bool use_karras_sigmas = false;
  std::string interpolation_type = "linear";  // linear | log_linear (Euler)
  // Additions beyond the first API draft.
  std::optional<double> sigma_min;           // Karras range; null = the table's ends
  std::optional<double> sigma_max;
  std::string timestep_type = "discrete";    // discrete | continuous (Euler + v_prediction)
  bool thresholding = false;                 // dynamic thresholding: rejected by DDIM
  double sample_max_value = 1.0;
  std::string algorithm_type = "dpmsolver++";  // DPMSolverMultistepScheduler: dpmsolver++ | sde-dpmsolver++
  bool skip_prk_steps = false;               // PNDMScheduler: PLMS only (SD 1.5 sets true)
  // Keys the file left out. To change one of them on a loaded config, call for_class first;
  // make_scheduler would otherwise give it the built class's default again.
  std::set<std::string> defaulted_keys;

  static SchedulerConfig from_json(const JsonConfig& cfg);
  static SchedulerConfig load(const std::filesystem::path& scheduler_config_json);
  // The config a scheduler of diffusers class `scheduler_class` is built with (diffusers
  // `scheduler_class.from_config(this)`): defaulted keys take that class's defaults, class_name
  // becomes it, defaulted_keys is empty. Unknown classes -> partedit::Error.
  SchedulerConfig for_class(const std::string& scheduler_class) const;
  // Throws partedit::Error naming `source` and the key for values no scheduler understands.
  void validate(const std::string& source = "scheduler config") const;
};

struct SchedulerStepOutput {
  at::Tensor prev_sample;           // x at the next (less noisy) timestep, the sample's dtype
  at::Tensor pred_original_sample;  // the step's x0 estimate, the sample's dtype
};

// The training noise schedule: betas and ᾱ (alphas_cumprod), num_train_timesteps entries.
struct NoiseSchedule {
  std::vector<double> betas;
  std::vector<double> alphas_cumprod;

  static NoiseSchedule from_config(const SchedulerConfig& config);
  size_t size() const { return alphas_cumprod.size(); }
  // k-diffusion noise level sqrt((1 - ᾱ_t) / ᾱ_t) of every train timestep, ascending in t.
  std::vector<double> sigmas() const;
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Computes the inference timesteps (and sigmas); resets any multistep state.
  virtual void set_timesteps(int64_t num_inference_steps) = 0;
  // Model timesteps in denoising order (descending); empty before set_timesteps.
  const std::vector<double>& timesteps() const { return timesteps_; }
  int64_t num_inference_steps() const { return num_inference_steps_; }
  virtual double init_noise_sigma() const = 0;
  virtual at::Tensor scale_model_input(const at::Tensor& sample, size_t step_index) const = 0;
  // Step from timesteps()[step_index] to the next; variance_noise is used by stochastic
  // samplers (DDIM eta>0, later DPM-SDE); undefined = none. Any batch, device and float
  // dtype: half/bfloat16 samples are computed in float32 and returned in their own dtype.
  virtual SchedulerStepOutput step(const at::Tensor& model_output, size_t step_index,
                                   const at::Tensor& sample,
                                   const at::Tensor& variance_noise = {}) = 0;
  // Noise `original` to the level of timesteps()[step_index] (img2img / inversion).
  virtual at::Tensor add_noise(const at::Tensor& original, const at::Tensor& noise,
                               size_t step_index) const = 0;
  virtual std::unique_ptr<Scheduler> clone() const = 0;

  const SchedulerConfig& config() const { return config_; }
  const NoiseSchedule& schedule() const { return schedule_; }
  std::string name() const { return name_; }  // "ddim", "euler", "dpmpp-2m", "dpmpp-sde", "pndm"

 protected:
  Scheduler(std::string name, SchedulerConfig config);  // validates, builds the schedule
  // Throws unless set_timesteps ran and step_index < timesteps().size(); `what` names the caller.
  void check_step_index(size_t step_index, const char* what) const;
  // Throws unless `t` is defined and has the sample's shape; `what` names the tensor.
  void check_like_sample(const at::Tensor& t, const at::Tensor& sample, const char* what) const;

  SchedulerConfig config_;
  NoiseSchedule schedule_;
  std::vector<double> timesteps_;
  int64_t num_inference_steps_ = 0;

 private:
  std::string name_;
};

// kind: "ddim" | "euler" | "dpmpp-2m" | "dpmpp-sde" | "pndm" | "" (= from config.class_name, and for
// DPMSolverMultistepScheduler its algorithm_type); unknown -> partedit::Error listing the
// supported kinds. The scheduler gets config.for_class(its class); the constructors take a
// config as given.
std::unique_ptr<Scheduler> make_scheduler(const std::string& kind, const SchedulerConfig& config);
// The diffusers class of a kind ("euler" -> "EulerDiscreteScheduler"); unknown -> Error.
std::string scheduler_class_name(const std::string& kind);
std::vector<std::string> supported_scheduler_kinds();

// ---- Shared host maths (also for DPM-Solver) --------------------------------------------

// The diffusers `timestep_spacing` rule for n inference steps, descending: leading
// (i·(T // n) + steps_offset), linspace (i·(T−1)/(n−1), rounded half-to-even when `integer`),
// trailing (round(T − i·T/n) − 1). DPM-Solver's leading/linspace = this with n + 1, last dropped.
std::vector<double> spaced_timesteps(const SchedulerConfig& config, int64_t num_inference_steps,
                                     bool integer);
// np.interp(x, [0, 1, ..., N−1], table): linear interpolation, clamped at both ends.
std::vector<double> interp_table(const std::vector<double>& x, const std::vector<double>& table);
// Karras et al. 2022 eq. 5: n sigmas from sigma_max down to sigma_min.
std::vector<double> karras_sigmas(double sigma_min, double sigma_max, int64_t n, double rho = 7.0);
// Fractional train timestep of `sigma` by interpolating log sigma (diffusers _sigma_to_t);
// log_sigmas ascending in t.
double sigma_to_timestep(double sigma, const std::vector<double>& log_sigmas);
// The value rounded to float32, as diffusers keeps timesteps and sigmas in float32 arrays.
inline double rounded_to_float32(double v) { return static_cast<double>(static_cast<float>(v)); }
// Float dtype in which a step is computed for this sample (half/bfloat16 -> float32).
at::ScalarType step_compute_dtype(const at::Tensor& sample);

}  // namespace partedit
