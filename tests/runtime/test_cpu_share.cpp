// Matrix-product threads fitted to the cores other programs leave (runtime/cpu_share.h): the
// rounding rule, and a real other process keeping a core busy lowers OpenBLAS's thread count
// (other work on the machine can only lower it further, so the bound holds on a busy CI).
#include <QtTest>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <ATen/Parallel.h>

#include "runtime/cpu_share.h"
#include "support/test_registry.h"

extern char** environ;

// The file's own names, apart from the other files of its unity batch.
namespace test_cpu_share {

using namespace partedit;

class TestCpuShare : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void roundsFreeCoresWithinOneAndTheLimit() {
    QCOMPARE(blas_threads_for(2.0, 2), 2);
    QCOMPARE(blas_threads_for(1.0, 2), 1);
    QCOMPARE(blas_threads_for(1.4, 2), 1);
    QCOMPARE(blas_threads_for(1.6, 2), 2);
    QCOMPARE(blas_threads_for(0.1, 4), 1);   // never none
    QCOMPARE(blas_threads_for(7.7, 4), 4);   // never above LibTorch's count
    QCOMPARE(blas_threads_for(3.0, 0), 1);
  }

  void aBusyProgramTakesAThread() {
    if (blas_threads() == 0) QSKIP("the BLAS is not OpenBLAS: nothing to fit");
    if (std::getenv("PARTEDIT_BLAS_THREADS")) QSKIP("PARTEDIT_BLAS_THREADS fixes the count");
    const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 2) QSKIP("one core: the count is 1 whatever happens");
    const int saved = at::get_num_threads();
    at::set_num_threads(static_cast<int>(cpus));
    std::string shell = "/bin/sh", flag = "-c", loop = "while :; do :; done";
    char* args[] = {shell.data(), flag.data(), loop.data(), nullptr};
    pid_t busy = 0;
    QCOMPARE(posix_spawn(&busy, "/bin/sh", nullptr, nullptr, args, environ), 0);
    // Two samples 1.2 s apart while it runs (an earlier sample may be recent: one more before).
    for (int i = 0; i < 3; ++i) {
      share_cpu_with_other_programs();
      if (i < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    }
    const int threads = blas_threads();
    kill(busy, SIGKILL);
    waitpid(busy, nullptr, 0);
    at::set_num_threads(saved);
    qInfo("%ld cores, one kept busy: OpenBLAS on %d threads (%s)", cpus, threads, blas_threads_reason().c_str());
    QVERIFY(threads >= 1);
    QVERIFY(threads <= cpus - 1);
  }
};

PARTEDIT_TEST(TestCpuShare);
}  // namespace test_cpu_share
#include "test_cpu_share.moc"
