// DDIM and Euler schedulers: the diffusers reference case `schedulers` (tiny-sdxl's SDXL
// scheduler config), hand-derived timestep spacings, prediction types against closed forms,
// stochastic DDIM, dtype/batch handling and config errors.
#include <QtTest>

#include <cmath>
#include <fstream>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "runtime/error.h"
#include "schedulers/ddim_scheduler.h"
#include "schedulers/euler_discrete_scheduler.h"
#include "schedulers/scheduler.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_schedulers {

using namespace partedit;

namespace {

SchedulerConfig sdxl_config() {
  return SchedulerConfig::load(test::tiny_sdxl_dir() / "scheduler" / "scheduler_config.json");
}

at::Tensor doubles(const std::vector<double>& v) {
  return at::tensor(at::ArrayRef<double>(v), at::kDouble);
}

double max_diff(const std::vector<double>& actual, const at::Tensor& reference) {
  return test::max_abs_diff(doubles(actual), reference.to(at::kDouble).flatten());
}

template <typename F>
QString error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// x0 and ε of a synthetic sample, so that steps can be checked against closed forms.
struct Synthetic {
  at::Tensor x0, eps;
};
Synthetic synthetic(int64_t batch = 2) {
  at::manual_seed(7);
  return {at::randn({batch, 4, 8, 8}, at::kDouble), at::randn({batch, 4, 8, 8}, at::kDouble)};
}

}  // namespace

class TestSchedulers : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // ---- reference case `schedulers` (diffusers 0.27.2) -----------------------------------
  void referenceTables() {
    test::ReferenceCase ref("schedulers");
    DDIMScheduler ddim(sdxl_config());
    const double ac_err = max_diff(ddim.schedule().alphas_cumprod, ref.out("ddim.alphas_cumprod"));
    const double final_err =
        std::abs(ddim.final_alpha_cumprod() - ref.out("ddim.final_alpha_cumprod").item<double>());
    qInfo("alphas_cumprod max abs err %.3g, final_alpha_cumprod err %.3g", ac_err, final_err);
    // Host doubles against diffusers' stored float32 tables (values <= 1): measured 4.7e-7 and
    // 2.2e-8, the float32 rounding of the reference; no BLAS involved.
    PE_VERIFY_LE(ac_err, 1e-5);
    PE_VERIFY_LE(final_err, 1e-5);

    EulerDiscreteScheduler euler(sdxl_config());
    for (int64_t n : {50, 10}) {
      const std::string s = std::to_string(n);
      ddim.set_timesteps(n);
      euler.set_timesteps(n);
      const auto ddim_ts = ref.out("ddim.timesteps_" + s).to(at::kDouble);
      const auto euler_ts = ref.out("euler.timesteps_" + s).to(at::kDouble);
      QCOMPARE(max_diff(ddim.timesteps(), ddim_ts), 0.0);
      QCOMPARE(max_diff(euler.timesteps(), euler_ts), 0.0);
      const double sig_err = max_diff(euler.sigmas(), ref.out("euler.sigmas_" + s));
      const double ddim_ins =
          std::abs(ddim.init_noise_sigma() - ref.out("ddim.init_noise_sigma_" + s).item<double>());
      const double euler_ins = std::abs(euler.init_noise_sigma() -
                                        ref.out("euler.init_noise_sigma_" + s).item<double>());
      qInfo("n=%lld: timesteps exact, euler sigmas err %.3g, init_noise_sigma err ddim %.3g "
            "euler %.3g", static_cast<long long>(n), sig_err, ddim_ins, euler_ins);
      // float32 rounding of the reference's sigmas (<= 14.6, ulp 9.5e-7): measured <= 4.0e-6
      PE_VERIFY_LE(sig_err, 1e-5);
      PE_VERIFY_LE(ddim_ins, 1e-6);   // measured 0
      PE_VERIFY_LE(euler_ins, 1e-5);  // measured 4.1e-6
    }
  }

  void referenceSteps() {
    test::ReferenceCase ref("schedulers");
    const auto sample = ref.in("sample");
    const auto model_output = ref.in("model_output");
    for (const std::string kind : {"ddim", "euler"}) {
      for (size_t i : {size_t(3), size_t(9)}) {
        auto sched = make_scheduler(kind, sdxl_config());
        sched->set_timesteps(10);
        const std::string suffix = "_10_" + std::to_string(i);
        const auto scaled = sched->scale_model_input(sample, i);
        const auto out = sched->step(model_output, i, sample);
        const double e_scale = test::max_abs_diff(scaled, ref.out(kind + ".scale_model_input" + suffix));
        const double e_prev = test::max_abs_diff(out.prev_sample, ref.out(kind + ".step_prev_sample" + suffix));
        const double e_x0 = test::max_abs_diff(out.pred_original_sample,
                                               ref.out(kind + ".step_pred_original_sample" + suffix));
        qInfo("%s step %zu: max abs err scale_model_input %.3g, prev_sample %.3g, "
              "pred_original_sample %.3g", kind.c_str(), i, e_scale, e_prev, e_x0);
        QCOMPARE(out.prev_sample.scalar_type(), at::kFloat);
        // elementwise float32 against diffusers: measured <= 6.0e-7, 1.1e-6, 4.8e-6; bounds ~10x
        PE_VERIFY_LE(e_scale, 1e-5);
        PE_VERIFY_LE(e_prev, 1e-5);
        PE_VERIFY_LE(e_x0, 5e-5);
      }
    }
  }

  // ---- timestep spacings derived by hand from the diffusers formulas (T = 1000) -----------
  void ddimSpacings() {
    SchedulerConfig c;
    c.timestep_spacing = "linspace";  // round(linspace(0, 999, n)), half to even
    DDIMScheduler ddim(c);
    ddim.set_timesteps(3);  // 0, 499.5, 999
    QVERIFY(test::equal_values(ddim.timesteps(), {999, 500, 0}));
    ddim.set_timesteps(5);  // 0, 249.75, 499.5, 749.25, 999
    QVERIFY(test::equal_values(ddim.timesteps(), {999, 749, 500, 250, 0}));

    c.timestep_spacing = "trailing";  // round(1000 − i·1000/n) − 1
    DDIMScheduler trailing(c);
    trailing.set_timesteps(3);  // 1000, 666.67, 333.33
    QVERIFY(test::equal_values(trailing.timesteps(), {999, 666, 332}));
    trailing.set_timesteps(16);  // steps of 62.5: 937.5 -> 938, 812.5 -> 812 (half to even)
    QVERIFY(test::equal_values(trailing.timesteps(), {999, 937, 874, 811, 749, 687, 624, 561, 499, 437, 374,
                                          311, 249, 187, 124, 61}));

    c.timestep_spacing = "leading";  // i·(1000 // n) + steps_offset
    c.steps_offset = 0;
    DDIMScheduler leading(c);
    leading.set_timesteps(3);
    QVERIFY(test::equal_values(leading.timesteps(), {666, 333, 0}));
    // diffusers 0.27: the step goes to t − T // n whatever the spacing
    ddim.set_timesteps(3);
    QCOMPARE(ddim.prev_timestep(0), int64_t(666));
    QCOMPARE(ddim.prev_timestep(2), int64_t(-333));
    QCOMPARE(ddim.alpha_cumprod_prev(2), 1.0);  // set_alpha_to_one
  }

  void eulerSpacings() {
    SchedulerConfig c;
    c.timestep_spacing = "linspace";  // fractional linspace(0, 999, n), no rounding
    EulerDiscreteScheduler euler(c);
    euler.set_timesteps(5);
    QVERIFY(test::equal_values(euler.timesteps(), {999, 749.25, 499.5, 249.75, 0}));
    const auto table = euler.schedule().sigmas();
    const auto& s = euler.sigmas();
    QCOMPARE(s.size(), size_t(6));
    QCOMPARE(s[5], 0.0);
    QVERIFY(std::abs(s[0] - table[999]) < 1e-12);
    QVERIFY(std::abs(s[1] - (0.75 * table[749] + 0.25 * table[750])) < 1e-12);
    QVERIFY(std::abs(s[2] - 0.5 * (table[499] + table[500])) < 1e-12);
    QVERIFY(std::abs(s[4] - table[0]) < 1e-12);
    QCOMPARE(euler.init_noise_sigma(), s[0]);  // linspace: max σ itself

    c.timestep_spacing = "trailing";
    EulerDiscreteScheduler trailing(c);
    trailing.set_timesteps(3);
    QVERIFY(test::equal_values(trailing.timesteps(), {999, 666, 332}));
    QCOMPARE(trailing.init_noise_sigma(), trailing.sigmas()[0]);

    c.timestep_spacing = "leading";
    c.steps_offset = 1;
    EulerDiscreteScheduler leading(c);
    leading.set_timesteps(4);  // 1000 // 4 = 250
    QVERIFY(test::equal_values(leading.timesteps(), {751, 501, 251, 1}));
    const double top = leading.schedule().sigmas()[751];
    QVERIFY(std::abs(leading.init_noise_sigma() - std::sqrt(top * top + 1.0)) < 1e-12);
  }

  void eulerKarrasAndLogLinear() {
    SchedulerConfig c = sdxl_config();
    c.use_karras_sigmas = true;
    EulerDiscreteScheduler karras(c);
    karras.set_timesteps(10);
    const auto table = karras.schedule().sigmas();
    const auto& s = karras.sigmas();
    const auto& ts = karras.timesteps();
    QCOMPARE(s.size(), size_t(11));
    QVERIFY(std::abs(s[0] - table[901]) < 1e-9 && std::abs(s[9] - table[1]) < 1e-9);
    for (size_t i = 0; i + 1 < s.size(); ++i) QVERIFY(s[i] > s[i + 1]);
    // ρ = 7: σ_i^(1/7) is linear in i
    const double d0 = std::pow(s[0], 1 / 7.0) - std::pow(s[1], 1 / 7.0);
    for (size_t i = 1; i + 2 < s.size(); ++i)
      QVERIFY(std::abs(std::pow(s[i], 1 / 7.0) - std::pow(s[i + 1], 1 / 7.0) - d0) < 1e-12);
    QVERIFY(std::abs(ts[0] - 901) < 1e-3 && std::abs(ts[9] - 1) < 1e-3);
    // a fractional timestep maps back to its σ by log-linear interpolation
    const double t = ts[5];
    const auto lo = static_cast<size_t>(std::floor(t));
    const double w = t - std::floor(t);
    const double log_sigma = (1 - w) * std::log(table[lo]) + w * std::log(table[lo + 1]);
    QVERIFY(std::abs(log_sigma - std::log(s[5])) < 1e-5);

    c.use_karras_sigmas = false;
    c.interpolation_type = "log_linear";  // diffusers: n + 1 log-spaced σ, then 0
    EulerDiscreteScheduler loglin(c);
    loglin.set_timesteps(4);
    const auto& l = loglin.sigmas();
    QCOMPARE(l.size(), size_t(6));
    QVERIFY(std::abs(l[0] - table[999]) < 1e-9 && std::abs(l[4] - table[0]) < 1e-12);
    QVERIFY(std::abs(std::log(l[1]) - (0.75 * std::log(table[999]) + 0.25 * std::log(table[0]))) < 1e-12);
  }

  // ---- steps against closed forms --------------------------------------------------------
  void ddimVPredictionMatchesClosedForm() {
    SchedulerConfig c = sdxl_config();
    c.prediction_type = "v_prediction";
    DDIMScheduler ddim(c);
    ddim.set_timesteps(10);
    const auto& ac = ddim.schedule().alphas_cumprod;
    const Synthetic syn = synthetic();
    const at::Tensor &x0 = syn.x0, &eps = syn.eps;
    for (size_t i : {size_t(0), size_t(4), size_t(9)}) {
      const auto t = static_cast<size_t>(ddim.timesteps()[i]);
      const int64_t prev = static_cast<int64_t>(t) - 100;
      const double a = ac[t], a_prev = prev >= 0 ? ac[static_cast<size_t>(prev)] : ac[0];
      const auto x_t = std::sqrt(a) * x0 + std::sqrt(1 - a) * eps;
      const auto v = std::sqrt(a) * eps - std::sqrt(1 - a) * x0;  // Salimans & Ho 2022
      const auto out = ddim.step(v, i, x_t);
      const auto expected = std::sqrt(a_prev) * x0 + std::sqrt(1 - a_prev) * eps;
      const double e_prev = test::max_abs_diff(out.prev_sample, expected);
      const double e_x0 = test::max_abs_diff(out.pred_original_sample, x0);
      qInfo("ddim v_prediction step %zu: err prev %.3g, x0 %.3g", i, e_prev, e_x0);
      PE_VERIFY_LE(e_prev, 1e-12);
      PE_VERIFY_LE(e_x0, 1e-12);
    }
  }

  void eulerVPredictionMatchesClosedForm() {
    SchedulerConfig c = sdxl_config();
    c.prediction_type = "v_prediction";
    EulerDiscreteScheduler euler(c);
    euler.set_timesteps(10);
    const Synthetic syn = synthetic();
    const at::Tensor &x0 = syn.x0, &eps = syn.eps;
    for (size_t i : {size_t(0), size_t(4), size_t(9)}) {
      const double s = euler.sigmas()[i], s_next = euler.sigmas()[i + 1];
      // VE sample x = x0 + σ·ε; the model sees the VP sample x/sqrt(σ²+1) with α = 1/sqrt(σ²+1)
      const double alpha = 1 / std::sqrt(s * s + 1), sig_vp = s / std::sqrt(s * s + 1);
      const auto x = x0 + s * eps;
      const auto v = alpha * eps - sig_vp * x0;
      const auto out = euler.step(v, i, x);
      // the exact denoiser makes the ODE straight: x_next = x0 + σ_next·ε
      const double e_prev = test::max_abs_diff(out.prev_sample, x0 + s_next * eps);
      const double e_x0 = test::max_abs_diff(out.pred_original_sample, x0);
      const double e_in = test::max_abs_diff(euler.scale_model_input(x, i), alpha * x0 + sig_vp * eps);
      qInfo("euler v_prediction step %zu: err prev %.3g, x0 %.3g, scaled input %.3g", i, e_prev,
            e_x0, e_in);
      PE_VERIFY_LE(e_prev, 1e-12);
      PE_VERIFY_LE(e_x0, 1e-12);
      PE_VERIFY_LE(e_in, 1e-12);
    }
  }

  void eulerSamplePredictionAndContinuousTimesteps() {
    SchedulerConfig c = sdxl_config();
    c.prediction_type = "sample";
    EulerDiscreteScheduler euler(c);
    euler.set_timesteps(10);
    const Synthetic syn = synthetic();
    const at::Tensor &x0 = syn.x0, &eps = syn.eps;
    const double s = euler.sigmas()[6], s_next = euler.sigmas()[7];
    const auto out = euler.step(x0, 6, x0 + s * eps);
    PE_VERIFY_LE(test::max_abs_diff(out.prev_sample, x0 + s_next * eps), 1e-12);

    c.prediction_type = "v_prediction";
    c.timestep_type = "continuous";  // the model's timestep is 0.25·log σ
    EulerDiscreteScheduler continuous(c);
    continuous.set_timesteps(10);
    for (size_t i = 0; i < 10; ++i)
      QVERIFY(std::abs(continuous.timesteps()[i] - 0.25 * std::log(continuous.sigmas()[i])) < 1e-6);
  }

  void ddimEtaOneUsesGivenNoise() {
    DDIMScheduler ddim(sdxl_config(), /*eta=*/1.0);
    ddim.set_timesteps(10);
    const auto& ac = ddim.schedule().alphas_cumprod;
    const Synthetic syn = synthetic();
    const at::Tensor &x0 = syn.x0, &eps = syn.eps;
    const auto z = at::randn_like(x0);
    for (size_t i : {size_t(2), size_t(9)}) {
      const auto t = static_cast<size_t>(ddim.timesteps()[i]);
      const int64_t prev = static_cast<int64_t>(t) - 100;
      const double a = ac[t], a_prev = prev >= 0 ? ac[static_cast<size_t>(prev)] : ac[0];
      // DDIM eq. 16 with η = 1
      const double sigma = std::sqrt((1 - a_prev) / (1 - a)) * std::sqrt(1 - a / a_prev);
      const auto x_t = std::sqrt(a) * x0 + std::sqrt(1 - a) * eps;
      const auto out = ddim.step(eps, i, x_t, z);
      const auto expected =
          std::sqrt(a_prev) * x0 + std::sqrt(1 - a_prev - sigma * sigma) * eps + sigma * z;
      const double err = test::max_abs_diff(out.prev_sample, expected);
      qInfo("ddim eta=1 step %zu: sigma %.6g, err %.3g", i, sigma, err);
      PE_VERIFY_LE(err, 1e-12);
    }
    const QString msg = error_of([&] { ddim.step(eps, 0, x0); });
    QVERIFY2(msg.contains("variance_noise"), qPrintable(msg));
    QVERIFY(!error_of([&] { ddim.step(eps, 0, x0, z.narrow(0, 0, 1)); }).isEmpty());
    QVERIFY(error_of([&] { ddim.set_eta(-1.0); }).contains("eta"));
  }

  void ddimSamplePredictionAndClipping() {
    SchedulerConfig c = sdxl_config();
    c.prediction_type = "sample";
    c.clip_sample = true;
    c.clip_sample_range = 0.5;
    DDIMScheduler ddim(c);
    ddim.set_timesteps(10);
    const Synthetic syn = synthetic();
    const at::Tensor &x0 = syn.x0, &eps = syn.eps;
    const auto out = ddim.step(x0, 3, x0 + eps);
    QCOMPARE(test::max_abs_diff(out.pred_original_sample, x0.clamp(-0.5, 0.5)), 0.0);  // the prediction itself, clamped: exact
  }

  void addNoiseAgreesAcrossSchedulers() {
    const Synthetic syn = synthetic();
    const at::Tensor &x0 = syn.x0, &eps = syn.eps;
    DDIMScheduler ddim(sdxl_config());
    EulerDiscreteScheduler euler(sdxl_config());
    ddim.set_timesteps(10);
    euler.set_timesteps(10);
    for (size_t i : {size_t(0), size_t(5), size_t(9)}) {
      QCOMPARE(ddim.timesteps()[i], euler.timesteps()[i]);
      const double a = ddim.alpha_cumprod_t(i);
      const auto vp = ddim.add_noise(x0, eps, i);
      const double e_vp = test::max_abs_diff(vp, std::sqrt(a) * x0 + std::sqrt(1 - a) * eps);
      // Euler's VE sample, scaled as the model sees it, is DDIM's VP sample
      const double e_ve = test::max_abs_diff(euler.scale_model_input(euler.add_noise(x0, eps, i), i), vp);
      qInfo("add_noise step %zu: ddim err %.3g, euler scaled vs ddim %.3g", i, e_vp, e_ve);
      PE_VERIFY_LE(e_vp, 1e-12);
      PE_VERIFY_LE(e_ve, 1e-12);
    }
  }

  // ---- dtypes, batches, devices, state -----------------------------------------------------
  void halfSamplesAndBatches() {
    test::ReferenceCase ref("schedulers");
    const auto sample = at::cat({ref.in("sample"), ref.in("sample") * 0.5});
    const auto model_output = at::cat({ref.in("model_output"), ref.in("model_output")});
    for (const std::string kind : {"ddim", "euler"}) {
      auto sched = make_scheduler(kind, sdxl_config());
      sched->set_timesteps(10);
      const auto full = sched->step(model_output, 3, sample);
      const auto single = sched->step(model_output.narrow(0, 0, 1), 3, sample.narrow(0, 0, 1));
      QCOMPARE(full.prev_sample.size(0), int64_t(2));
      // elementwise on another tensor size: the same arithmetic per element (measured 0), but
      // vectorised loops and scalar tails may differ by an ulp; a wrong row is off by ~1
      PE_VERIFY_LE(test::max_abs_diff(full.prev_sample.narrow(0, 0, 1), single.prev_sample), 1e-6);
      const auto half = sched->step(model_output.to(at::kHalf), 3, sample.to(at::kHalf));
      QCOMPARE(half.prev_sample.scalar_type(), at::kHalf);
      QCOMPARE(half.pred_original_sample.scalar_type(), at::kHalf);
      const double rel = test::max_relative_diff(half.prev_sample.to(at::kFloat), full.prev_sample);
      qInfo("%s half-precision step: relative err %.3g vs float32", kind.c_str(), rel);
      PE_VERIFY_LE(rel, 5e-3);  // measured 5.4e-4: float16 has 11 significant bits
    }
  }

  void cudaSamplesStayOnDevice() {
    if (!at::hasCUDA()) QSKIP("no CUDA device");
    test::ReferenceCase ref("schedulers");
    for (const std::string kind : {"ddim", "euler"}) {
      auto sched = make_scheduler(kind, sdxl_config());
      sched->set_timesteps(10);
      const auto cpu = sched->step(ref.in("model_output"), 3, ref.in("sample"));
      const auto gpu = sched->step(ref.in("model_output").cuda(), 3, ref.in("sample").cuda());
      QVERIFY(gpu.prev_sample.is_cuda());
      PE_VERIFY_LE(test::max_abs_diff(gpu.prev_sample.cpu(), cpu.prev_sample), 1e-5);
    }
  }

  void cloneIsIndependent() {
    DDIMScheduler ddim(sdxl_config(), 0.5);
    ddim.set_timesteps(10);
    auto copy = ddim.clone();
    ddim.set_timesteps(50);
    QCOMPARE(copy->timesteps().size(), size_t(10));
    QCOMPARE(copy->name(), std::string("ddim"));
    QCOMPARE(dynamic_cast<DDIMScheduler&>(*copy).eta(), 0.5);
  }

  void misuseIsReported() {
    EulerDiscreteScheduler euler(sdxl_config());
    const auto x = at::zeros({1, 4, 2, 2});
    QVERIFY(error_of([&] { euler.step(x, 0, x); }).contains("set_timesteps"));
    euler.set_timesteps(10);
    QVERIFY(error_of([&] { euler.step(x, 10, x); }).contains("out of range"));
    QVERIFY(error_of([&] { euler.step(at::zeros({1, 4, 2, 3}), 0, x); }).contains("shape"));
    QVERIFY(!error_of([&] { euler.set_timesteps(0); }).isEmpty());
    QVERIFY(!error_of([&] { euler.set_timesteps(1001); }).isEmpty());
  }

  // ---- config and factory ------------------------------------------------------------------
  void factoryKinds() {
    SchedulerConfig c = sdxl_config();
    QCOMPARE(c.class_name, std::string("EulerDiscreteScheduler"));
    QCOMPARE(make_scheduler("", c)->name(), std::string("euler"));
    QCOMPARE(make_scheduler("ddim", c)->name(), std::string("ddim"));
    const QString msg = error_of([&] { make_scheduler("dpm++", c); });
    qInfo("%s", qPrintable(msg));
    QVERIFY(msg.contains("dpm++") && msg.contains("ddim") && msg.contains("euler"));
    c.class_name = "PNDMScheduler";
    QCOMPARE(make_scheduler("", c)->name(), std::string("pndm"));
    c.class_name = "HeunDiscreteScheduler";
    QVERIFY(error_of([&] { make_scheduler("", c); }).contains("HeunDiscreteScheduler"));
  }

  void configDefaultsAndErrors() {
    test::TempDir dir;
    const auto path = dir / "scheduler_config.json";
    auto write = [&](const std::string& text) { std::ofstream(path) << text; };

    write(R"({"_class_name": "DDIMScheduler", "beta_schedule": "scaled_linear"})");
    auto ddim = SchedulerConfig::load(path);
    QVERIFY(ddim.clip_sample);  // DDIMScheduler default
    QCOMPARE(ddim.timestep_spacing, std::string("leading"));
    write(R"({"_class_name": "EulerDiscreteScheduler", "sigma_min": null})");
    auto euler = SchedulerConfig::load(path);
    QVERIFY(!euler.clip_sample);
    QCOMPARE(euler.timestep_spacing, std::string("linspace"));  // Euler default
    QVERIFY(!euler.sigma_min.has_value());

    write(R"({"_class_name": "DDIMScheduler", "beta_schedule": "quadratic"})");
    QString msg = error_of([&] { SchedulerConfig::load(path); });
    qInfo("%s", qPrintable(msg));
    QVERIFY(msg.contains("beta_schedule") && msg.contains("quadratic") &&
            msg.contains("scheduler_config.json"));
    write(R"({"timestep_spacing": "uniform"})");
    QVERIFY(error_of([&] { SchedulerConfig::load(path); }).contains("timestep_spacing"));
    write(R"({"trained_betas": [0.1, 0.2]})");
    QVERIFY(error_of([&] { SchedulerConfig::load(path); }).contains("trained_betas"));
    write(R"({"num_train_timesteps": "many"})");
    QVERIFY(error_of([&] { SchedulerConfig::load(path); }).contains("num_train_timesteps"));
    SchedulerConfig in_code;
    in_code.prediction_type = "flow";
    QVERIFY(error_of([&] { make_scheduler("euler", in_code); }).contains("prediction_type"));
  }

  void otherBetaSchedules() {
    SchedulerConfig c;
    c.beta_schedule = "squaredcos_cap_v2";
    NoiseSchedule cosine = NoiseSchedule::from_config(c);
    // ᾱ_t = f(t+1)/f(0) with f(u) = cos²((u/T + 0.008)/1.008 · π/2) while no beta is capped
    const double pi = std::acos(-1.0);
    auto f = [&](double u) { return std::pow(std::cos((u / 1000 + 0.008) / 1.008 * pi / 2), 2); };
    QVERIFY(std::abs(cosine.alphas_cumprod[499] - f(500) / f(0)) < 1e-12);
    QCOMPARE(cosine.betas.back(), 0.999);

    c = sdxl_config();
    c.rescale_betas_zero_snr = true;
    NoiseSchedule zsnr = NoiseSchedule::from_config(c);
    NoiseSchedule plain = NoiseSchedule::from_config(sdxl_config());
    QVERIFY(std::abs(zsnr.alphas_cumprod[0] - plain.alphas_cumprod[0]) < 1e-15);
    QVERIFY(std::abs(zsnr.alphas_cumprod.back()) < 1e-15);
    EulerDiscreteScheduler euler(c);  // Euler caps the top σ via ᾱ_T = 2⁻²⁴
    QVERIFY(std::abs(euler.schedule().sigmas().back() - std::sqrt((1 - 0x1p-24) / 0x1p-24)) < 1e-6);
  }
};

PARTEDIT_TEST(TestSchedulers);
}  // namespace test_schedulers
#include "test_schedulers.moc"
