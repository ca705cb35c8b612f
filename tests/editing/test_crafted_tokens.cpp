// Crafted torch.save token files (issue 21, items 2 and 3), from tests/data/crashers/pt_token
// (made by tests/data/crashers/make_crafted_crashers.py): a tensor reaching outside its
// storage record (offset 100000, stride 10^6: a crash; [2, 64] over 16 stored floats, a
// storage declaring more floats than its record holds, a negative stride: the neighbouring
// heap memory was imported into the token), members declaring 1 GiB (a zip bomb) and a pickle
// string declaring 4 GiB (allocated by LibTorch's unpickler). Each is
// refused with a message saying what is wrong, before an element or the member is read.
// Views that stay inside their storage (transposed, offset) still import with their values,
// and every prefix and one-byte change of a valid file is refused or read, never a crash.
#include <QtTest>

#include <fstream>

#include <ATen/ATen.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include "editing/part_token.h"
#include "runtime/error.h"
#include "support/test_support.h"

// The file's own names, apart from the other files of its unity batch.
namespace test_crafted_tokens {

using namespace partedit;
namespace fs = std::filesystem;

namespace {

fs::path crafted(const std::string& name) { return test::data_dir() / "crashers" / "pt_token" / name; }

void save_pickled(const fs::path& path, const at::Tensor& t) {
  const auto bytes = torch::jit::pickle_save(t);
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// The message of the Error import_torch_token throws for `path` ("" when it imports).
std::string import_error(const fs::path& path) {
  return test::error_of([&] { import_torch_token(path, "crafted"); });
}

}  // namespace

class TestCraftedTokens : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void tensorOutsideItsStorageIsRefused_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("offset 100000") << "storage_offset_100000.pt"
                                   << "is damaged or crafted: its tensor (sizes [2, 64], strides [64, 1], storage offset "
                                      "100000) reaches byte 400512 of its storage, which holds 512 bytes; it was not read";
    QTest::newRow("stride 10^6") << "row_stride_1000000.pt"
                                 << "(sizes [2, 64], strides [1000000, 1], storage offset 0) reaches byte 4000256 of its "
                                    "storage, which holds 512 bytes";
    QTest::newRow("128 over 16 floats") << "shape_2x64_over_16_floats.pt"
                                        << "(sizes [2, 64], strides [64, 1], storage offset 0) reaches byte 512 of its "
                                           "storage, which holds 64 bytes";
    QTest::newRow("storage numel 128, record 16 floats")
        << "declared_numel_128_over_16_stored_floats.pt"
        << "(sizes [2, 64], strides [64, 1], storage offset 0) reaches byte 512 of its storage, which holds 64 bytes";
    QTest::newRow("negative stride") << "negative_row_stride.pt"
                                     << "its tensor has a negative size or stride (sizes [2, 64], strides [-64, 1], "
                                        "storage offset 64); torch.save never writes one";
  }
  void tensorOutsideItsStorageIsRefused() {
    QFETCH(QString, file);
    QFETCH(QString, message);
    const fs::path path = crafted(file.toStdString());
    QVERIFY2(fs::exists(path), path.c_str());
    const std::string error = import_error(path);
    QVERIFY2(error.find(path.string()) != std::string::npos && error.find(message.toStdString()) != std::string::npos,
             error.c_str());
    // The same for every reader of token files.
    QCOMPARE(test::error_of([&] { read_token_file(path); }), error);
  }

  // LibTorch refuses a negative offset itself, or the check does: either way, named.
  void negativeStorageOffsetIsRefused() {
    const fs::path path = crafted("negative_storage_offset.pt");
    const std::string error = import_error(path);
    QVERIFY2(error.find(path.string()) != std::string::npos, error.c_str());
    QVERIFY2(error.find("wrong exception type") == std::string::npos, error.c_str());
  }

  void zipBombIsRefusedBeforeExtraction_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("message");
    QTest::newRow("data.pkl 1 GiB") << "zip_bomb_data_pkl_declares_1GiB.pt"
                                    << "is not a part token: its member 'zip_bomb_data_pkl_declares_1GiB/data.pkl' "
                                       "declares 1.0 GiB uncompressed, over the 4.0 MiB a token's pickle may have";
    QTest::newRow("data/0 1 GiB") << "zip_bomb_storage_declares_1GiB.pt"
                                  << "is not a part token: its member 'zip_bomb_storage_declares_1GiB/data/0' declares "
                                     "1.0 GiB uncompressed, over the 64.0 MiB a token's tensor data may have";
  }
  void zipBombIsRefusedBeforeExtraction() {
    QFETCH(QString, file);
    QFETCH(QString, message);
    const std::string error = import_error(crafted(file.toStdString()));
    QVERIFY2(error.find(message.toStdString()) != std::string::npos, error.c_str());
    QVERIFY2(error.find("it was not extracted") != std::string::npos, error.c_str());
  }

  // A pickle string declaring 4 GiB (the unpickler allocated it, then found the pickle ends).
  void pickleArgumentPastItsEndIsRefused() {
    const fs::path path = crafted("pickle_string_length_4GiB.pt");
    const std::string error = import_error(path);
    QVERIFY2(error.find(path.string() + " is damaged or truncated: its pickle ends inside the argument of the opcode "
                                        "at byte ") != std::string::npos,
             error.c_str());
  }

  // Found by fuzzing: LibTorch's unpickler read past its empty stack (a SEGV) for an opcode
  // that pops first; and a memo index of 1.6e9 made it reserve 26 GB.
  void pickleStackUnderflowAndHugeMemoIndexAreRefused() {
    std::string error = import_error(crafted("pickle_binpersid_on_an_empty_stack.pt"));
    QVERIFY2(error.find("opcode 0x51 at byte 2 takes a value its stack does not hold") != std::string::npos,
             error.c_str());
    error = import_error(crafted("pickle_memo_index_1.6e9_reserves_26gb.pt"));
    QVERIFY2(error.find("names memo entry 1667785588") != std::string::npos, error.c_str());
  }

  // Strides and offsets are legitimate while every element is inside the storage.
  void viewsInsideTheirStorageImport() {
    test::TempDir dir;
    const at::Tensor stored = at::arange(128, at::kFloat).view({64, 2});
    save_pickled(dir / "transposed.pt", stored.t());  // [2, 64], strides (1, 2)
    QCOMPARE(test::max_abs_diff(import_torch_token(dir / "transposed.pt", "x").embedding, stored.t()), 0.0);
    const at::Tensor rows = at::arange(6 * 64, at::kFloat).view({6, 64});
    save_pickled(dir / "rows-2-3.pt", rows.narrow(0, 2, 2));  // offset 128 of 384 floats
    QCOMPARE(test::max_abs_diff(import_torch_token(dir / "rows-2-3.pt", "x").embedding, rows.narrow(0, 2, 2)), 0.0);
  }

  void everyPrefixIsRefusedOrRead() {
    const std::string whole = test::read_bytes(test::data_dir() / "tokens" / "valid_2x64.pt");
    QVERIFY(whole.size() > 1000);
    test::TempDir dir;
    const fs::path cut = dir / "cut.pt";
    int imported = 0;
    for (size_t n = 0; n <= whole.size(); ++n) {
      std::ofstream(cut, std::ios::binary | std::ios::trunc) << whole.substr(0, n);
      const std::string error = import_error(cut);
      QVERIFY2(error.find("wrong exception type") == std::string::npos,
               qPrintable(QString::fromStdString(std::to_string(n) + " bytes: " + error)));
      imported += error.empty() ? 1 : 0;
    }
    QCOMPARE(imported, 1);  // the whole file only
  }

  // Each byte of the first member (its header and the pickle: opcodes and arguments) and of
  // the zip directory inverted in turn: imported or refused with an Error, never a crash or
  // another exception. (The other members' bytes are data whose changes the tests above cover.)
  void everyByteFlipIsRefusedOrRead() {
    const std::string whole = test::read_bytes(test::data_dir() / "tokens" / "dict_tensor_and_info.pt");
    const size_t second_member = whole.find("PK\x03\x04", 4), directory = whole.find("PK\x01\x02");
    QVERIFY(second_member != std::string::npos && directory != std::string::npos && second_member < directory);
    test::TempDir dir;
    const fs::path flipped = dir / "flipped.pt";
    int refused = 0;
    for (size_t at = 0; at < whole.size(); at = at + 1 == second_member ? directory : at + 1) {
      std::string bytes = whole;
      bytes[at] = static_cast<char>(~bytes[at]);
      std::ofstream(flipped, std::ios::binary | std::ios::trunc) << bytes;
      const std::string error = import_error(flipped);
      QVERIFY2(error.find("wrong exception type") == std::string::npos,
               qPrintable(QString::fromStdString("byte " + std::to_string(at) + ": " + error)));
      refused += error.empty() ? 0 : 1;
    }
    QVERIFY(refused > 0);
  }
};

PARTEDIT_TEST(TestCraftedTokens);
}  // namespace test_crafted_tokens
#include "test_crafted_tokens.moc"
