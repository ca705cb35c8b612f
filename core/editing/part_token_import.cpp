// import_torch_token: the authors' published tokens are PyTorch `torch.save` files.
// torch::pickle_load (LibTorch 1.13) cannot read them all: it rejects the SETITEM / APPEND
// opcodes Python emits for one-entry dicts and lists, maps a tensor saved on "cuda:0" to
// CUDA (which a CPU LibTorch lacks) and does not know nn.Parameter's reducer. So the same
// public pieces it is built from are used directly: PyTorchStreamReader opens the zip,
// the pickle is rewritten to use only MARK-based SETITEMS/APPENDS, and an Unpickler loads
// it with every storage on the CPU and parameters unwrapped through a type resolver.
// Nothing in the file is trusted: member sizes are checked before anything is extracted,
// every pickle argument against the pickle's length, and each tensor's offset, sizes and
// strides against the bytes its storage record holds before any element is read
// (torch.save's tensor constructor is renamed in the pickle so that the type resolver
// hands it to a checked rebuild; LibTorch's checks none of them).
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string_view>

#include <ATen/ATen.h>
#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include "editing/part_token.h"
#include "io/zip_directory.h"
#include "runtime/byte_size.h"
#include "runtime/text.h"
#include "runtime/error.h"

namespace partedit {
namespace fs = std::filesystem;

namespace {

// ---- the pickle rewrite --------------------------------------------------------------
// Opcodes and argument layouts follow CPython's Lib/pickletools.py (protocols 0-5).
enum class Arg { None, Fixed, Len1, Len4, Len8, Line, TwoLines };
enum class Effect { Push, Keep, Mark, FromMark, PopToMark, Combine, Pop, Dup, Stop };
struct OpInfo {
  Arg arg;
  int fixed;  // bytes for Arg::Fixed
  Effect effect;
  int pops;  // for Combine (pop n, push 1) and Pop
};

std::optional<OpInfo> op_info(uint8_t op) {
  switch (op) {
    case 0x80: return OpInfo{Arg::Fixed, 1, Effect::Keep, 0};       // PROTO
    case 0x95: return OpInfo{Arg::Fixed, 8, Effect::Keep, 0};       // FRAME
    case 'q': return OpInfo{Arg::Fixed, 1, Effect::Keep, 0};        // BINPUT
    case 0x82: return OpInfo{Arg::Fixed, 1, Effect::Push, 0};       // EXT1
    case 'r': return OpInfo{Arg::Fixed, 4, Effect::Keep, 0};        // LONG_BINPUT
    case 'p': return OpInfo{Arg::Line, 0, Effect::Keep, 0};         // PUT
    case 0x94: case 0x98: return OpInfo{Arg::None, 0, Effect::Keep, 0};  // MEMOIZE, READONLY_BUFFER
    case 'J': return OpInfo{Arg::Fixed, 4, Effect::Push, 0};        // BININT
    case 'K': case 'h': return OpInfo{Arg::Fixed, 1, Effect::Push, 0};   // BININT1, BINGET
    case 'M': case 0x83: return OpInfo{Arg::Fixed, 2, Effect::Push, 0};  // BININT2, EXT2
    case 'j': case 0x84: return OpInfo{Arg::Fixed, 4, Effect::Push, 0};  // LONG_BINGET, EXT4
    case 'G': return OpInfo{Arg::Fixed, 8, Effect::Push, 0};        // BINFLOAT
    case 'U': case 'C': case 0x8c: case 0x8a: return OpInfo{Arg::Len1, 0, Effect::Push, 0};
    case 'T': case 'X': case 'B': case 0x8b: return OpInfo{Arg::Len4, 0, Effect::Push, 0};
    case 0x8d: case 0x8e: case 0x96: return OpInfo{Arg::Len8, 0, Effect::Push, 0};
    case 'I': case 'L': case 'F': case 'S': case 'V': case 'P': case 'g':
      return OpInfo{Arg::Line, 0, Effect::Push, 0};
    case 'c': return OpInfo{Arg::TwoLines, 0, Effect::Push, 0};     // GLOBAL
    case 'i': return OpInfo{Arg::TwoLines, 0, Effect::FromMark, 0};  // INST
    case 'N': case 0x88: case 0x89: case ']': case ')': case '}': case 0x8f: case 0x97:
      return OpInfo{Arg::None, 0, Effect::Push, 0};
    case '(': return OpInfo{Arg::None, 0, Effect::Mark, 0};
    case 't': case 'l': case 'd': case 0x91: case 'o': return OpInfo{Arg::None, 0, Effect::FromMark, 0};
    case '1': case 'e': case 'u': case 0x90: return OpInfo{Arg::None, 0, Effect::PopToMark, 0};
    case 'Q': case 0x85: return OpInfo{Arg::None, 0, Effect::Combine, 1};  // BINPERSID, TUPLE1
    case 'R': case 'b': case 0x81: case 0x93: case 0x86: return OpInfo{Arg::None, 0, Effect::Combine, 2};
    case 0x92: case 0x87: return OpInfo{Arg::None, 0, Effect::Combine, 3};  // NEWOBJ_EX, TUPLE3
    case '0': case 'a': return OpInfo{Arg::None, 0, Effect::Pop, 1};        // POP, APPEND
    case 's': return OpInfo{Arg::None, 0, Effect::Pop, 2};                  // SETITEM
    case '2': return OpInfo{Arg::None, 0, Effect::Dup, 0};
    case '.': return OpInfo{Arg::None, 0, Effect::Stop, 0};
    default: return std::nullopt;
  }
}

// The size of the argument of an opcode whose argument starts at `pos`; nullopt when the
// pickle ends first.
std::optional<size_t> argument_size(const std::string& in, size_t pos, const OpInfo& info) {
  size_t size = 0;
  switch (info.arg) {
    case Arg::None: break;
    case Arg::Fixed: size = info.fixed; break;
    case Arg::Len1: case Arg::Len4: case Arg::Len8: {
      const size_t n = info.arg == Arg::Len1 ? 1 : info.arg == Arg::Len4 ? 4 : 8;
      if (n > in.size() - pos) return std::nullopt;
      uint64_t length = 0;
      for (size_t i = 0; i < n; ++i) length |= uint64_t(uint8_t(in[pos + i])) << (8 * i);
      if (length > in.size()) return std::nullopt;
      size = n + length;
      break;
    }
    case Arg::Line: case Arg::TwoLines:
      for (int lines = info.arg == Arg::Line ? 1 : 2; lines > 0; --lines) {
        const size_t nl = in.find('\n', pos + size);
        if (nl == std::string::npos) return std::nullopt;
        size = nl + 1 - pos;
      }
      break;
  }
  if (size > in.size() - pos) return std::nullopt;
  return size;
}

// LibTorch's unpickler allocates a length-prefixed argument before it reads it, so one
// changed byte of a 4-byte length made a 200-byte pickle allocate 4 GiB. Every opcode's
// argument must fit in the rest of the pickle; the walk ends where the unpickler would.
void check_pickle_arguments(const fs::path& path, const std::string& pickle) {
  for (size_t pos = 0; pos < pickle.size();) {
    const size_t at = pos;
    const uint8_t op = uint8_t(pickle[pos++]);
    const auto info = op_info(op);
    if (!info || info->effect == Effect::Stop) return;  // an unknown opcode is refused by the unpickler
    const auto skip = argument_size(pickle, pos, *info);
    if (!skip)
      throw Error(path.string() + " is damaged or truncated: its pickle ends inside the argument of the opcode at byte " +
                  std::to_string(at) + " (" + std::to_string(pickle.size()) + " bytes); download it again");
    // The unpickler sizes its memo table by the index a PUT names; a pickler numbers its
    // memo entries from 0, one PUT each, so an index is below the pickle's size.
    if (op == 'r' || op == 'j') {  // LONG_BINPUT, LONG_BINGET
      uint64_t index = 0;
      for (size_t i = 0; i < 4; ++i) index |= uint64_t(uint8_t(pickle[pos + i])) << (8 * i);
      if (index >= pickle.size())
        throw Error(path.string() + " is damaged or crafted: its pickle names memo entry " + std::to_string(index) +
                    " at byte " + std::to_string(at) + ", beyond what a " + std::to_string(pickle.size()) +
                    "-byte pickle can hold");
    }
    pos += *skip;
  }
}

// torch.save's tensor constructor, and the name it is renamed to so that the type resolver
// hands it to load_object: LibTorch's own rebuild trusts the offset, sizes and strides, and
// silently turns a negative stride into a positive one, so the file's own values are lost.
const std::string kTorchRebuildTensor = "torch._utils\n_rebuild_tensor_v2\n";
const std::string kCheckedRebuildTensor = "partedit\n_rebuild_tensor_v2\n";

// Returns the pickle with every SETITEM (dict, key, value) rewritten as
// dict MARK key value SETITEMS and every APPEND as list MARK item APPENDS; that needs the
// byte offset where each stack item's construction starts, found by simulating the stack.
// GLOBAL torch._utils _rebuild_tensor_v2 becomes partedit _rebuild_tensor_v2.
// An unknown opcode returns the input unchanged for the Unpickler to report; an opcode that
// takes more from the stack than it holds is refused here: LibTorch's unpickler reads past
// its empty stack (a crafted file crashed it).
std::string normalise_pickle(const fs::path& path, const std::string& in) {
  const auto underflow = [&](size_t at, uint8_t op) {
    return Error(path.string() + " is damaged or crafted: its pickle's opcode 0x" +
                 std::string(1, "0123456789abcdef"[op >> 4]) + "0123456789abcdef"[op & 15] + " at byte " +
                 std::to_string(at) + " takes a value its stack does not hold");
  };
  std::vector<size_t> stack;                          // start offset of each stack item
  std::vector<std::pair<size_t, size_t>> marks;       // (stack size, offset of the MARK)
  std::vector<size_t> inserts;                        // offsets that get a MARK before them
  std::vector<std::pair<size_t, char>> replacements;  // (offset, new opcode), ascending
  std::vector<size_t> renames;                        // offsets of kTorchRebuildTensor arguments, ascending
  for (size_t pos = 0; pos < in.size();) {
    const size_t at = pos;
    const uint8_t op = uint8_t(in[pos++]);
    const auto info = op_info(op);
    if (!info) return in;
    const auto skip = argument_size(in, pos, *info);
    if (!skip) return in;
    if (op == 'c' && in.compare(pos, *skip, kTorchRebuildTensor) == 0) renames.push_back(pos);
    pos += *skip;
    switch (info->effect) {
      case Effect::Keep:  // PROTO and FRAME need nothing; the PUTs memoise the top of the stack
        if (stack.empty() && op != 0x80 && op != 0x95) throw underflow(at, op);
        break;
      case Effect::Dup:
        if (stack.empty()) throw underflow(at, op);
        stack.push_back(at);
        break;
      case Effect::Push: stack.push_back(at); break;
      case Effect::Mark: marks.emplace_back(stack.size(), at); break;
      case Effect::FromMark: case Effect::PopToMark: {
        if (marks.empty() || marks.back().first > stack.size()) throw underflow(at, op);
        // SETITEMS takes key-value pairs into the dict below the mark, APPENDS items into the
        // list below it: LibTorch's unpickler reads a missing value or container as garbage.
        const size_t taken = stack.size() - marks.back().first;
        if ((op == 'u' || op == 'e') && marks.back().first == 0) throw underflow(at, op);
        if (op == 'u' && taken % 2 != 0)
          throw Error(path.string() + " is damaged or crafted: its pickle's SETITEMS at byte " + std::to_string(at) +
                      " has a key without a value");
        stack.resize(marks.back().first);
        if (info->effect == Effect::FromMark) stack.push_back(marks.back().second);
        marks.pop_back();
        break;
      }
      case Effect::Combine: {  // pop n, push one that starts where the deepest started
        if (stack.size() < size_t(info->pops)) throw underflow(at, op);
        const size_t start = stack[stack.size() - info->pops];
        stack.resize(stack.size() - info->pops);
        stack.push_back(start);
        break;
      }
      case Effect::Pop: {
        const bool into_container = op != '0';  // APPEND / SETITEM keep the container
        if (stack.size() < size_t(info->pops) + (into_container ? 1 : 0)) throw underflow(at, op);
        if (into_container) {
          inserts.push_back(stack[stack.size() - info->pops]);  // before the item / the key
          replacements.emplace_back(at, op == 's' ? 'u' : 'e');
        }
        stack.resize(stack.size() - info->pops);
        break;
      }
      case Effect::Stop: pos = in.size(); break;
    }
    if (!marks.empty() && marks.back().first > stack.size()) throw underflow(at, op);
  }
  if (inserts.empty() && renames.empty()) return in;
  std::sort(inserts.begin(), inserts.end());
  std::string out;
  out.reserve(in.size() + inserts.size());
  size_t next_insert = 0, next_replacement = 0, next_rename = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    for (; next_insert < inserts.size() && inserts[next_insert] == i; ++next_insert) out += '(';
    if (next_rename < renames.size() && renames[next_rename] == i) {  // an opcode's argument: no insert inside
      out += kCheckedRebuildTensor;
      i += kTorchRebuildTensor.size() - 1;
      ++next_rename;
    } else if (next_replacement < replacements.size() && replacements[next_replacement].first == i)
      out += replacements[next_replacement++].second;
    else
      out += in[i];
  }
  return out;
}

// ---- reading the archive -------------------------------------------------------------

// A token is a few kilobytes (a [2, 2048] float tensor is 16 KiB, its pickle a few hundred
// bytes). Larger members are refused before they are extracted, so that a small crafted
// archive cannot inflate to gigabytes; the storages the pickle reads are counted too (a
// pickle can name one record many times).
constexpr uint64_t kMaxTokenMemberBytes = uint64_t(64) << 20;
constexpr uint64_t kMaxTokenPickleBytes = uint64_t(4) << 20;

[[noreturn]] void fail_damaged_archive(const fs::path& path, const std::string& why) {
  throw Error(path.string() + " is a damaged or truncated torch.save archive (" + why + "); download it again");
}

void check_member_sizes(const fs::path& path, const std::vector<char>& data) {
  std::vector<ZipMember> members;
  try {
    members = zip_members(std::string_view(data.data(), data.size()));
  } catch (const Error& e) {
    fail_damaged_archive(path, e.what());
  }
  for (const auto& m : members) {
    const bool pickle = m.name == "data.pkl" || ends_with(m.name, "/data.pkl");
    const uint64_t limit = pickle ? kMaxTokenPickleBytes : kMaxTokenMemberBytes;
    if (m.uncompressed_size > limit)
      throw Error(path.string() + " is not a part token: its member '" + m.name + "' declares " +
                  format_byte_size(m.uncompressed_size) + " uncompressed, over the " + format_byte_size(limit) +
                  " a token's " + (pickle ? "pickle" : "tensor data") + " may have (a token is a few kilobytes); "
                  "it was not extracted");
  }
}

std::vector<char> read_bytes(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw Error("no such file: " + path.string());
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("cannot open " + path.string());
  std::vector<char> data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) throw Error("cannot read " + path.string());
  return data;
}

bool has_magic(const std::vector<char>& data, const char* magic, size_t n) {
  return data.size() >= n && std::memcmp(data.data(), magic, n) == 0;
}

// Why a file that is not a zip archive cannot be read; torch.save's legacy format starts
// with the pickled magic number 0x1950a86a20f9469cfc6c (torch/serialization.py).
[[noreturn]] void fail_not_zip(const fs::path& path, const std::vector<char>& data) {
  static const char legacy[] = "\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19";
  const std::string name = path.filename().string();
  if (has_magic(data, legacy, sizeof(legacy) - 1))
    throw Error(path.string() + " is in PyTorch's legacy torch.save format (written with "
                "_use_new_zipfile_serialization=False or by PyTorch < 1.6), which LibTorch cannot read; "
                "re-save it in Python: t = torch.load('" + name + "'); torch.save(t, '" + name + "')");
  if (data.empty()) throw Error(path.string() + " is empty");
  throw Error(path.string() + " is not a PyTorch torch.save file (no zip archive: it does not start with "
              "\"PK\\x03\\x04\"); expected a part token saved with torch.save or a .safetensors file");
}

// The bytes each storage record read holds, by the address of its data: what the tensors
// built on it may reach.
using RecordBytes = std::map<const void*, size_t>;

// Refuses a tensor of `sizes` and `strides` at `offset` of the storage `on` holds unless
// every element lies inside the bytes its record holds, before any element is read: the
// numbers come from the pickle, and reading outside the record would crash or copy other
// memory of the process into the token.
void check_tensor_geometry(const fs::path& path, const at::Tensor& on, const RecordBytes& record_bytes, int64_t offset,
                           c10::IntArrayRef sizes, c10::IntArrayRef strides) {
  const std::string damaged = path.string() + " is damaged or crafted: its tensor ";
  const std::string geometry = "(sizes " + c10::str(sizes) + ", strides " + c10::str(strides) + ", storage offset " +
                               std::to_string(offset) + ")";
  if (sizes.size() != strides.size())
    throw Error(damaged + "has " + std::to_string(sizes.size()) + " sizes but " + std::to_string(strides.size()) +
                " strides " + geometry);
  if (offset < 0) throw Error(damaged + "starts before its storage " + geometry);
  for (size_t d = 0; d < sizes.size(); ++d)
    if (sizes[d] < 0 || strides[d] < 0)
      throw Error(damaged + "has a negative size or stride " + geometry + "; torch.save never writes one");
  for (int64_t size : sizes)
    if (size == 0) return;  // no element is read (the shape check refuses it)
  // Index of the last element reached, then the bytes up to its end; any wrap-around is out of bounds.
  const auto element_size = static_cast<uint64_t>(on.element_size());
  uint64_t last = static_cast<uint64_t>(offset), elements = 1, end = 0, reach = 0;
  bool wraps = false;
  for (size_t d = 0; d < sizes.size(); ++d) {
    wraps |= __builtin_mul_overflow(static_cast<uint64_t>(sizes[d] - 1), static_cast<uint64_t>(strides[d]), &reach);
    wraps |= __builtin_add_overflow(last, reach, &last);
    wraps |= __builtin_mul_overflow(elements, static_cast<uint64_t>(sizes[d]), &elements);
  }
  wraps |= __builtin_add_overflow(last, uint64_t(1), &end);
  wraps |= __builtin_mul_overflow(end, element_size, &end);
  const auto record = record_bytes.find(on.storage().data_ptr().get());
  const uint64_t stored = record == record_bytes.end() ? 0 : std::min<uint64_t>(record->second, on.storage().nbytes());
  if (wraps || end > stored)
    throw Error(damaged + geometry + " reaches " + (wraps ? "beyond 2^64 bytes" : "byte " + std::to_string(end)) +
                " of its storage, which holds " + std::to_string(stored) + " bytes; it was not read");
  if (elements > kMaxTokenMemberBytes / element_size)  // stride 0 repeats elements without storing them
    throw Error(path.string() + " is not a part token: its tensor " + c10::str(sizes) + " has " +
                std::to_string(elements) + " elements (a token is a few kilobytes)");
}

// Tensors rebuilt here (kCheckedRebuildTensor) and parameters
// (`torch._utils._rebuild_parameter(data, requires_grad, hooks)`) become objects of these
// classes holding the tensor; anything else that needs Python is refused.
struct TensorHolderTypes {
  std::shared_ptr<torch::jit::CompilationUnit> unit = std::make_shared<torch::jit::CompilationUnit>();
  c10::ClassTypePtr parameter = holder("partedit.Parameter");
  c10::ClassTypePtr tensor = holder("partedit.Tensor");

  c10::ClassTypePtr holder(const std::string& name) {
    auto type = c10::ClassType::create(c10::QualifiedName(name), unit);
    type->addAttribute("data", c10::TensorType::get());
    return type;
  }
};

std::vector<int64_t> pickled_ints(const fs::path& path, const c10::IValue& v, const char* what) {
  const auto fail = [&] { return Error(path.string() + " is damaged: a tensor's " + what + " are not a tuple of integers"); };
  if (!v.isTuple()) throw fail();
  std::vector<int64_t> out;
  for (const auto& e : v.toTupleRef().elements()) {
    if (!e.isInt()) throw fail();
    out.push_back(e.toInt());
  }
  return out;
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks), checked.
at::Tensor rebuild_checked_tensor(const fs::path& path, const c10::IValue& args, const RecordBytes& record_bytes) {
  if (!args.isTuple() || args.toTupleRef().elements().size() < 4 || !args.toTupleRef().elements()[0].isTensor() ||
      !args.toTupleRef().elements()[1].isInt())
    throw Error(path.string() + " is damaged: a tensor without its storage, offset, sizes and strides");
  const auto& a = args.toTupleRef().elements();
  const at::Tensor& storage = a[0].toTensor();  // the whole storage, as LibTorch's persistent load returns it
  const int64_t offset = a[1].toInt();
  const auto sizes = pickled_ints(path, a[2], "sizes"), strides = pickled_ints(path, a[3], "strides");
  check_tensor_geometry(path, storage, record_bytes, offset, sizes, strides);
  return at::empty({0}, storage.options()).set_(storage.storage(), offset, sizes, strides);
}

c10::IValue unpickle_archive(const fs::path& path, caffe2::serialize::PyTorchStreamReader& reader,
                             RecordBytes& record_bytes) {
  if (!reader.hasRecord("data.pkl"))
    throw Error(path.string() + " is a zip archive but not a torch.save file (it has no data.pkl)");
  const auto [pickle_ptr, pickle_size] = reader.getRecord("data.pkl");
  const std::string pickled(static_cast<const char*>(pickle_ptr.get()), pickle_size);
  check_pickle_arguments(path, pickled);
  const std::string pickle = normalise_pickle(path, pickled);
  size_t offset = 0;
  const auto read = [&](char* buffer, size_t n) {
    n = std::min(n, pickle.size() - offset);
    std::memcpy(buffer, pickle.data() + offset, n);
    offset += n;
    return n;
  };
  TensorHolderTypes holders;
  const auto resolve = [&](const c10::QualifiedName& name) -> c10::StrongTypePtr {
    const std::string q = name.qualifiedName();
    if (q == "torch._utils._rebuild_parameter" || q == "torch._utils._rebuild_parameter_with_state")
      return c10::StrongTypePtr(holders.unit, holders.parameter);
    if (q == "partedit._rebuild_tensor_v2") return c10::StrongTypePtr(holders.unit, holders.tensor);
    // Container type tags ("Dict[str, Tensor]") that LibTorch's own pickler writes.
    c10::TypePtr parsed;
    try {
      parsed = torch::jit::Unpickler::defaultTypeParser(q);
    } catch (const std::exception&) {
      parsed = nullptr;
    }
    if (parsed && !parsed->cast<c10::ClassType>()) return c10::StrongTypePtr(holders.unit, parsed);
    throw Error(path.string() + " holds a Python object of type '" + q +
                "', which cannot be read without Python; save the tensor itself: torch.save(tensor.detach().cpu(), '" +
                path.filename().string() + "')");
  };
  uint64_t bytes_read = 0;
  const auto read_record = [&](const std::string& key) {
    auto [record, bytes] = reader.getRecord("data/" + key);
    bytes_read += bytes;
    if (bytes_read > kMaxTokenMemberBytes)
      throw Error(path.string() + " is not a part token: its pickle reads more than " +
                  format_byte_size(kMaxTokenMemberBytes) + " of tensor data (a token is a few kilobytes)");
    record_bytes[record.get()] = bytes;
    return std::move(record);
  };
  const auto load_object = [&](const c10::StrongTypePtr& type, const c10::IValue& args) {
    auto object = c10::ivalue::Object::create(type, 1);
    if (type.type_ == holders.tensor) {
      object->setSlot(0, rebuild_checked_tensor(path, args, record_bytes));
      return object;
    }
    if (!args.isTuple() || args.toTupleRef().elements().empty())
      throw Error(path.string() + ": a parameter without its tensor");
    object->setSlot(0, args.toTupleRef().elements()[0]);
    return object;
  };
  // Every storage goes to the CPU whatever device it was saved from (tokens are trained on GPUs).
  torch::jit::Unpickler unpickler(read, resolve, load_object, read_record, at::Device(at::kCPU));
  unpickler.set_version(reader.version());
  return unpickler.parse_ivalue();
}

// By value: IValue::tagKind() makes a temporary string (a const char* into it dangled).
std::string python_type_name(const c10::IValue& v) {
  if (v.isString()) return "str";
  if (v.isInt()) return "int";
  if (v.isDouble()) return "float";
  if (v.isBool()) return "bool";
  if (v.isNone()) return "None";
  if (v.isGenericDict()) return "dict";
  if (v.isList()) return "list";
  if (v.isTuple()) return "tuple";
  if (v.isObject()) return "object";
  return v.tagKind();
}

// A tensor, or one held by a checked rebuild or a parameter (which holds the former).
std::optional<at::Tensor> as_tensor(const c10::IValue& v) {
  c10::IValue held = v;
  for (int depth = 0; depth < 2 && held.isObject(); ++depth) {  // no deeper: a pickle can nest without end
    const auto& object = held.toObjectRef();
    const std::string name = object.type()->name() ? object.type()->name()->qualifiedName() : "";
    if (name != "partedit.Parameter" && name != "partedit.Tensor") return std::nullopt;
    held = object.getSlot(0);
  }
  if (held.isTensor()) return held.toTensor();
  return std::nullopt;
}

// The one tensor of the file: the value itself, or the only tensor among a container's values.
at::Tensor single_tensor(const fs::path& path, const c10::IValue& value) {
  if (auto t = as_tensor(value)) return *t;
  std::vector<c10::IValue> values;
  std::vector<std::string> labels;  // "'key'" or "[index]"
  if (value.isGenericDict()) {
    for (const auto& item : value.toGenericDict()) {
      values.push_back(item.value());
      labels.push_back(item.key().isString() ? "'" + item.key().toStringRef() + "'" : "a non-string key");
    }
  } else if (value.isList() || value.isTuple()) {
    const auto elements = value.isList() ? value.toListRef().vec() : value.toTupleRef().elements().vec();
    for (size_t i = 0; i < elements.size(); ++i) {
      values.push_back(elements[i]);
      labels.push_back("[" + std::to_string(i) + "]");
    }
  } else {
    throw Error(path.string() + " holds a " + python_type_name(value) +
                ", not a tensor; a part token file holds one [2, D] tensor");
  }
  std::vector<at::Tensor> tensors;
  std::string where;
  for (size_t i = 0; i < values.size(); ++i) {
    if (auto t = as_tensor(values[i])) {
      tensors.push_back(*t);
      where += (where.empty() ? "" : ", ") + labels[i];
    }
  }
  const std::string kind = python_type_name(value);
  if (tensors.empty())
    throw Error(path.string() + " holds a " + kind + " without a tensor among its values; a part token file holds one [2, D] tensor");
  if (tensors.size() > 1)
    throw Error(path.string() + " holds a " + kind + " with " + std::to_string(tensors.size()) + " tensors (" + where +
                "); it is ambiguous which is the token: save the one you mean alone with torch.save(tensor, path)");
  return tensors[0];
}

}  // namespace

PartToken import_torch_token(const fs::path& path, const std::string& part_name) {
  const std::vector<char> data = read_bytes(path);
  if (!has_magic(data, "PK\x03\x04", 4)) fail_not_zip(path, data);
  check_member_sizes(path, data);
  c10::IValue value;
  RecordBytes record_bytes;
  try {
    auto adapter = std::make_shared<caffe2::serialize::MemoryReadAdapter>(data.data(), static_cast<off_t>(data.size()));
    caffe2::serialize::PyTorchStreamReader reader(adapter);
    value = unpickle_archive(path, reader, record_bytes);
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    std::string why = e.what_without_backtrace();
    if (auto nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
    if (why.find("zip archive") != std::string::npos || why.find("record") != std::string::npos)
      fail_damaged_archive(path, why);
    throw Error(path.string() + " could not be read as a torch.save file: " + why);
  } catch (const std::exception& e) {
    throw Error(path.string() + " could not be read as a torch.save file: " + std::string(e.what()));
  }

  PartToken token;
  const at::Tensor tensor = single_tensor(path, value);
  // Again on the tensor itself: one LibTorch rebuilt (the pickle was not rewritten) is checked here.
  if (tensor.layout() != at::kStrided || tensor.is_quantized() || !tensor.has_storage())
    throw Error(path.string() + " holds a sparse or quantized tensor; a part token is a dense floating-point tensor");
  check_tensor_geometry(path, tensor, record_bytes, tensor.storage_offset(), tensor.sizes(), tensor.strides());
  token.embedding = validated_token_embedding(tensor, path.string());
  token.part_name = part_name.empty() ? part_name_from_text(path.stem().string()) : part_name;
  if (token.part_name.empty()) throw Error(path.string() + ": no part name given and none can be made from the file name");
  token.display_name = display_name_for(token.part_name);
  token.embedding_dim = token.embedding.size(1);
  token.base_model_family = family_for_width(token.embedding_dim);
  token.training_summary = "imported from " + path.filename().string();
  return token;
}

TokenFileKind token_file_kind(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  if (in.gcount() == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) return TokenFileKind::TorchSave;
  const std::string ext = lower_ascii(path.extension().string());
  if (ext == ".pt" || ext == ".pth" || ext == ".bin") return TokenFileKind::TorchSave;
  return ext == ".safetensors" ? TokenFileKind::Safetensors : TokenFileKind::Other;
}

PartToken read_token_file(const std::filesystem::path& path) {
  return token_file_kind(path) == TokenFileKind::TorchSave ? import_torch_token(path) : read_part_token(path);
}

}  // namespace partedit
