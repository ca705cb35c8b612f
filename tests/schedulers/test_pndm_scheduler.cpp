// PNDM with diffusers 0.27 PNDMScheduler semantics: the timesteps of the published SD 1.5
// file written down from set_timesteps' formulas, the PRK timesteps worked out by hand, and
// whole sampling runs against a scalar re-derivation of the paper's transfer (eq. 9), the
// PLMS start at the repeated timestep, the order 2/3/4 multistep weights and the RK4 groups.
#include <QtTest>

#include <cmath>
#include <functional>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "support/test_registry.h"
#include "io/json_config.h"
#include "runtime/error.h"
#include "schedulers/pndm_scheduler.h"
#include "schedulers/scheduler.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_pndm_scheduler {

using namespace partedit;

namespace {

// runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json as published.
const nlohmann::json kSd15 = {
    {"_class_name", "PNDMScheduler"}, {"_diffusers_version", "0.6.0"}, {"beta_end", 0.012},
    {"beta_schedule", "scaled_linear"}, {"beta_start", 0.00085}, {"num_train_timesteps", 1000},
    {"set_alpha_to_one", false}, {"skip_prk_steps", true}, {"steps_offset", 1},
    {"trained_betas", nullptr}, {"clip_sample", false}};

SchedulerConfig parse(const nlohmann::json& file) {
  return SchedulerConfig::from_json(JsonConfig(file, "scheduler/scheduler_config.json"));
}

std::unique_ptr<Scheduler> pndm(const nlohmann::json& file, int64_t steps) {
  auto s = make_scheduler("", parse(file));
  s->set_timesteps(steps);
  return s;
}

// ---- the scalar re-derivation ------------------------------------------------------------
// ᾱ of SD's scaled_linear schedule, written out: β_i = (√0.00085 + i·(√0.012 − √0.00085)/999)².
std::vector<double> alphas_cumprod() {
  std::vector<double> out(1000);
  double acc = 1.0;
  for (int i = 0; i < 1000; ++i) {
    const double b = std::sqrt(0.00085) + i * (std::sqrt(0.012) - std::sqrt(0.00085)) / 999.0;
    acc *= 1.0 - b * b;
    out[i] = acc;
  }
  return out;
}

struct Reference {
  std::vector<double> ab = alphas_cumprod();
  double final_ab = ab[0];  // set_alpha_to_one false
  bool v_prediction = false;

  double alpha(int t) const { return t >= 0 ? ab[t] : final_ab; }
  // Paper eq. 9 (diffusers _get_prev_sample) for one value; v is turned into ε at t first.
  double transfer(double x, int t, int t_prev, double out) const {
    const double a = alpha(t), ap = alpha(t_prev);
    const double eps = v_prediction ? std::sqrt(a) * out + std::sqrt(1 - a) * x : out;
    return std::sqrt(ap / a) * x - (ap - a) * eps / (a * std::sqrt(1 - ap) + std::sqrt(a * (1 - a) * ap));
  }
};

using Model = std::function<double(double x, int t)>;

// PLMS as the paper's Algorithm 2 with diffusers' start: step 1 from x_T with ε(x_T, T), then
// the same step again with the mean of ε(x_T, T) and ε at the first result (the repeated
// timestep), then Adams–Bashforth of order 2, 3, 4 over the whole-step outputs.
double plms_reference(const Reference& r, double x, const std::vector<int>& ts, int ratio, const Model& model) {
  std::vector<double> ets;
  const double e0 = model(x, ts[0]);
  const double x1 = r.transfer(x, ts[0], ts[0] - ratio, e0);
  const double e1 = model(x1, ts[0] - ratio);
  ets.push_back(e0);
  x = r.transfer(x, ts[0], ts[0] - ratio, (e0 + e1) / 2);
  for (size_t i = 1; i < ts.size(); ++i) {  // the repeated timestep's step is done: go on from ts[1]
    const int t = ts[i];
    ets.push_back(model(x, t));
    const size_t n = ets.size();
    double e;
    if (n == 2) e = (3 * ets[1] - ets[0]) / 2;
    else if (n == 3) e = (23 * ets[2] - 16 * ets[1] + 5 * ets[0]) / 12;
    else e = (55 * ets[n - 1] - 59 * ets[n - 2] + 37 * ets[n - 3] - 9 * ets[n - 4]) / 24;
    x = r.transfer(x, t, t - ratio, e);
  }
  return x;
}

// PNDM: RK4 over three whole steps (the paper's Algorithm 1 "pseudo Runge–Kutta": stages at
// t, t − δ/2, t − δ/2, t − δ, every stage taken from the step's start), then PLMS of order 4.
double pndm_reference(const Reference& r, double x, const std::vector<int>& spaced_desc, int ratio, const Model& model) {
  const int half = ratio / 2;
  std::vector<double> ets;
  size_t i = 0;
  for (; i < 3; ++i) {
    const int t = spaced_desc[i];
    const double k1 = model(x, t);
    const double x1 = r.transfer(x, t, t - half, k1);
    const double k2 = model(x1, t - half);
    const double x2 = r.transfer(x, t, t - half, k2);
    const double k3 = model(x2, t - half);
    const double x3 = r.transfer(x, t, t - ratio, k3);
    const double k4 = model(x3, t - ratio);
    ets.push_back(k1);
    x = r.transfer(x, t, t - ratio, (k1 + 2 * k2 + 2 * k3 + k4) / 6);
  }
  for (; i < spaced_desc.size(); ++i) {
    const int t = spaced_desc[i];
    ets.push_back(model(x, t));
    const size_t n = ets.size();
    const double e = (55 * ets[n - 1] - 59 * ets[n - 2] + 37 * ets[n - 3] - 9 * ets[n - 4]) / 24;
    x = r.transfer(x, t, t - ratio, e);
  }
  return x;
}

// A smooth, timestep-dependent stand-in for the UNet.
double toy_model(double x, int t) { return 0.6 * x + 0.2 * std::sin(3 * x) + 0.0004 * t; }

// Runs the scheduler on a few starting values with toy_model; returns the final samples.
std::vector<double> run(Scheduler& s, const std::vector<double>& start) {
  at::Tensor x = at::tensor(at::ArrayRef<double>(start), at::kDouble).view({1, 1, 1, -1});
  for (size_t i = 0; i < s.timesteps().size(); ++i) {
    const int t = static_cast<int>(s.timesteps()[i]);
    const at::Tensor out = 0.6 * x + 0.2 * at::sin(3 * x) + 0.0004 * t;
    x = s.step(out, i, x).prev_sample;
  }
  const auto flat = x.flatten().contiguous();
  return std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
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

const std::vector<double> kStarts = {-1.3, -0.2, 0.4, 1.7};

}  // namespace

class TestPndmScheduler : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void sd15TimestepsRepeatTheSecond() {
    // leading, steps_offset 1: t_i = i·(1000 // n) + 1, descending, with the second repeated.
    const std::vector<double> ten = {901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1};
    auto s = pndm(kSd15, 10);
    QCOMPARE(s->name(), std::string("pndm"));
    QCOMPARE(s->timesteps(), ten);
    QCOMPARE(s->num_inference_steps(), int64_t(10));
    std::vector<double> fifty = {981, 961};
    for (int t = 961; t >= 1; t -= 20) fifty.push_back(t);
    QCOMPARE(fifty.size(), size_t(51));
    QCOMPARE(pndm(kSd15, 50)->timesteps(), fifty);
    QCOMPARE(pndm(kSd15, 1)->timesteps(), (std::vector<double>{1}));
    QCOMPARE(pndm(kSd15, 2)->timesteps(), (std::vector<double>{501, 1, 1}));
    // Other spacings reuse the shared rule: linspace round(i·999/9), trailing round(1000 − i·100) − 1.
    auto linspace = kSd15;
    linspace["timestep_spacing"] = "linspace";
    QCOMPARE(pndm(linspace, 10)->timesteps(),
             (std::vector<double>{999, 888, 888, 777, 666, 555, 444, 333, 222, 111, 0}));
    auto trailing = kSd15;
    trailing["timestep_spacing"] = "trailing";
    QCOMPARE(pndm(trailing, 10)->timesteps(),
             (std::vector<double>{999, 899, 899, 799, 699, 599, 499, 399, 299, 199, 99}));
  }

  void prkTimestepsWithoutSkip() {
    // _timesteps 0, 100, …, 900 (offset 0). PRK: the last four with their half steps
    // (+50), [600 650 700 750 800 850 900 950] without the last, each twice without the
    // ends, reversed; then PLMS over 600, 500, …, 0.
    auto file = kSd15;
    file["skip_prk_steps"] = false;
    file["steps_offset"] = 0;
    auto s = pndm(file, 10);
    const std::vector<double> expected = {900, 850, 850, 800, 800, 750, 750, 700, 700, 650, 650, 600,
                                          600, 500, 400, 300, 200, 100, 0};
    QCOMPARE(s->timesteps(), expected);
    QCOMPARE(dynamic_cast<PNDMScheduler&>(*s).prk_step_count(), size_t(12));
    QVERIFY(error_of([&] { s->set_timesteps(3); }).contains("at least 4 steps"));
  }

  void plmsMatchesTheScalarDerivation() {
    Reference r;
    for (int steps : {1, 2, 3, 5, 10, 25}) {
      auto s = pndm(kSd15, steps);
      const int ratio = 1000 / steps;
      std::vector<int> ts;
      for (int i = steps - 1; i >= 0; --i) ts.push_back(i * ratio + 1);
      const auto got = run(*s, kStarts);
      for (size_t k = 0; k < kStarts.size(); ++k) {
        double expected = kStarts[k];
        if (steps == 1) {
          expected = r.transfer(expected, ts[0], ts[0] - ratio, toy_model(expected, ts[0]));
        } else {
          expected = plms_reference(r, expected, ts, ratio, toy_model);
        }
        if (std::abs(got[k] - expected) > 1e-12 * std::max(1.0, std::abs(expected)))
          QFAIL(qPrintable(QString("%1 steps, start %2: %3 vs %4").arg(steps).arg(kStarts[k]).arg(got[k], 0, 'g', 17)
                               .arg(expected, 0, 'g', 17)));
      }
    }
  }

  void vPredictionIsTurnedIntoEpsilonAfterCombining() {
    auto file = kSd15;
    file["prediction_type"] = "v_prediction";
    Reference r;
    r.v_prediction = true;
    auto s = pndm(file, 8);
    std::vector<int> ts;
    for (int i = 7; i >= 0; --i) ts.push_back(i * 125 + 1);
    const auto got = run(*s, kStarts);
    for (size_t k = 0; k < kStarts.size(); ++k)
      QVERIFY(std::abs(got[k] - plms_reference(r, kStarts[k], ts, 125, toy_model)) < 1e-12);
  }

  void prkMatchesTheRungeKuttaDerivation() {
    auto file = kSd15;
    file["skip_prk_steps"] = false;
    file["steps_offset"] = 0;
    Reference r;
    auto s = pndm(file, 10);
    std::vector<int> spaced;
    for (int t = 900; t >= 0; t -= 100) spaced.push_back(t);
    const auto got = run(*s, kStarts);
    for (size_t k = 0; k < kStarts.size(); ++k)
      QVERIFY(std::abs(got[k] - pndm_reference(r, kStarts[k], spaced, 100, toy_model)) < 1e-12);
  }

  void stateRestartsAndClonesAndRefusesOutOfOrderSteps() {
    auto s = pndm(kSd15, 6);
    const auto first = run(*s, kStarts);
    s->set_timesteps(6);  // a fresh history
    QCOMPARE(run(*s, kStarts), first);

    // A clone taken mid-run continues exactly as the original.
    s->set_timesteps(6);
    at::Tensor x = at::tensor(at::ArrayRef<double>(kStarts), at::kDouble).view({1, 1, 1, -1});
    for (size_t i = 0; i < 3; ++i) x = s->step(0.5 * x, i, x).prev_sample;
    auto copy = s->clone();
    at::Tensor a = x, b = x;
    for (size_t i = 3; i < s->timesteps().size(); ++i) {
      a = s->step(0.5 * a, i, a).prev_sample;
      b = copy->step(0.5 * b, i, b).prev_sample;
    }
    QVERIFY(at::equal(a, b));

    s->set_timesteps(6);
    QVERIFY(error_of([&] { s->step(x, 1, x); }).contains("in order"));
    QVERIFY(error_of([&] { s->step(x, 7, x); }).contains("out of range"));
    auto sample_file = kSd15;
    sample_file["prediction_type"] = "sample";
    QVERIFY(error_of([&] { pndm(sample_file, 4); }).contains("prediction_type 'sample'"));
  }

  void halfPrecisionStepsInFloat() {
    auto s = pndm(kSd15, 4);
    auto d = pndm(kSd15, 4);
    at::manual_seed(3);
    at::Tensor x = at::randn({2, 4, 3, 3});
    at::Tensor xh = x.to(at::kBFloat16);
    for (size_t i = 0; i < s->timesteps().size(); ++i) {
      xh = s->step(0.3 * xh, i, xh).prev_sample;
      x = d->step(0.3 * x, i, x).prev_sample;
      QCOMPARE(xh.scalar_type(), at::kBFloat16);
    }
    QVERIFY((xh.to(at::kFloat) - x).abs().max().item<double>() < 0.05);
  }

  void addNoiseAtTheStepsTimestep() {
    auto s = pndm(kSd15, 10);
    const auto ab = alphas_cumprod();
    const auto x0 = at::full({1, 4, 2, 2}, 0.5, at::kDouble), noise = at::full({1, 4, 2, 2}, -1.0, at::kDouble);
    const double expected = 0.5 * std::sqrt(ab[801]) - std::sqrt(1 - ab[801]);
    QVERIFY(std::abs(s->add_noise(x0, noise, 2)[0][0][0][0].item<double>() - expected) < 1e-12);
  }
};

PARTEDIT_TEST(TestPndmScheduler);
}  // namespace test_pndm_scheduler
#include "test_pndm_scheduler.moc"
