// DPM-Solver++ 2M (deterministic "dpmpp-2m" and SDE "dpmpp-sde"): timesteps and sigmas of the
// reference case ledits_sdxl_dpm_prompt, DPM's own spacings derived by hand, two steps of each
// variant against the formulas evaluated independently here in double, the final-step order
// rules, v-prediction, the step pieces used by inversion, and the reference's inversion noise
// maps recomputed from its recorded inputs (no UNet involved).
#include <QtTest>

#include <cmath>

#include <ATen/ATen.h>

#include "io/json_config.h"
#include "runtime/error.h"
#include "schedulers/dpm_solver_multistep_scheduler.h"
#include "schedulers/scheduler.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_dpm_solver {

using namespace partedit;

namespace {

SchedulerConfig sdxl_config() {
  SchedulerConfig c = SchedulerConfig::load(test::tiny_sdxl_dir() / "scheduler" / "scheduler_config.json");
  c.timestep_spacing = "leading";  // as LEdits++ forces it (tiny-sdxl already says so)
  return c;
}

// The SDXL training table derived here: scaled_linear betas 0.00085 -> 0.012 over 1000 steps.
std::vector<double> sdxl_train_sigmas() {
  std::vector<double> out(1000);
  double acp = 1.0;
  const double lo = std::sqrt(0.00085), hi = std::sqrt(0.012);
  for (int i = 0; i < 1000; ++i) {
    const double b = lo + (hi - lo) * i / 999.0;
    acp *= 1.0 - b * b;
    out[size_t(i)] = std::sqrt((1.0 - acp) / acp);
  }
  return out;
}

// VP quantities of a k-diffusion sigma, written out independently of the scheduler.
struct Vp {
  double alpha, sigma, lambda;
  explicit Vp(double k) : alpha(1.0 / std::sqrt(1.0 + k * k)), sigma(k / std::sqrt(1.0 + k * k)) {
    lambda = std::log(alpha / sigma);
  }
};

double rel(const at::Tensor& a, const at::Tensor& b) { return test::max_relative_diff(a, b); }

struct Inputs {
  at::Tensor x, eps0, eps1, n0, n1;
};
Inputs inputs() {
  at::manual_seed(11);
  auto r = [] { return at::randn({2, 4, 8, 8}, at::kDouble); };
  Inputs in{r() * 10.0, r(), r(), r(), r()};
  return in;
}

}  // namespace

class TestDpmSolver : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void referenceTimestepsAndSigmas() {
    test::ReferenceCase ref("ledits_sdxl_dpm_prompt");
    QCOMPARE(ref.params().at("invert").at("set_timesteps_called_with").get<int>(), 11);
    DPMSolverMultistepScheduler dpm(sdxl_config(), dpm_solver_options_for_kind("dpmpp-sde"));
    dpm.set_timesteps(11);
    const auto ts = ref.out("scheduler_timesteps");
    std::vector<double> expected;
    for (int64_t i = 0; i < ts.size(0); ++i) expected.push_back(double(ts[i].item<int64_t>()));
    QVERIFY(test::equal_values(dpm.timesteps(), expected));
    // by hand: 1000 // 12 = 83; 83·k + 1 for k = 11 .. 1
    QVERIFY(test::equal_values(dpm.timesteps(), {914, 831, 748, 665, 582, 499, 416, 333, 250, 167, 84}));
    const auto ref_sigmas = ref.out("sigmas").to(at::kDouble);
    QCOMPARE(int64_t(dpm.sigmas().size()), ref_sigmas.size(0));
    const auto ours = at::tensor(at::ArrayRef<double>(dpm.sigmas()), at::kDouble);
    const double err = rel(ours, ref_sigmas);
    int exact = 0;
    for (size_t i = 0; i < dpm.sigmas().size(); ++i) exact += dpm.sigmas()[i] == ref_sigmas[int64_t(i)].item<double>();
    qInfo("sigmas: %d of 12 bit-equal to diffusers' float32 values, max relative error %.3g", exact, err);
    QCOMPARE(exact, 12);
    QCOMPARE(dpm.sigmas().back(), 0.0);
    // the double derivation agrees to float32 cumulative-product rounding (largest at small σ)
    const auto table = sdxl_train_sigmas();
    for (size_t i = 0; i + 1 < dpm.sigmas().size(); ++i)
      QVERIFY(std::abs(dpm.sigmas()[i] - table[size_t(dpm.timesteps()[i])]) <= 1e-4 * table[size_t(dpm.timesteps()[i])]);
  }

  void spacingsByHand() {
    SchedulerConfig c;
    c.timestep_spacing = "linspace";  // round(linspace(0, 999, n + 1)) reversed, last dropped
    DPMSolverMultistepScheduler lin(c);
    lin.set_timesteps(3);  // 0, 333, 666, 999
    QVERIFY(test::equal_values(lin.timesteps(), {999, 666, 333}));
    lin.set_timesteps(4);  // 0, 249.75, 499.5, 749.25, 999 -> 250, 500 (half to even), 749
    QVERIFY(test::equal_values(lin.timesteps(), {999, 749, 500, 250}));
    c.timestep_spacing = "leading";  // (n .. 1)·(1000 // (n + 1)) + offset
    c.steps_offset = 0;
    DPMSolverMultistepScheduler lead(c);
    lead.set_timesteps(3);
    QVERIFY(test::equal_values(lead.timesteps(), {750, 500, 250}));
    c.timestep_spacing = "trailing";  // round(1000 − i·1000/n) − 1
    DPMSolverMultistepScheduler trail(c);
    trail.set_timesteps(3);
    QVERIFY(test::equal_values(trail.timesteps(), {999, 666, 332}));
    QCOMPARE(trail.sigmas().size(), size_t(4));
    QVERIFY(!test::error_of([&] { lead.set_timesteps(1000); }).empty());
    QVERIFY(!test::error_of([&] { lead.set_timesteps(0); }).empty());
  }

  void karrasSigmas() {
    SchedulerConfig c = sdxl_config();
    c.use_karras_sigmas = true;
    DPMSolverMultistepScheduler k(c);
    k.set_timesteps(8);
    const auto table = sdxl_train_sigmas();
    const auto& s = k.sigmas();
    QCOMPARE(s.size(), size_t(9));
    // the whole table's range (not the spaced timesteps' range, unlike Euler)
    QVERIFY(std::abs(s[0] - table[999]) < 1e-5 * table[999]);
    QVERIFY(std::abs(s[7] - table[0]) < 1e-4 * table[0]);
    QCOMPARE(s[8], 0.0);
    const double d0 = std::pow(s[0], 1 / 7.0) - std::pow(s[1], 1 / 7.0);
    for (size_t i = 1; i + 2 < s.size(); ++i)
      QVERIFY(std::abs(std::pow(s[i], 1 / 7.0) - std::pow(s[i + 1], 1 / 7.0) - d0) < 1e-6);
    QCOMPARE(k.timesteps().front(), 999.0);
    QCOMPARE(k.timesteps().back(), 0.0);
    for (size_t i = 0; i + 1 < k.timesteps().size(); ++i) QVERIFY(k.timesteps()[i] > k.timesteps()[i + 1]);
  }

  // Two steps of each variant against DPM-Solver++ (2M) written out by hand in double.
  void twoStepsByHand() {
    for (const std::string kind : {"dpmpp-2m", "dpmpp-sde"}) {
      const bool sde = kind == "dpmpp-sde";
      auto sched = make_scheduler(kind, sdxl_config());
      QCOMPARE(sched->name(), kind);
      sched->set_timesteps(5);
      auto& dpm = dynamic_cast<DPMSolverMultistepScheduler&>(*sched);
      const auto in = inputs();
      const auto& sg = dpm.sigmas();
      const Vp v0(sg[0]), v1(sg[1]), v2(sg[2]);

      // step 0, first order
      const at::Tensor d0 = (in.x - in.eps0 * v0.sigma) / v0.alpha;
      const double h0 = v1.lambda - v0.lambda;
      at::Tensor x1 = sde ? in.x * (v1.sigma / v0.sigma * std::exp(-h0)) + d0 * (v1.alpha * (1 - std::exp(-2 * h0))) +
                                in.n0 * (v1.sigma * std::sqrt(1 - std::exp(-2 * h0)))
                          : in.x * (v1.sigma / v0.sigma) - d0 * (v1.alpha * (std::exp(-h0) - 1));
      QCOMPARE(dpm.sampler_order(0), 1);
      const auto out0 = sched->step(in.eps0, 0, in.x, sde ? in.n0 : at::Tensor());
      const double e0 = rel(out0.prev_sample, x1), e0x = rel(out0.pred_original_sample, d0);

      // step 1, second order (midpoint): D1 = (m0 − m1)/r0, r0 = h_prev/h
      QCOMPARE(dpm.sampler_order(1), 2);
      const at::Tensor m0 = (x1 - in.eps1 * v1.sigma) / v1.alpha;
      const double h = v2.lambda - v1.lambda, r0 = (v1.lambda - v0.lambda) / h;
      const at::Tensor D1 = (m0 - d0) / r0;
      at::Tensor x2 = sde ? x1 * (v2.sigma / v1.sigma * std::exp(-h)) + m0 * (v2.alpha * (1 - std::exp(-2 * h))) +
                                D1 * (0.5 * v2.alpha * (1 - std::exp(-2 * h))) +
                                in.n1 * (v2.sigma * std::sqrt(1 - std::exp(-2 * h)))
                          : x1 * (v2.sigma / v1.sigma) - m0 * (v2.alpha * (std::exp(-h) - 1)) -
                                D1 * (0.5 * v2.alpha * (std::exp(-h) - 1));
      const auto out1 = sched->step(in.eps1, 1, out0.prev_sample, sde ? in.n1 : at::Tensor());
      const double e1 = rel(out1.prev_sample, x2);
      qInfo("%s: step 0 rel err %.3g (x0 %.3g), step 1 (2nd order) rel err %.3g", kind.c_str(), e0, e0x, e1);
      PE_VERIFY_LE(e0, 1e-12);
      PE_VERIFY_LE(e0x, 1e-12);
      PE_VERIFY_LE(e1, 1e-12);
      QCOMPARE(out1.prev_sample.scalar_type(), at::kDouble);
      const double ns = sde ? v2.sigma * std::sqrt(1 - std::exp(-2 * h)) : 0.0;
      QVERIFY(std::abs(dpm.noise_scale(1) - ns) <= 1e-14);
    }
  }

  void finalStepOrders() {
    const auto in = inputs();
    for (int n : {5, 20}) {
      for (const std::string final_type : {"zero", "sigma_min"}) {
        DPMSolverOptions o;
        o.final_sigmas_type = final_type;
        DPMSolverMultistepScheduler dpm(sdxl_config(), o);
        dpm.set_timesteps(n);
        at::Tensor x = in.x;
        for (int i = 0; i + 1 < n; ++i) x = dpm.step(in.eps0 * (1 + 0.01 * i), size_t(i), x).prev_sample;
        const size_t last = size_t(n - 1);
        // lower_order_final: < 15 steps, or the final sigma 0 (second order is undefined there)
        const int expected = (n < 15 || final_type == "zero") ? 1 : 2;
        QCOMPARE(dpm.sampler_order(last), expected);
        const auto out = dpm.step(in.eps1, last, x);
        QVERIFY(at::isfinite(out.prev_sample).all().item<bool>());
        if (final_type == "zero") {  // into σ = 0 the first-order step returns the x0 prediction
          QVERIFY(rel(out.prev_sample, out.pred_original_sample) <= 1e-12);
          QCOMPARE(dpm.noise_scale(last), 0.0);
        } else {
          const double smin = dpm.schedule().sigmas().front();
          QVERIFY(dpm.sigmas().back() > 0 && std::abs(dpm.sigmas().back() - smin) < 1e-4 * smin);
        }
      }
    }
  }

  void vPredictionAndSample() {
    SchedulerConfig c = sdxl_config();
    c.prediction_type = "v_prediction";
    DPMSolverMultistepScheduler dpm(c);
    dpm.set_timesteps(4);
    const auto in = inputs();
    const Vp v(dpm.sigmas()[1]);
    QVERIFY(rel(dpm.convert_model_output(in.eps0, 1, in.x), in.x * v.alpha - in.eps0 * v.sigma) <= 1e-12);
    c.prediction_type = "sample";
    DPMSolverMultistepScheduler s(c);
    s.set_timesteps(4);
    QVERIFY(rel(s.convert_model_output(in.eps0, 1, in.x), in.eps0) == 0.0);
  }

  // The pieces used by inversion: step_mean neither reads nor writes the history, and
  // step() = step_mean(sampler_order) + noise_scale·z followed by set_history.
  void stepPiecesMatchStep() {
    auto a = make_scheduler("dpmpp-sde", sdxl_config());
    auto& dpm = dynamic_cast<DPMSolverMultistepScheduler&>(*a);
    dpm.set_timesteps(6);
    const auto in = inputs();
    const auto x1 = dpm.step(in.eps0, 0, in.x, in.n0).prev_sample;
    const auto prev = dpm.history();
    QVERIFY(dpm.history_step() == std::optional<size_t>(0));
    const auto x0 = dpm.convert_model_output(in.eps1, 1, x1);
    const auto m1 = dpm.step_mean(x0, prev, 1, x1, 2);
    const auto m2 = dpm.step_mean(x0, prev, 1, x1, 2);
    QCOMPARE(rel(m1.mean, m2.mean), 0.0);  // the same call twice: exact
    QVERIFY(dpm.history_step() == std::optional<size_t>(0));
    const auto out = dpm.step(in.eps1, 1, x1, in.n1);
    QVERIFY(rel(out.prev_sample, m1.mean + in.n1 * m1.noise_scale) <= 1e-14);
    QVERIFY(dpm.history_step() == std::optional<size_t>(1));
    // a clone carries the history; reset_history makes the next step first order
    auto copy = a->clone();
    QCOMPARE(dynamic_cast<DPMSolverMultistepScheduler&>(*copy).sampler_order(2), 2);
    dpm.reset_history();
    QCOMPARE(dpm.sampler_order(2), 1);
    // skipping a step also falls back to first order
    dpm.set_history(x0, 1);
    QCOMPARE(dpm.sampler_order(3), 1);
    QVERIFY(!test::error_of([&] { dpm.step_mean(x0, at::Tensor(), 0, x1, 2); }).empty());
  }

  void errors() {
    auto sde = make_scheduler("dpmpp-sde", sdxl_config());
    const auto in = inputs();
    QVERIFY(test::error_of([&] { sde->step(in.eps0, 0, in.x); }).find("before set_timesteps") != std::string::npos);
    sde->set_timesteps(4);
    QVERIFY(test::error_of([&] { sde->step(in.eps0, 0, in.x); }).find("variance_noise") != std::string::npos);
    QVERIFY(test::error_of([&] { sde->step(in.eps0, 4, in.x, in.n0); }).find("out of range") != std::string::npos);
    QVERIFY(!test::error_of([&] { sde->step(in.eps0.slice(0, 0, 1), 0, in.x, in.n0); }).empty());
    SchedulerConfig c = sdxl_config();
    c.thresholding = true;
    QVERIFY(test::error_of([&] { DPMSolverMultistepScheduler bad(c); }).find("thresholding") != std::string::npos);
    DPMSolverOptions o;
    o.algorithm_type = "dpmsolver";
    QVERIFY(!test::error_of([&] { DPMSolverMultistepScheduler bad(sdxl_config(), o); }).empty());
    // the factory: both kinds listed; a DPMSolverMultistepScheduler config gives the kind of
    // its algorithm_type (dpmsolver++ by default); an explicit kind wins over the config
    const auto kinds = supported_scheduler_kinds();
    QVERIFY(std::find(kinds.begin(), kinds.end(), "dpmpp-2m") != kinds.end());
    QVERIFY(std::find(kinds.begin(), kinds.end(), "dpmpp-sde") != kinds.end());
    SchedulerConfig dc = sdxl_config();
    dc.class_name = "DPMSolverMultistepScheduler";
    QCOMPARE(make_scheduler("", dc)->name(), std::string("dpmpp-2m"));
    dc.algorithm_type = "sde-dpmsolver++";
    QCOMPARE(make_scheduler("", dc)->name(), std::string("dpmpp-sde"));
    QCOMPARE(make_scheduler("dpmpp-2m", dc)->name(), std::string("dpmpp-2m"));
    const auto parsed = SchedulerConfig::from_json(JsonConfig(
        {{"_class_name", "DPMSolverMultistepScheduler"}, {"algorithm_type", "sde-dpmsolver++"}}, "scheduler_config.json"));
    QCOMPARE(make_scheduler("", parsed)->name(), std::string("dpmpp-sde"));
    dc.algorithm_type = "dpmsolver";
    QVERIFY(test::error_of([&] { make_scheduler("", dc); }).find("algorithm_type 'dpmsolver'") != std::string::npos);
  }

  // The reference inversion's noise maps from its own recorded inputs: the first step is first
  // order, later ones second order; z = (x_{t−1} − μ)/σ. The last step (into σ = 0, where the
  // reference's second-order mean is not finite) is not compared.
  void referenceInversionNoiseMaps() {
    test::ReferenceCase ref("ledits_sdxl_dpm_prompt");
    DPMSolverMultistepScheduler dpm(sdxl_config(), dpm_solver_options_for_kind("dpmpp-sde"));
    dpm.set_timesteps(11);
    const auto xt = ref.out("xt_in"), xtm1 = ref.out("xtm1_in"), eps = ref.out("noise_pred");
    const auto z_ref = ref.out("z_raw"), corrected = ref.out("xtm1_corrected");
    // x_t: x0 noised independently to each timestep (draw k -> k-th timestep ascending)
    const auto x0 = ref.out("x0"), draws = ref.in("inversion_noise"), xts = ref.out("xts_init");
    double noising = 0;
    for (int64_t k = 0; k < 10; ++k)
      noising = std::max(noising, rel(dpm.add_noise(x0, draws[k], size_t(10 - k)), xts[k + 1]));
    double worst_z = 0, worst_c = 0;
    at::Tensor prev;
    for (int64_t j = 0; j < 9; ++j) {
      const size_t i = size_t(j + 1);  // the skipped first timestep keeps index 0
      const auto x0_pred = dpm.convert_model_output(eps[j], i, xt[j]);
      const auto m = dpm.step_mean(x0_pred, prev, i, xt[j], j == 0 ? 1 : 2);
      const auto z = (xtm1[j] - m.mean) / m.noise_scale;
      worst_z = std::max(worst_z, rel(z, z_ref[j]));
      worst_c = std::max(worst_c, rel(m.mean + z * m.noise_scale, corrected[j]));
      prev = x0_pred;
    }
    QCOMPARE(dpm.noise_scale(10), 0.0);
    QCOMPARE(z_ref[9].abs().max().item<double>(), 0.0);
    qInfo("reference inversion steps 0-8: noise maps max rel err %.3g, corrected latents %.3g, noising %.3g",
          worst_z, worst_c, noising);
    // Elementwise float32 against diffusers' float32: measured 4.0e-7, 2.4e-7, 1.0e-7; bounds
    // ~10-40x (the noise maps divide by the noise scale, which amplifies rounding).
    PE_VERIFY_LE(worst_z, 1e-5);
    PE_VERIFY_LE(worst_c, 5e-6);
    PE_VERIFY_LE(noising, 5e-6);
  }
};

PARTEDIT_TEST(TestDpmSolver);
}  // namespace test_dpm_solver
#include "test_dpm_solver.moc"
