// bench_gui_responsiveness: a full edit driven through the main window (medium model, 10
// steps, 256x256 generated source, then "with a robotic <head>"), offscreen. A 2 ms timer
// measures how long the GUI event loop went without running while the engine worked on its
// thread (progress, previews and the mask overlay arriving every step). The same edit then
// runs `runs` times through the window without that timer, measuring the GUI (this) thread's
// own CPU clock, each time next to the same edit through an Engine alone on a thread of its
// own (the two in adjacent pairs, alternating which goes first). Last line: one JSON object
// with max_stall_ms (target <= 50), p99_stall_ms, gui_thread_cpu_share (GUI thread CPU
// seconds / the edit's wall seconds, median over runs, target <= 0.05), gui_vs_engine (the
// edit's wall time through the window / through the engine alone: the median of the pairs'
// ratios, target <= 1.05), edit_s and engine_edit_s (medians), generate_s, and the same two
// ratios once with every progress report shown as it arrives (unthrottled_*).
#include <time.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTimer>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "bench_common.h"
#include "editing/edit_instruction.h"
#include "editing/part_token.h"
#include "engine/engine.h"
#include "ui/main_window.h"
#include "ui/panels/edit_panel.h"
#include "ui/widgets/progress_throttle.h"
#include "ui/worker/engine_client.h"

using namespace partedit;
using namespace partedit::ui;

namespace {

// Gaps between the ticks of a fast timer: how long the event loop was busy elsewhere.
class StallMeter {
 public:
  StallMeter() {
    timer_.setInterval(2);
    QObject::connect(&timer_, &QTimer::timeout, [this] {
      const qint64 now = clock_.nsecsElapsed();
      if (last_ > 0) gaps_ms_.push_back((now - last_) / 1e6);
      last_ = now;
    });
  }
  void start() {
    gaps_ms_.clear();
    last_ = 0;
    clock_.start();
    timer_.start();
  }
  void stop() { timer_.stop(); }
  double max_ms() const { return gaps_ms_.empty() ? 0 : *std::max_element(gaps_ms_.begin(), gaps_ms_.end()); }
  double percentile_ms(double p) const {
    if (gaps_ms_.empty()) return 0;
    std::vector<double> sorted = gaps_ms_;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
  }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_ = 0;
  std::vector<double> gaps_ms_;
};

// The event loop until the window's requests have ended. (Not a processEvents loop:
// processEvents(flags, ms) drops WaitForMoreEvents and would spin this very thread.)
void wait_idle(MainWindow& window) {
  if (!window.isRunning()) return;
  QEventLoop loop;
  QObject::connect(window.engine(), &EngineClient::busyChanged, &loop, [&](bool busy) {
    if (!busy) loop.quit();
  });
  if (window.isRunning()) loop.exec();
}

// CPU seconds this thread has used (the GUI thread's own clock: not its OpenMP or BLAS
// helpers, which top -H may list under its name).
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The window's edit as the engine worker sends it (ui/worker/engine_worker.cpp).
EditJob engine_edit_job(const Engine& engine, const GenerateSettings& g, const EditSettings& s) {
  EditJob job;
  job.generation.prompt = g.prompt.toStdString();
  job.generation.negative = g.negative.toStdString();
  job.generation.seed = g.seed;
  job.generation.steps = g.steps;
  job.generation.guidance = g.guidance;
  job.generation.scheduler = g.scheduler.toStdString();
  job.generation.width = g.width;
  job.generation.height = g.height;
  job.generation.preview = true;
  const AppendedEdit appended = parse_appended_edit(s.instruction.toStdString(), [&](const std::string& text) {
    return names_available_part(engine.tokens(), text);
  });
  job.instruction = EditInstruction::appended_edit(appended);
  job.parts = {resolve_appended_part(engine.tokens(), appended)};
  if (s.editEnd) job.edit_end_step = *s.editEnd;
  job.omega = s.omega;
  job.cross_replace = s.crossReplace;
  job.feather = s.feather;
  job.keep_state = true;
  job.from = EditFromPrompt{};
  return job;
}

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
  QApplication app(argc, argv);
  QStandardPaths::setTestModeEnabled(true);
  return bench::run(argc, argv, "bench_gui_responsiveness", /*with_steps=*/true, [](const bench::BenchOptions& options) {
    bench::ModelFolder folder(options);
    const auto tokens = std::filesystem::temp_directory_path() / ("partedit-bench-tokens-" + std::to_string(::getpid()));
    std::filesystem::create_directories(tokens);
    {
      auto generator = at::detail::createCPUGenerator(0);
      PartToken token;
      // The model's text width: the UNet's cross-attention width.
      std::ifstream config(folder.path() / "unet" / "config.json");
      const int64_t width = nlohmann::json::parse(config).at("cross_attention_dim").get<int64_t>();
      token.embedding = at::randn({2, width}, generator);
      token.part_name = "head";
      write_part_token(tokens / "head.safetensors", token);
    }
    MainWindow window;
    EngineConfig config;
    config.modelFolder = QString::fromStdString(folder.path().string());
    config.tokenFolder = QString::fromStdString(tokens.string());
    config.device = QString::fromStdString(options.device);
    config.dtype = QString::fromStdString(options.dtype);
    config.useCache = false;
    window.applyEngineConfig(config);
    window.resize(1280, 800);
    window.show();

    GenerateSettings generation = GenerateSettings::defaults();
    generation.prompt = QStringLiteral("a photo of a cat in a park");
    generation.steps = options.steps;
    generation.width = generation.height = options.size > 0 ? options.size : 256;
    generation.seed = 0;
    StallMeter meter;
    const auto t0 = std::chrono::steady_clock::now();
    window.generateImage(generation);  // loads the model too
    wait_idle(window);
    const double generate_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    window.editPanel()->editBox()->setText(QStringLiteral("with a robotic <head>"));
    // 1. The stalls of the event loop during an edit (also the warm-up).
    meter.start();
    if (!window.applyEdit()) throw Error("the edit did not start");
    wait_idle(window);
    meter.stop();

    // 2. The same edit through an engine alone, on a thread of its own like the worker's.
    Engine engine([&] {
      EngineOptions o;
      o.token_dirs = {tokens};
      return o;
    }());
    const GenerateSettings source = window.editPanel()->generationSettings();
    const EditSettings edit = window.editPanel()->editSettings();
    std::thread([&] { engine.load_model(folder.path(), options.compute); }).join();
    const EditJob job = engine_edit_job(engine, source, edit);

    // 3. Window and engine in adjacent pairs (which goes first alternates), so that both of a
    //    pair see the same load on a shared machine: wall times, the ratio within each pair,
    //    and the GUI thread's CPU during the window's edit.
    std::vector<double> window_s, engine_s, ratios, cpu_share;
    const auto through_window = [&] {
      const double cpu0 = thread_cpu_seconds();
      const auto t1 = std::chrono::steady_clock::now();
      if (!window.applyEdit()) throw Error("the edit did not start");
      wait_idle(window);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
      window_s.push_back(wall);
      cpu_share.push_back((thread_cpu_seconds() - cpu0) / wall);
    };
    const auto through_engine = [&] {
      engine_s.push_back(bench::seconds_of([&] { std::thread([&] { engine.edit(job); }).join(); }));
    };
    for (int run = 0; run < std::max(1, options.runs); ++run) {
      if (run % 2 == 0) {
        through_window();
        through_engine();
      } else {
        through_engine();
        through_window();
      }
      ratios.push_back(window_s.back() / engine_s.back());
    }
    // 4. For comparison, once with every report shown as it arrives (as before the throttle).
    auto* throttle = window.findChild<ProgressThrottle*>();
    if (!throttle) throw Error("the window has no progress throttle");
    const int interval = throttle->interval();
    throttle->setInterval(0);
    const double unthrottled_cpu0 = thread_cpu_seconds();
    const auto t2 = std::chrono::steady_clock::now();
    if (!window.applyEdit()) throw Error("the edit did not start");
    wait_idle(window);
    const double unthrottled_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t2).count();
    const double unthrottled_share = (thread_cpu_seconds() - unthrottled_cpu0) / unthrottled_wall;
    throttle->setInterval(interval);
    std::filesystem::remove_all(tokens);
    const double edit_s = median_of(window_s), engine_edit_s = median_of(engine_s);

    nlohmann::json json;
    json["bench"] = "gui_responsiveness";
    json["steps"] = options.steps;
    json["size"] = generation.width;
    json["device"] = options.device;
    json["max_stall_ms"] = meter.max_ms();
    json["p99_stall_ms"] = meter.percentile_ms(0.99);
    json["gui_thread_cpu_share"] = median_of(cpu_share);
    json["gui_thread_cpu_share_max"] = *std::max_element(cpu_share.begin(), cpu_share.end());
    json["gui_vs_engine"] = median_of(ratios);  // the median of the pairs' ratios
    json["gui_vs_engine_ratios"] = ratios;
    json["gui_vs_engine_min"] = *std::min_element(window_s.begin(), window_s.end()) /
                                *std::min_element(engine_s.begin(), engine_s.end());
    json["unthrottled_gui_thread_cpu_share"] = unthrottled_share;
    json["unthrottled_gui_vs_engine"] = unthrottled_wall / engine_edit_s;
    json["progress_interval_ms"] = interval;
    json["edit_s"] = edit_s;
    json["engine_edit_s"] = engine_edit_s;
    json["edit_times_s"] = window_s;
    json["engine_edit_times_s"] = engine_s;
    json["runs"] = window_s.size();
    json["generate_s"] = generate_s;
    std::cout << json.dump() << std::endl;
  });
}
