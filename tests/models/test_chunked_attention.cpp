// A large explicit attention runs in chunks of queries (so that a cancel lands between them
// and the scores never take gigabytes): the result equals the one-piece softmax(q kᵀ s) v, and a
// cancel of the thread's request stops it between chunks.
#include <cmath>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include "nn/attention.h"
#include "runtime/cancel.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_chunked_attention {

using namespace partedit;

class TestChunkedAttention : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  // 4100 queries and keys: 16.8 M scores, just over one chunk's 2^24, so two chunks.
  void aChunkedAttentionEqualsTheOnePieceFormula() {
    auto generator = at::detail::createCPUGenerator(3);
    const at::Tensor q = at::randn({1, 1, 4100, 8}, generator), k = at::randn({1, 1, 4100, 8}, generator),
                     v = at::randn({1, 1, 4100, 8}, generator);
    const double scale = 1.0 / std::sqrt(8.0);
    const at::Tensor expected = at::matmul(at::matmul(q * scale, k.transpose(-1, -2)).softmax(-1), v);
    const at::Tensor got = scaled_dot_product_attention(q, k, v, scale);
    QCOMPARE(got.sizes(), expected.sizes());
    PE_VERIFY_LE(test::max_abs_diff(got, expected), 1e-5);
  }

  void aCancelledRequestStopsBetweenChunks() {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
    QSKIP("the fused kernel of LibTorch >= 2.1 runs in one piece");
#endif
    const at::Tensor q = at::zeros({1, 1, 4100, 8});
    CancelToken cancel;
    cancel.cancel();
    const CancelScope scope(cancel);
    bool cancelled = false;
    try {
      scaled_dot_product_attention(q, q, q, 1.0);
    } catch (const CancelledError&) {
      cancelled = true;
    }
    QVERIFY(cancelled);
    // A small one runs in one piece, with no check.
    const at::Tensor small = at::zeros({1, 1, 16, 8});
    QCOMPARE(scaled_dot_product_attention(small, small, small, 1.0).sizes(), small.sizes());
  }
};

PARTEDIT_TEST(TestChunkedAttention);
}  // namespace test_chunked_attention
#include "test_chunked_attention.moc"
