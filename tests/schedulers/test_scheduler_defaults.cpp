// Keys a scheduler_config.json leaves out take the defaults of the scheduler being built, as in
// diffusers (from_pretrained and from_config alike): every kind built from the three published
// config styles (SDXL's Euler file, SD 1.5's PNDM file, SD 2.1's DDIM file), with the
// timesteps worked out by hand from diffusers 0.27's set_timesteps formulas.
#include <QtTest>

#include <fstream>

#include <nlohmann/json.hpp>

#include "io/json_config.h"
#include "models/tiny_model.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "runtime/compute.h"
#include "runtime/error.h"
#include "schedulers/scheduler.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_scheduler_defaults {

using namespace partedit;

namespace {

// The scheduler/scheduler_config.json files as published.
// stabilityai/stable-diffusion-xl-base-1.0
const nlohmann::json kSdxlBase = {
    {"_class_name", "EulerDiscreteScheduler"}, {"_diffusers_version", "0.19.0.dev0"},
    {"beta_end", 0.012}, {"beta_schedule", "scaled_linear"}, {"beta_start", 0.00085},
    {"clip_sample", false}, {"interpolation_type", "linear"}, {"num_train_timesteps", 1000},
    {"prediction_type", "epsilon"}, {"sample_max_value", 1.0}, {"set_alpha_to_one", false},
    {"skip_prk_steps", true}, {"steps_offset", 1}, {"timestep_spacing", "leading"},
    {"trained_betas", nullptr}, {"use_karras_sigmas", false}};
// runwayml/stable-diffusion-v1-5
const nlohmann::json kSd15 = {
    {"_class_name", "PNDMScheduler"}, {"_diffusers_version", "0.6.0"}, {"beta_end", 0.012},
    {"beta_schedule", "scaled_linear"}, {"beta_start", 0.00085}, {"num_train_timesteps", 1000},
    {"set_alpha_to_one", false}, {"skip_prk_steps", true}, {"steps_offset", 1},
    {"trained_betas", nullptr}, {"clip_sample", false}};
// stabilityai/stable-diffusion-2-1
const nlohmann::json kSd21 = {
    {"_class_name", "DDIMScheduler"}, {"_diffusers_version", "0.8.0"}, {"beta_end", 0.012},
    {"beta_schedule", "scaled_linear"}, {"beta_start", 0.00085}, {"clip_sample", false},
    {"num_train_timesteps", 1000}, {"prediction_type", "v_prediction"},
    {"set_alpha_to_one", false}, {"skip_prk_steps", true}, {"steps_offset", 1},
    {"trained_betas", nullptr}};

SchedulerConfig parse(const nlohmann::json& file) {
  return SchedulerConfig::from_json(JsonConfig(file, "scheduler/scheduler_config.json"));
}

using Steps = std::vector<double>;

// leading, steps_offset 1 (DDIM; Euler when the file says leading): i·(1000 // n) + 1.
const Steps kLeading10 = {901, 801, 701, 601, 501, 401, 301, 201, 101, 1};
const Steps kLeading50 = {981, 961, 941, 921, 901, 881, 861, 841, 821, 801, 781, 761, 741,
                          721, 701, 681, 661, 641, 621, 601, 581, 561, 541, 521, 501, 481,
                          461, 441, 421, 401, 381, 361, 341, 321, 301, 281, 261, 241, 221,
                          201, 181, 161, 141, 121, 101, 81,  61,  41,  21,  1};
// Euler linspace: linspace(0, 999, n) as float32, not rounded (σ is interpolated between).
const Steps kEulerLinspace10 = {999, 888, 777, 666, 555, 444, 333, 222, 111, 0};
// DPM-Solver leading, offset 1: i·(1000 // (n + 1)) + 1 for i = n .. 1.
const Steps kDpmLeading10 = {901, 811, 721, 631, 541, 451, 361, 271, 181, 91};
const Steps kDpmLeading50 = {951, 932, 913, 894, 875, 856, 837, 818, 799, 780, 761, 742, 723,
                             704, 685, 666, 647, 628, 609, 590, 571, 552, 533, 514, 495, 476,
                             457, 438, 419, 400, 381, 362, 343, 324, 305, 286, 267, 248, 229,
                             210, 191, 172, 153, 134, 115, 96,  77,  58,  39,  20};
// DPM-Solver linspace: round(linspace(0, 999, n + 1)) reversed, the last (0) dropped;
// 5·99.9 and 25·19.98 are 499.5, rounded half to even.
const Steps kDpmLinspace10 = {999, 899, 799, 699, 599, 500, 400, 300, 200, 100};
const Steps kDpmLinspace50 = {999, 979, 959, 939, 919, 899, 879, 859, 839, 819, 799, 779, 759,
                              739, 719, 699, 679, 659, 639, 619, 599, 579, 559, 539, 519, 500,
                              480, 460, 440, 420, 400, 380, 360, 340, 320, 300, 280, 260, 240,
                              220, 200, 180, 160, 140, 120, 100, 80,  60,  40,  20};

std::vector<double> timesteps_of(const std::string& kind, const nlohmann::json& file, int64_t n) {
  auto scheduler = make_scheduler(kind, parse(file));
  scheduler->set_timesteps(n);
  return scheduler->timesteps();
}

// Euler keeps float32 timesteps: a float32 step at 1000 is 6.1e-5, while the other spacings
// differ from these by at least 0.3.
constexpr double kTimestepTolerance = 1e-4;

void verify_timesteps(const std::vector<double>& actual, const Steps& expected, const char* what) {
  QVERIFY2(actual.size() == expected.size(), what);
  for (size_t i = 0; i < expected.size(); ++i) {
    if (std::abs(actual[i] - expected[i]) > kTimestepTolerance)
      QFAIL(qPrintable(QString("%1: timestep %2 is %3, expected %4")
                           .arg(what).arg(i).arg(actual[i], 0, 'g', 10).arg(expected[i], 0, 'g', 10)));
  }
}

}  // namespace

class TestSchedulerDefaults : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void timestepsFollowTheBuiltClassForEachConfigStyle() {
    struct Case {
      const char* what;
      const nlohmann::json* file;
      const char* kind;
      Steps ten, fifty;
    };
    const std::vector<Case> cases = {
        // SDXL's file sets "leading": every kind uses it.
        {"sdxl ddim", &kSdxlBase, "ddim", kLeading10, kLeading50},
        {"sdxl euler", &kSdxlBase, "euler", kLeading10, kLeading50},
        {"sdxl dpmpp-2m", &kSdxlBase, "dpmpp-2m", kDpmLeading10, kDpmLeading50},
        {"sdxl dpmpp-sde", &kSdxlBase, "dpmpp-sde", kDpmLeading10, kDpmLeading50},
        // SD 1.5 / 2.1 files leave it out: DDIM "leading", Euler and DPM-Solver "linspace".
        {"sd15 ddim", &kSd15, "ddim", kLeading10, kLeading50},
        {"sd15 euler", &kSd15, "euler", kEulerLinspace10, {}},
        {"sd15 dpmpp-2m", &kSd15, "dpmpp-2m", kDpmLinspace10, kDpmLinspace50},
        {"sd15 dpmpp-sde", &kSd15, "dpmpp-sde", kDpmLinspace10, kDpmLinspace50},
        {"sd21 ddim", &kSd21, "ddim", kLeading10, kLeading50},
        {"sd21 euler", &kSd21, "euler", kEulerLinspace10, {}},
        {"sd21 dpmpp-2m", &kSd21, "dpmpp-2m", kDpmLinspace10, kDpmLinspace50},
        {"sd21 dpmpp-sde", &kSd21, "dpmpp-sde", kDpmLinspace10, kDpmLinspace50},
    };
    for (const auto& c : cases) {
      verify_timesteps(timesteps_of(c.kind, *c.file, 10), c.ten, c.what);
      if (!c.fifty.empty()) verify_timesteps(timesteps_of(c.kind, *c.file, 50), c.fifty, c.what);
    }
    // Euler, 50 linspace steps: i·999/49 as float32; some entries and the ends.
    for (const auto* file : {&kSd15, &kSd21}) {
      const auto ts = timesteps_of("euler", *file, 50);
      QCOMPARE(ts.size(), size_t(50));
      const std::vector<std::pair<size_t, double>> spots = {
          {0, 999.0}, {1, 978.6122436523438}, {2, 958.2244873046875}, {3, 937.8367309570312},
          {25, 489.3061218261719}, {48, 20.387754440307617}, {49, 0.0}};
      for (const auto& [i, t] : spots) PE_VERIFY_LE(std::abs(ts[i] - t), kTimestepTolerance);
    }
  }

  void resolvedKeysFollowTheBuiltClass() {
    // What each kind reads from each published file: set keys keep the file's value.
    for (const auto* file : {&kSdxlBase, &kSd15, &kSd21}) {
      for (const std::string kind : {"ddim", "euler", "dpmpp-2m", "dpmpp-sde"}) {
        const SchedulerConfig c = make_scheduler(kind, parse(*file))->config();
        const bool sdxl = file == &kSdxlBase;
        QCOMPARE(c.class_name, scheduler_class_name(kind));
        QVERIFY(c.defaulted_keys.empty());
        QCOMPARE(c.timestep_spacing, std::string(sdxl || kind == "ddim" ? "leading" : "linspace"));
        QCOMPARE(c.steps_offset, int64_t(1));
        QVERIFY(!c.clip_sample);
        QVERIFY(!c.set_alpha_to_one);
        QCOMPARE(c.prediction_type, std::string(file == &kSd21 ? "v_prediction" : "epsilon"));
        QCOMPARE(c.beta_schedule, std::string("scaled_linear"));
      }
    }
    // Left-out keys take the built class's defaults, not the file's class's.
    const SchedulerConfig pndm = parse({{"_class_name", "PNDMScheduler"}});
    QVERIFY(!pndm.set_alpha_to_one);  // PNDMScheduler's default
    QVERIFY(pndm.defaulted_keys.count("set_alpha_to_one") && pndm.defaulted_keys.count("timestep_spacing"));
    const SchedulerConfig ddim = make_scheduler("ddim", pndm)->config();
    QVERIFY(ddim.set_alpha_to_one && ddim.clip_sample);  // DDIMScheduler's defaults
    QCOMPARE(ddim.steps_offset, int64_t(0));
    QCOMPARE(ddim.timestep_spacing, std::string("leading"));
    const SchedulerConfig euler_file = parse({{"_class_name", "EulerDiscreteScheduler"}});
    QCOMPARE(euler_file.timestep_spacing, std::string("linspace"));
    QVERIFY(!euler_file.clip_sample);
    const SchedulerConfig from_euler = make_scheduler("ddim", euler_file)->config();
    QCOMPARE(from_euler.timestep_spacing, std::string("leading"));
    QVERIFY(from_euler.clip_sample && from_euler.set_alpha_to_one);
    // A key the file sets is kept even where it equals the file's class default.
    const SchedulerConfig explicit_leading =
        parse({{"_class_name", "DDIMScheduler"}, {"timestep_spacing", "leading"}});
    QCOMPARE(make_scheduler("euler", explicit_leading)->config().timestep_spacing, std::string("leading"));
    // Other keys that vary by class also follow the built class (Euler / DPM-only keys on a DDIM file).
    const SchedulerConfig karras =
        parse({{"_class_name", "EulerDiscreteScheduler"}, {"use_karras_sigmas", true}});
    QVERIFY(make_scheduler("dpmpp-2m", karras)->config().use_karras_sigmas);
  }

  void defaultKindAndChangesAfterForClass() {
    // kind "" is the file's class (SD 1.5's PNDM included); an unknown class says so.
    QCOMPARE(make_scheduler("", parse(kSd21))->name(), std::string("ddim"));
    QCOMPARE(make_scheduler("", parse(kSd21))->config().timestep_spacing, std::string("leading"));
    QCOMPARE(make_scheduler("", parse(kSdxlBase))->name(), std::string("euler"));
    QCOMPARE(make_scheduler("", parse(kSd15))->name(), std::string("pndm"));
    QCOMPARE(make_scheduler("", parse(kSd15))->config().timestep_spacing, std::string("leading"));
    QVERIFY(make_scheduler("", parse(kSd15))->config().skip_prk_steps);
    QVERIFY(!make_scheduler("pndm", parse({{"_class_name", "DDIMScheduler"}}))->config().skip_prk_steps);
    QVERIFY(test::error_of([] { make_scheduler("", parse({{"_class_name", "LMSDiscreteScheduler"}})); })
                .find("LMSDiscreteScheduler") != std::string::npos);
    QVERIFY(test::error_of([] { scheduler_class_name("dpm++"); }).find("ddim") != std::string::npos);
    QVERIFY(test::error_of([] { parse(kSd15).for_class("LMSDiscreteScheduler"); }).find("LMSDiscreteScheduler") !=
            std::string::npos);
    // A field changed after for_class sticks through make_scheduler.
    SchedulerConfig c = parse(kSd15).for_class("DPMSolverMultistepScheduler");
    c.timestep_spacing = "leading";
    auto dpm = make_scheduler("dpmpp-sde", c);
    dpm->set_timesteps(10);
    verify_timesteps(dpm->timesteps(), kDpmLeading10, "sd15 dpmpp-sde, leading set in code");
  }

  void inversionForcesLeadingOnTheBuiltClassDefaults() {
    // LEdits++ inversion: 10 steps, skip 0.15 -> 11 timesteps, "leading" forced whatever the
    // file says: DPM-Solver i·(1000 // 12) + 1 for i = 11 .. 1.
    const InversionSchedule s = make_inversion_schedule(parse(kSd15), "dpmpp-sde", 10, 0.15);
    verify_timesteps(s.scheduler->timesteps(), {914, 831, 748, 665, 582, 499, 416, 333, 250, 167, 84},
                     "sd15 inversion dpmpp-sde");
    // DDIM inversion from a file without set_alpha_to_one: DDIM's default (true), not PNDM's.
    const InversionSchedule d = make_inversion_schedule(parse({{"_class_name", "PNDMScheduler"}}), "ddim", 4, 0.0);
    QVERIFY(d.scheduler->config().set_alpha_to_one);
    QCOMPARE(d.scheduler->config().timestep_spacing, std::string("leading"));
  }

  void eulerOnAnSd15StyleModelFolderUsesLinspace() {
    // What `generate --scheduler euler` builds on an SD 1.5-structured folder whose scheduler
    // file is the published PNDM one.
    test::TempDir dir;
    TinyModelOptions options;
    options.family = "sd15";
    write_tiny_model(options, dir / "sd15");
    std::ofstream(dir / "sd15" / "scheduler" / "scheduler_config.json") << kSd15.dump(2);
    const auto model = DiffusionModel::load(dir / "sd15", ComputeOptions{});
    auto euler = model.make_scheduler("euler");
    QCOMPARE(euler->config().timestep_spacing, std::string("linspace"));
    euler->set_timesteps(10);
    verify_timesteps(euler->timesteps(), kEulerLinspace10, "sd15 folder euler");
    QCOMPARE(model.make_scheduler("ddim")->config().timestep_spacing, std::string("leading"));
    // The tiny SD folders themselves leave timestep_spacing out, as the published files do.
    test::TempDir tiny;
    write_tiny_model(options, tiny / "sd15");
    const auto tiny_config = SchedulerConfig::load(tiny / "sd15" / "scheduler" / "scheduler_config.json");
    QVERIFY(tiny_config.defaulted_keys.count("timestep_spacing"));
    QCOMPARE(make_scheduler("euler", tiny_config)->config().timestep_spacing, std::string("linspace"));
  }
};

PARTEDIT_TEST(TestSchedulerDefaults);
}  // namespace test_scheduler_defaults
#include "test_scheduler_defaults.moc"
