// LEdits++ inversion on tiny-sdxl against diffusers' LEditsPPPipelineStableDiffusionXL
// (reference case ledits_sdxl_dpm_prompt), exact replay of inversions (dpmpp-sde and ddim,
// with and without a prompt), the sampler step against the reference's reconstruction,
// inversion files (round trip, another model, another size), progress, cancellation and bad input.
#include <QtTest>

#include <optional>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "models/tiny_model.h"
#include "pipeline/diffusion_model.h"
#include "pipeline/inversion.h"
#include "pipeline/text_to_image.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_ledits_inversion {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

at::Tensor reference_image(const test::ReferenceCase& ref) {
  return ref.in("image_u8").to(at::kFloat).div(255.0).permute({2, 0, 1}).contiguous();  // [3, 128, 128]
}

InvertRequest reference_request(const test::ReferenceCase& ref) {
  const auto& p = ref.params().at("invert");
  InvertRequest r;
  r.image = reference_image(ref);
  r.prompt = p.at("source_prompt").get<std::string>();
  r.guidance = p.at("source_guidance_scale").get<double>();
  r.steps = p.at("num_inversion_steps").get<int>();
  r.skip = p.at("skip").get<double>();
  r.zero_noise_steps = p.at("num_zero_noise_steps").get<int>();
  r.scheduler = "dpmpp-sde";
  r.noise = ref.in("inversion_noise");
  return r;
}

bool error_contains(const std::function<void()>& f, const std::string& text) {
  const std::string e = test::error_of(f);
  if (e.find(text) == std::string::npos) {
    qWarning() << "expected" << QString::fromStdString(text) << "in:" << QString::fromStdString(e);
    return false;
  }
  return true;
}

}  // namespace

class TestLeditsInversion : public QObject {
  Q_OBJECT
 private:
  std::optional<DiffusionModel> model_;
  std::optional<test::ReferenceCase> ref_;

 private Q_SLOTS:
  void initTestCase() {
    model_.emplace(DiffusionModel::load(test::tiny_sdxl_dir(), ComputeOptions{}));
    ref_.emplace("ledits_sdxl_dpm_prompt");
  }

  void matchesDiffusersReference() {
    const auto& ref = *ref_;
    InvertRequest request = reference_request(ref);
    std::vector<int> seen;
    const Inversion inv = invert(*model_, request, [&](const InvertProgress& p) {
      QCOMPARE(p.total, 10);
      seen.push_back(p.step);
    });
    QCOMPARE(int(seen.size()), 10);
    QCOMPARE(seen.back(), 10);
    QCOMPARE(inv.total_steps, 11);

    // timesteps exact; x0, the noised x_T, every corrected latent and the noise maps
    const auto ref_ts = ref.out("inversion_timesteps");
    QVERIFY(at::equal(inv.timesteps, ref_ts));  // integer timesteps: exact on any machine
    const double e_x0 = test::max_relative_diff(inv.x0, ref.out("x0"));
    const double e_init = test::max_relative_diff(inv.xts[10], ref.out("init_latents"));
    const auto corrected = ref.out("xtm1_corrected");  // loop step j wrote xts[9 − j]
    double e_xts = 0;
    for (int j = 0; j < 9; ++j) e_xts = std::max(e_xts, test::max_relative_diff(inv.xts[9 - j], corrected[j]));
    const double e_zs = test::max_relative_diff(inv.zs, ref.out("zs"));
    const double e_xt_in = test::max_relative_diff(inv.xts.slice(0, 1).flip(0), ref.out("xt_in"));
    qInfo("x0 rel err %.3g, x_T %.3g, corrected latents %.3g, step inputs %.3g, noise maps (last 3 zeroed) %.3g",
          e_x0, e_init, e_xts, e_xt_in, e_zs);
    // Bounds: measured here (AMD EPYC; OpenBLAS Haswell/SkylakeX/generic; 1-2 threads) times ~10.
    PE_VERIFY_LE(e_x0, 2e-5);     // measured 2.4e-6
    PE_VERIFY_LE(e_init, 2e-6);   // measured 1.3e-7
    PE_VERIFY_LE(e_xts, 5e-6);    // measured 3.2e-7
    PE_VERIFY_LE(e_xt_in, 5e-6);  // measured 2.3e-7
    PE_VERIFY_LE(e_zs, 2e-5);     // measured 2.1e-6
    QCOMPARE(inv.zs.slice(0, 7).abs().max().item<double>(), 0.0);  // set to zero: exact

    // without zeroing: the raw maps of steps 0-8; step 9 goes to sigma 0, where the reference
    // stores 0 and we store the residual x0 − μ (replayed with weight 1)
    request.zero_noise_steps = 0;
    const Inversion raw = invert(*model_, request);
    const double e_raw = test::max_relative_diff(raw.zs.slice(0, 0, 9), ref.out("z_raw").slice(0, 0, 9));
    qInfo("raw noise maps (steps 0-8) rel err %.3g; last-step residual max |x0 - mu| %.3g", e_raw,
          raw.zs[9].abs().max().item<double>());
    PE_VERIFY_LE(e_raw, 3e-5);  // measured 2.6e-6; bound ~10x
    QVERIFY(at::equal(raw.xts[0], raw.x0));  // a copy
  }

  void seedDrawsFollowTheReferenceOrder() {
    // The reference's draws are torch.Generator().manual_seed(0) randn calls in increasing t.
    const auto draws = ref_->in("inversion_noise");
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(0);
    // Not bit-exact: the draws were made by Python on another machine, and LibTorch's
    // Box-Muller uses vectorised log/sin/cos on AVX2 and scalar ones elsewhere (1 ulp apart).
    // Values |x| < 5: 1e-5 covers any ulp difference; another seed or order differs by ~1.
    for (int64_t k = 0; k < draws.size(0); ++k)
      PE_VERIFY_LE(test::max_abs_diff(at::randn({1, 4, 16, 16}, g, at::TensorOptions().dtype(at::kFloat)), draws[k]),
                   1e-5);
    InvertRequest with_noise = reference_request(*ref_);
    with_noise.steps = 3;
    with_noise.noise = draws.slice(0, 0, 3);
    InvertRequest with_seed = with_noise;
    with_seed.noise = at::Tensor();
    with_seed.seed = 0;
    const auto a = invert(*model_, with_noise), b = invert(*model_, with_seed);
    QVERIFY(at::equal(a.zs, b.zs));  // the same noise values, the same computation: exact
    QVERIFY(b.noise_from_seed && !a.noise_from_seed);
  }

  // Our sampler step, replaying the reference's own noise maps with the unconditional
  // prediction, gives the reference's reconstruction (lower_order_final at its last step).
  void samplerStepMatchesReferenceReconstruction() {
    const auto& ref = *ref_;
    InversionSchedule sched = make_inversion_schedule(model_->scheduler_config(), "dpmpp-sde", 10, 0.15);
    const SourceConditioning uncond = source_conditioning(*model_, "", 3.5, 128, 128);
    QVERIFY(!uncond.cfg);
    QCOMPARE(uncond.text.embeds.abs().max().item<double>(), 0.0);  // force_zeros_for_empty_prompt
    InferenceGuard guard;
    at::Tensor x = ref.out("init_latents");
    const auto zs = ref.out("zs"), expected = ref.out("recon_step_latents");
    double worst = 0;
    for (int i = 0; i < 10; ++i) {
      const auto eps = predict_source_noise(*model_, uncond, x, sched.timestep(i));
      x = sched.step(eps, i, x, zs[i]);
      worst = std::max(worst, test::max_relative_diff(x, expected[i]));
    }
    const double final_err = test::max_relative_diff(x, ref.out("recon_latents"));
    qInfo("reference reconstruction (uncond replay): worst step rel err %.3g, final %.3g", worst, final_err);
    PE_VERIFY_LE(worst, 1e-5);      // measured 1.3e-6; bound ~10x
    PE_VERIFY_LE(final_err, 1e-5);  // measured 1.2e-6
  }

  void replayIsExact_data() {
    QTest::addColumn<QString>("scheduler");
    QTest::addColumn<QString>("prompt");
    for (const char* s : {"dpmpp-sde", "ddim"}) {
      QTest::newRow((std::string(s) + " prompt").c_str()) << QString(s) << QString("a photo of a cat in a park");
      QTest::newRow((std::string(s) + " empty").c_str()) << QString(s) << QString();
    }
  }
  void replayIsExact() {
    QFETCH(QString, scheduler);
    QFETCH(QString, prompt);
    InvertRequest r = reference_request(*ref_);
    r.scheduler = scheduler.toStdString();
    r.prompt = prompt.toStdString();
    r.zero_noise_steps = 0;
    const Inversion inv = invert(*model_, r);
    const Reconstruction rec = reconstruct(*model_, inv);
    double worst_step = 0;
    for (int i = 0; i < inv.steps; ++i)
      worst_step = std::max(worst_step, test::max_relative_diff(rec.step_latents[i], inv.xts[inv.steps - 1 - i]));
    const double e = test::max_relative_diff(rec.latents, inv.x0);
    const double image_err = test::max_abs_diff(rec.image, ref_->out("vae_reconstruction")[0]);
    qInfo("%s, %s: replay final latents rel err vs x0 %.3g, worst step vs inverted latents %.3g, image vs VAE "
          "reconstruction %.3g",
          qPrintable(scheduler), prompt.isEmpty() ? "empty prompt" : "prompt", e, worst_step, image_err);
    // Bounds: measured over the four rows times ~10.
    PE_VERIFY_LE(e, 1e-5);           // measured 6.3e-7 (relative to max |x0|)
    PE_VERIFY_LE(worst_step, 1e-5);  // measured 6.3e-7
    PE_VERIFY_LE(image_err, 5e-5);   // measured 6.6e-6 (pixels in [0, 1])
    // the zeroed final maps are what makes the reference's reconstruction inexact
    r.zero_noise_steps = 3;
    const Reconstruction zeroed = reconstruct(*model_, invert(*model_, r), false);
    const double e_zeroed = test::max_relative_diff(zeroed.latents, inv.x0);
    qInfo("  with 3 zero-noise steps: rel err vs x0 %.3g", e_zeroed);
    QVERIFY(e_zeroed > 1e-3);
  }

  // SD 1.5 (no pooled embeds; the blank prompt is the encoding of "") and SD 2.1
  // (v_prediction) tiny models: the replay is exact there too.
  void replayIsExactOnSdFamilies() {
    test::TempDir dir;
    for (const std::string family : {"sd15", "sd21"}) {
      TinyModelOptions o;
      o.family = family;
      write_tiny_model(o, dir / family);
      DiffusionModel sd = DiffusionModel::load(dir / family, ComputeOptions{});
      QCOMPARE(sd.scheduler_config().prediction_type, std::string(family == "sd21" ? "v_prediction" : "epsilon"));
      for (const std::string scheduler : {"dpmpp-sde", "ddim"}) {
        for (const std::string prompt : {"a photo of a cat", ""}) {
          InvertRequest r = reference_request(*ref_);
          r.scheduler = scheduler;
          r.prompt = prompt;
          r.zero_noise_steps = 0;
          const Inversion inv = invert(sd, r);
          const double e = test::max_relative_diff(reconstruct(sd, inv, false).latents, inv.x0);
          qInfo("%s %s %s: replay rel err vs x0 %.3g", family.c_str(), scheduler.c_str(),
                prompt.empty() ? "empty prompt" : "prompt", e);
          PE_VERIFY_LE(e, 5e-6);  // measured <= 1.9e-7 over the eight runs; bound ~25x
        }
      }
    }
  }

  // What the edit pipeline needs: one replay step on a batch takes zs[i] for every row.
  void replayStepOnABatch() {
    InvertRequest r = reference_request(*ref_);
    r.steps = 4;
    r.noise = r.noise.slice(0, 0, 4);
    r.zero_noise_steps = 0;
    const Inversion inv = invert(*model_, r);
    InversionSchedule single = make_inversion_schedule(*model_, inv), batch = make_inversion_schedule(*model_, inv);
    QCOMPARE(int(single.first_step), 0);  // int(4 · 1.15) = 4: nothing skipped
    InferenceGuard guard;
    at::Tensor x1 = inv.xts[4], x2 = at::cat({inv.xts[4], inv.xts[4] * 0.5});
    at::manual_seed(3);
    for (int i = 0; i < 4; ++i) {
      const at::Tensor eps = at::randn({2, 4, 16, 16});
      x1 = single.step(eps.slice(0, 0, 1), i, x1, inv.zs[i]);
      x2 = batch.step(eps, i, x2, inv.zs[i]);
      QVERIFY(test::max_abs_diff(x2.slice(0, 0, 1), x1) <= 1e-6 * x1.abs().max().item<double>());
    }
  }

  // Text-to-image with the new sampler kinds: the SDE draws its noise from the seed, so a seed
  // reproduces an image; the two kinds differ.
  void generatesWithDpmSolverKinds() {
    GenerateRequest g;
    g.prompt = "a photo of a cat";
    g.steps = 4;
    g.seed = 3;
    g.preview = false;
    g.scheduler = "dpmpp-2m";
    const auto ode = generate(*model_, g);
    g.scheduler = "dpmpp-sde";
    const auto sde1 = generate(*model_, g), sde2 = generate(*model_, g);
    QVERIFY(at::isfinite(ode.latents).all().item<bool>() && at::isfinite(sde1.latents).all().item<bool>());
    QVERIFY(at::equal(sde1.latents, sde2.latents));  // the same run twice: exact
    QVERIFY(!at::equal(sde1.latents, ode.latents));
    QCOMPARE(sde1.scheduler, std::string("dpmpp-sde"));
    QVERIFY(sde1.parameters.find("Sampler: DPM++ 2M SDE") != std::string::npos);
    QVERIFY(ode.parameters.find("Sampler: DPM++ 2M,") != std::string::npos);
  }

  // Steps without a noise term (DDIM's last with set_alpha_to_one, DPM's into sigma 0) carry
  // the residual map with weight 1.
  void stepsWithoutNoiseCarryTheResidual() {
    SchedulerConfig c = model_->scheduler_config();
    c.set_alpha_to_one = true;
    for (const std::string kind : {"ddim", "dpmpp-sde"}) {
      InversionSchedule s = make_inversion_schedule(c, kind, 4, 0.0);
      QCOMPARE(s.noise_scale(3), 0.0);
      QVERIFY(s.noise_scale(2) > 0.0);
      at::manual_seed(1);
      const at::Tensor x = at::randn({1, 4, 16, 16}), eps = at::randn({1, 4, 16, 16}), z = at::randn({1, 4, 16, 16});
      auto plain = s.scheduler->clone();
      const at::Tensor mean = plain->step(eps, 3, x, at::zeros_like(x)).prev_sample;
      QVERIFY(test::max_abs_diff(s.step(eps, 3, x, z), mean + z) <= 1e-6);
    }
  }

  void filesRoundTripAndRefuseOtherModels() {
    InvertRequest r = reference_request(*ref_);
    r.steps = 3;
    r.noise = r.noise.slice(0, 0, 3);
    r.crop = {640, 480, 80, 0, 480, 480};
    r.source_image = "photo.jpg";
    const Inversion inv = invert(*model_, r);
    test::TempDir dir;
    save_inversion(dir / "inv.safetensors", inv);
    const Inversion back = load_inversion(dir / "inv.safetensors", *model_, 128, 128);
    // written and read back without conversion: copies, so exact
    QVERIFY(at::equal(back.x0, inv.x0) && at::equal(back.xts, inv.xts) && at::equal(back.zs, inv.zs));
    QVERIFY(at::equal(back.timesteps, inv.timesteps));
    QCOMPARE(back.prompt, inv.prompt);
    QCOMPARE(back.guidance, inv.guidance);
    QCOMPARE(back.skip, inv.skip);
    QCOMPARE(back.scheduler, std::string("dpmpp-sde"));
    QCOMPARE(back.crop.left, int64_t(80));
    QCOMPARE(back.crop.source_width, int64_t(640));
    QCOMPARE(back.source_image, std::string("photo.jpg"));
    QCOMPARE(back.model.fingerprint, model_identity(*model_).fingerprint);
    QCOMPARE(back.model.family, std::string("SDXL"));

    QVERIFY(error_contains([&] { load_inversion(dir / "inv.safetensors", *model_, 256, 256); }, "is for a 128x128 image"));
    QVERIFY(error_contains([&] { load_inversion(dir / "missing.safetensors", *model_); }, "no such file"));
    write_safetensors(dir / "other.safetensors", {{"latents", inv.x0}});
    QVERIFY(error_contains([&] { load_inversion(dir / "other.safetensors", *model_); }, "not a PartEdit inversion"));

    // the same structure with other weights: refused
    TinyModelOptions o;
    o.seed = 5;
    write_tiny_model(o, dir / "other-model");
    const DiffusionModel other = DiffusionModel::load(dir / "other-model", ComputeOptions{});
    QVERIFY(model_identity(other).fingerprint != model_identity(*model_).fingerprint);
    QVERIFY(error_contains([&] { load_inversion(dir / "inv.safetensors", other); }, "invert the photo again"));
  }

  void cancellation() {
    CancelToken cancel;
    InvertRequest r = reference_request(*ref_);
    int last = 0;
    QVERIFY(error_contains(
        [&] {
          invert(*model_, r, [&](const InvertProgress& p) {
            last = p.step;
            if (p.step == 2) cancel.cancel();
          }, cancel);
        },
        "cancelled"));
    QCOMPARE(last, 2);
  }

  void badInput() {
    const InvertRequest good = reference_request(*ref_);
    auto fails = [&](std::function<void(InvertRequest&)> change, const std::string& text) {
      InvertRequest r = good;
      change(r);
      return error_contains([&] { invert(*model_, r); }, text);
    };
    QVERIFY(fails([](InvertRequest& r) { r.skip = 1.0; }, "skip must be in [0, 1)"));
    QVERIFY(fails([](InvertRequest& r) { r.skip = -0.1; }, "skip must be in [0, 1)"));
    QVERIFY(fails([](InvertRequest& r) { r.steps = 0; }, "at least 1"));
    QVERIFY(fails([](InvertRequest& r) { r.steps = 900; r.noise = at::Tensor(); }, "train timesteps"));
    QVERIFY(fails([](InvertRequest& r) { r.zero_noise_steps = 11; }, "zero-noise steps"));
    QVERIFY(fails([](InvertRequest& r) { r.scheduler = "euler"; }, "supported: dpmpp-sde, ddim"));
    QVERIFY(fails([](InvertRequest& r) { r.image = r.image.slice(1, 0, 100); }, "multiples of 8"));
    QVERIFY(fails([](InvertRequest& r) { r.image = r.image * 255; }, "values in [0, 1]"));
    QVERIFY(fails([](InvertRequest& r) { r.image = r.image[0]; }, "[3, H, W]"));
    QVERIFY(fails([](InvertRequest& r) { r.noise = r.noise.slice(0, 0, 5); }, "noising draws"));
    QVERIFY(fails([](InvertRequest& r) { r.guidance = std::nan(""); }, "guidance"));
  }
};

PARTEDIT_TEST(TestLeditsInversion);
}  // namespace test_ledits_inversion
#include "test_ledits_inversion.moc"
