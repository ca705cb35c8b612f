// partedit-cli generate on tiny-sdxl: the diffusers reference through the command line,
// the image metadata, --timings, bad input and Ctrl-C.
#include <QtTest>

#include <signal.h>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "io/image_io.h"
#include "io/safetensors.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_cli_generate {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> base_args(const test::TempDir& dir) {
  return {"generate", "--model", test::tiny_sdxl_dir().string(), "--prompt", "a photo of a cat in a park",
          "--steps", "2", "--scheduler", "ddim", "--out", (dir / "out.png").string()};
}

}  // namespace

class TestCliGenerate : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void initTestCase() {
    // The tiny model gains nothing from intra-op threads, and on a loaded machine (CTest -j,
    // shared CI cores) OpenMP's spinning threads make each run many times slower.
    if (qEnvironmentVariableIsEmpty("PARTEDIT_THREADS")) qputenv("PARTEDIT_THREADS", "1");
  }

  void reproducesReferenceWithInitLatents() {
    test::ReferenceCase ref("sdxl_txt2img_ddim");
    test::TempDir dir;
    write_safetensors(dir / "in.safetensors", {{"latents", ref.in("latents")}});
    const auto r = test::run_cli({"generate", "--model", test::tiny_sdxl_dir().string(), "--prompt",
                                  ref.params().at("prompt").get<std::string>(), "--steps", "10", "--guidance", "7.5",
                                  "--scheduler", "ddim", "--init-latents", (dir / "in.safetensors").string(), "--width",
                                  "128", "--height", "128", "--out", (dir / "out.png").string(), "--save-latents",
                                  (dir / "final.safetensors").string(), "--timings"});
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("step 10/10") != std::string::npos);
    // Progress lines give elapsed time, seconds per step and the time left (none after the last).
    const QString output = QString::fromStdString(r.output);
    QVERIFY2(output.contains(QRegularExpression(R"(step 5/10, [^,]+ elapsed, [0-9.]+ s/step, [^,]+ left \(t=)")),
             r.output.c_str());
    QVERIFY2(output.contains(QRegularExpression(R"(step 10/10, [^,]+ elapsed, [0-9.]+ s/step, 0\.0 s left \(t=)")),
             r.output.c_str());

    const auto latents = SafetensorsFile(dir / "final.safetensors").tensor("latents");
    const double err = test::max_relative_diff(latents, ref.out("latents"));
    qInfo() << "CLI final latents relative error" << err;
    PE_VERIFY_LE(err, 2e-5);  // measured <= 2.6e-6 (OpenBLAS Haswell/SkylakeX/generic, 1-2 threads); bound ~8x

    const auto image = read_image(dir / "out.png");
    const double image_err = test::max_abs_diff(image, ref.out("image")[0]);
    qInfo() << "CLI PNG vs reference image max abs error" << image_err << "(8-bit quantisation: <= 0.002)";
    PE_VERIFY_LE(image_err, 0.5 / 255 + 3e-5);  // 8-bit rounding plus the image error (<= 2.9e-6)
    const auto parameters = read_image_parameters(dir / "out.png");
    QVERIFY(parameters.has_value());
    QVERIFY2(parameters->find("Steps: 10, Sampler: DDIM, CFG scale: 7.5, Size: 128x128, Model: tiny-sdxl") !=
                 std::string::npos,
             parameters->c_str());

    const auto timings = nlohmann::json::parse(test::last_line(r.output));
    for (const char* key : {"load", "encode", "denoise", "decode", "total_after_load", "peak_rss_mb"}) {
      QVERIFY2(timings.contains(key) && timings.at(key).is_number(), key);
    }
    qInfo() << "timings" << QString::fromStdString(timings.dump());
  }

  void sizeComesFromInitLatentsAndSeedIsReported() {
    test::TempDir dir;
    at::manual_seed(5);
    write_safetensors(dir / "in.safetensors", {{"latents", at::randn({1, 4, 8, 12})}});
    auto args = base_args(dir);
    args.insert(args.end(), {"--init-latents", (dir / "in.safetensors").string()});
    auto r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QCOMPARE(read_image(dir / "out.png").sizes().vec(), (std::vector<int64_t>{3, 64, 96}));
    args = base_args(dir);
    args.insert(args.end(), {"--seed", "77", "--out", (dir / "s.jpg").string()});
    args.erase(args.begin() + 9, args.begin() + 11);  // the first --out
    r = test::run_cli(args);
    QVERIFY2(r.exit_code == 0, r.output.c_str());
    QVERIFY(r.output.find("seed 77") != std::string::npos);
    QVERIFY(read_image_parameters(dir / "s.jpg").value_or("").find("Seed: 77") != std::string::npos);
  }

  void badInputExitsNonZeroWithAMessage() {
    test::TempDir dir;
    test::verify_cli_fails({"generate", "--prompt", "x", "--out", (dir / "a.png").string()}, "missing required option --model");
    test::verify_cli_fails({"generate", "--model", (dir / "nope").string(), "--prompt", "x", "--out", (dir / "a.png").string()},
                   "does not exist");
    auto args = base_args(dir);
    args.insert(args.end(), {"--dtype", "fp64"});
    test::verify_cli_fails(args, "--dtype must be one of auto, fp32, fp16, bf16, got 'fp64'");
    args = base_args(dir);
    args.insert(args.end(), {"--dtype", "fp16"});
    test::verify_cli_fails(args, "fp16 is not supported on the CPU");
    args = base_args(dir);
    args.insert(args.end(), {"--device", "cuda"});
    test::verify_cli_fails(args, "CUDA is not available");
    write_safetensors(dir / "bad.safetensors", {{"latents", at::zeros({1, 4, 8, 8})}});
    args = base_args(dir);
    args.insert(args.end(), {"--init-latents", (dir / "bad.safetensors").string(), "--width", "128"});
    test::verify_cli_fails(args, "[1, 4, 8, 16]");
    write_safetensors(dir / "noname.safetensors", {{"noise", at::zeros({1, 4, 8, 8})}});
    args = base_args(dir);
    args.insert(args.end(), {"--init-latents", (dir / "noname.safetensors").string()});
    test::verify_cli_fails(args, "no tensor named 'latents'");
    args = base_args(dir);
    args.insert(args.end(), {"--seed", "1", "--init-latents", (dir / "bad.safetensors").string()});
    test::verify_cli_fails(args, "either --seed or --init-latents");
    args = base_args(dir);
    args.insert(args.end(), {"--width", "100"});
    test::verify_cli_fails(args, "width 100 is not a multiple of 8");
    args = base_args(dir);
    args[4] = "";
    test::verify_cli_fails(args, "the prompt is empty");
    args = base_args(dir);
    args.back() = (dir / "out.gif").string();
    test::verify_cli_fails(args, "unknown extension '.gif'");
    QVERIFY(!fs::exists(dir / "a.png") && !fs::exists(dir / "out.png") && !fs::exists(dir / "out.gif"));
    const auto help = test::run_cli({"generate", "--help"});
    QCOMPARE(help.exit_code, 0);
    QVERIFY(help.output.find("--init-latents") != std::string::npos);
  }

  void ctrlCCancelsCleanly() {
    test::TempDir dir;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args;
    for (const auto& a : base_args(dir)) args << QString::fromStdString(a);
    args[6] = "500";  // --steps
    process.start(QString::fromStdString(test::cli_path().string()), args);
    QVERIFY(process.waitForStarted());
    QByteArray output;
    while (!output.contains("step 2/")) {
      QVERIFY2(process.waitForReadyRead(60000), output.constData());
      output += process.readAll();
    }
    ::kill(static_cast<pid_t>(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(60000));
    output += process.readAll();
    qInfo() << "exit code after Ctrl-C" << process.exitCode();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(output.contains("cancelled"));
    QVERIFY(!output.contains("step 500/"));
    QVERIFY(!fs::exists(dir / "out.png"));
  }
};

PARTEDIT_TEST(TestCliGenerate);
}  // namespace test_cli_generate
#include "test_cli_generate.moc"
