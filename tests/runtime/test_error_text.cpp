// describe_exception (runtime/error_text.h): a real allocation failure of LibTorch becomes one
// line in our words with the stage and the size; other library errors lose the stack trace;
// our own errors pass through; the stage is the innermost one the exception unwound through.
#include <QtTest>

#include <new>

#include <ATen/ATen.h>

#include "runtime/error.h"
#include "runtime/error_text.h"
#include "runtime/stage.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_error_text {

using namespace partedit;

namespace {

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

template <typename F>
ErrorText describe(F&& f) {
  try {
    f();
  } catch (...) {
    return describe_exception(std::current_exception());
  }
  return {};
}

// 2^60 bytes: beyond any machine's address space (x86-64 user space is 2^47, or 2^56 with
// 5-level paging), so the allocator fails whatever the memory and overcommit settings.
constexpr int64_t kImpossibleFloats = int64_t(1) << 58;

}  // namespace

class TestErrorText : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void allocationFailureIsOneLineWithStageAndSize() {
    const ErrorText e = describe([] {
      StageScope stage("denoising");
      stage.set("denoising (step 3 of 50)");
      at::empty({kImpossibleFloats}, at::kFloat);
    });
    qInfo("%s", e.text().c_str());
    QVERIFY(e.kind == ErrorKind::OutOfMemory);
    QVERIFY(e.bytes.has_value());
    QCOMPARE(*e.bytes, uint64_t(1) << 60);
    QCOMPARE(e.stage, std::string("denoising (step 3 of 50)"));
    QCOMPARE(e.message, std::string("out of memory while denoising (step 3 of 50): 1.0 EiB could not be allocated on the CPU"));
    QVERIFY(!mentions(e.text(), "\n"));
    QVERIFY(!mentions(e.text(), "frame #") && !mentions(e.text(), "Exception raised from"));
    QVERIFY(mentions(e.advice, "smaller image"));
    QVERIFY(current_stage().empty());
  }
  void stageIsTheInnermostAndForgotten() {
    const ErrorText e = describe([] {
      StageScope outer("editing");
      StageScope inner("decoding the images");
      throw std::bad_alloc();
    });
    QVERIFY(e.kind == ErrorKind::OutOfMemory);
    QCOMPARE(e.stage, std::string("decoding the images"));
    QVERIFY(!e.bytes);
    QCOMPARE(e.message, std::string("out of memory while decoding the images: an allocation failed on the CPU"));
    // Taken once: a later failure outside every stage has none.
    const ErrorText later = describe([] { throw std::bad_alloc(); });
    QCOMPARE(later.stage, std::string());
    QCOMPARE(later.message, std::string("out of memory: an allocation failed on the CPU"));
  }
  void libraryErrorLosesItsStackTrace() {
    const ErrorText e = describe([] {
      StageScope stage("encoding the prompt");
      (void)(at::ones({2}) + at::ones({3}));
    });
    qInfo("%s", e.text().c_str());
    QVERIFY(e.kind == ErrorKind::Internal);
    QVERIFY(mentions(e.message, "must match the size of tensor b"));
    QVERIFY(mentions(e.message, "(while encoding the prompt)"));
    QVERIFY(!mentions(e.message, "\n") && !mentions(e.message, "Exception raised from") && !mentions(e.message, "frame #"));
    QVERIFY(e.message.size() < 400);
    // The debug text keeps what LibTorch said, trace included when it recorded one.
    try {
      (void)(at::ones({2}) + at::ones({3}));
    } catch (...) {
      QVERIFY(mentions(debug_text(std::current_exception()), "must match the size of tensor b"));
    }
  }
  void ourErrorsPassThrough() {
    const ErrorText e = describe([] { throw Error("--width 100000: too large"); });
    QVERIFY(e.kind == ErrorKind::Error);
    QCOMPARE(e.message, std::string("--width 100000: too large"));
    QCOMPARE(e.text(), e.message);
    QVERIFY(describe([] { throw CancelledError(); }).kind == ErrorKind::Cancelled);
    // A wrapped library message keeps our words and loses the trace.
    const ErrorText wrapped = describe(
        [] { throw Error("tensor 'x': bad shape\nException raised from foo at bar.cpp:1 (most recent call first):\nframe #0: baz"); });
    QCOMPARE(wrapped.message, std::string("tensor 'x': bad shape"));
  }
  void allocatorMessagesAreParsed() {
    QCOMPARE(allocation_bytes("DefaultCPUAllocator: can't allocate memory: you tried to allocate 123456 bytes. Error code 12"),
             std::optional<uint64_t>(123456));
    QCOMPARE(allocation_bytes("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 79.19 GiB total capacity)"),
             std::optional<uint64_t>(uint64_t(2) << 30));
    QCOMPARE(allocation_bytes("CUDA out of memory. Tried to allocate 20.00 MiB. GPU 0 has a total capacity of 79 GiB"),
             std::optional<uint64_t>(uint64_t(20) << 20));
    QVERIFY(!allocation_bytes("something else"));
    QCOMPARE(byte_text(512), std::string("512 bytes"));
    QCOMPARE(byte_text(uint64_t(3) << 29), std::string("1.5 GiB"));
  }
};

PARTEDIT_TEST(TestErrorText);
}  // namespace test_error_text
#include "test_error_text.moc"
