// import_torch_token: the authors' published tokens are PyTorch `torch.save` files.
// torch::pickle_load (LibTorch 1.13) cannot read them all: it rejects the SETITEM / APPEND
// opcodes Python emits for one-entry dicts and lists, maps a tensor saved on "cuda:0" to
// CUDA (which a CPU LibTorch lacks) and does not know nn.Parameter's reducer. So the same
// public pieces it is built from are used directly: PyTorchStreamReader opens the zip,
// the pickle is rewritten to use only MARK-based SETITEMS/APPENDS, and an Unpickler loads
// it with every storage on the CPU and parameters unwrapped through a type resolver.
#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include <ATen/ATen.h>
#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include "editing/part_token.h"
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

// Returns the pickle with every SETITEM (dict, key, value) rewritten as
// dict MARK key value SETITEMS and every APPEND as list MARK item APPENDS; that needs the
// byte offset where each stack item's construction starts, found by simulating the stack.
// Anything unexpected returns the input unchanged for the Unpickler to report.
std::string normalise_pickle(const std::string& in) {
  std::vector<size_t> stack;                          // start offset of each stack item
  std::vector<std::pair<size_t, size_t>> marks;       // (stack size, offset of the MARK)
  std::vector<size_t> inserts;                        // offsets that get a MARK before them
  std::vector<std::pair<size_t, char>> replacements;  // (offset, new opcode), ascending
  for (size_t pos = 0; pos < in.size();) {
    const size_t at = pos;
    const uint8_t op = uint8_t(in[pos++]);
    const auto info = op_info(op);
    if (!info) return in;
    const auto skip = argument_size(in, pos, *info);
    if (!skip) return in;
    pos += *skip;
    switch (info->effect) {
      case Effect::Keep: break;
      case Effect::Push: case Effect::Dup: stack.push_back(at); break;
      case Effect::Mark: marks.emplace_back(stack.size(), at); break;
      case Effect::FromMark: case Effect::PopToMark: {
        if (marks.empty() || marks.back().first > stack.size()) return in;
        stack.resize(marks.back().first);
        if (info->effect == Effect::FromMark) stack.push_back(marks.back().second);
        marks.pop_back();
        break;
      }
      case Effect::Combine: {  // pop n, push one that starts where the deepest started
        if (stack.size() < size_t(info->pops)) return in;
        const size_t start = stack[stack.size() - info->pops];
        stack.resize(stack.size() - info->pops);
        stack.push_back(start);
        break;
      }
      case Effect::Pop: {
        const bool into_container = op != '0';  // APPEND / SETITEM keep the container
        if (stack.size() < size_t(info->pops) + (into_container ? 1 : 0)) return in;
        if (into_container) {
          inserts.push_back(stack[stack.size() - info->pops]);  // before the item / the key
          replacements.emplace_back(at, op == 's' ? 'u' : 'e');
        }
        stack.resize(stack.size() - info->pops);
        break;
      }
      case Effect::Stop: pos = in.size(); break;
    }
    if (!marks.empty() && marks.back().first > stack.size()) return in;
  }
  if (inserts.empty()) return in;
  std::sort(inserts.begin(), inserts.end());
  std::string out;
  out.reserve(in.size() + inserts.size());
  size_t next_insert = 0, next_replacement = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    for (; next_insert < inserts.size() && inserts[next_insert] == i; ++next_insert) out += '(';
    if (next_replacement < replacements.size() && replacements[next_replacement].first == i)
      out += replacements[next_replacement++].second;
    else
      out += in[i];
  }
  return out;
}

// ---- reading the archive -------------------------------------------------------------

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

// Parameters (`torch._utils._rebuild_parameter(data, requires_grad, hooks)`) become objects
// of this class holding the tensor; anything else that needs Python is refused.
struct ParameterTypes {
  std::shared_ptr<torch::jit::CompilationUnit> unit = std::make_shared<torch::jit::CompilationUnit>();
  c10::ClassTypePtr type;
  ParameterTypes() {
    type = c10::ClassType::create(c10::QualifiedName("partedit.Parameter"), unit);
    type->addAttribute("data", c10::TensorType::get());
  }
};

c10::IValue unpickle_archive(const fs::path& path, caffe2::serialize::PyTorchStreamReader& reader) {
  if (!reader.hasRecord("data.pkl"))
    throw Error(path.string() + " is a zip archive but not a torch.save file (it has no data.pkl)");
  const auto [pickle_ptr, pickle_size] = reader.getRecord("data.pkl");
  const std::string pickle =
      normalise_pickle(std::string(static_cast<const char*>(pickle_ptr.get()), pickle_size));
  size_t offset = 0;
  const auto read = [&](char* buffer, size_t n) {
    n = std::min(n, pickle.size() - offset);
    std::memcpy(buffer, pickle.data() + offset, n);
    offset += n;
    return n;
  };
  ParameterTypes params;
  const auto resolve = [&](const c10::QualifiedName& name) -> c10::StrongTypePtr {
    const std::string q = name.qualifiedName();
    if (q == "torch._utils._rebuild_parameter" || q == "torch._utils._rebuild_parameter_with_state")
      return c10::StrongTypePtr(params.unit, params.type);
    // Container type tags ("Dict[str, Tensor]") that LibTorch's own pickler writes.
    c10::TypePtr parsed;
    try {
      parsed = torch::jit::Unpickler::defaultTypeParser(q);
    } catch (const std::exception&) {
      parsed = nullptr;
    }
    if (parsed && !parsed->cast<c10::ClassType>()) return c10::StrongTypePtr(params.unit, parsed);
    throw Error(path.string() + " holds a Python object of type '" + q +
                "', which cannot be read without Python; save the tensor itself: torch.save(tensor.detach().cpu(), '" +
                path.filename().string() + "')");
  };
  const auto load_object = [&](const c10::StrongTypePtr& type, const c10::IValue& args) {
    auto object = c10::ivalue::Object::create(type, 1);
    if (!args.isTuple() || args.toTupleRef().elements().empty())
      throw Error(path.string() + ": a parameter without its tensor");
    object->setSlot(0, args.toTupleRef().elements()[0]);
    return object;
  };
  const auto read_record = [&](const std::string& key) { return std::get<0>(reader.getRecord("data/" + key)); };
  // Every storage goes to the CPU whatever device it was saved from (tokens are trained on GPUs).
  torch::jit::Unpickler unpickler(read, resolve, load_object, read_record, at::Device(at::kCPU));
  unpickler.set_version(reader.version());
  return unpickler.parse_ivalue();
}

const char* python_type_name(const c10::IValue& v) {
  if (v.isString()) return "str";
  if (v.isInt()) return "int";
  if (v.isDouble()) return "float";
  if (v.isBool()) return "bool";
  if (v.isNone()) return "None";
  if (v.isGenericDict()) return "dict";
  if (v.isList()) return "list";
  if (v.isTuple()) return "tuple";
  if (v.isObject()) return "object";
  return v.tagKind().c_str();
}

std::optional<at::Tensor> as_tensor(const c10::IValue& v) {
  if (v.isTensor()) return v.toTensor();
  if (v.isObject() && v.toObjectRef().type()->name() &&
      v.toObjectRef().type()->name()->qualifiedName() == "partedit.Parameter" && v.toObjectRef().getSlot(0).isTensor())
    return v.toObjectRef().getSlot(0).toTensor();
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
  c10::IValue value;
  try {
    auto adapter = std::make_shared<caffe2::serialize::MemoryReadAdapter>(data.data(), static_cast<off_t>(data.size()));
    caffe2::serialize::PyTorchStreamReader reader(adapter);
    value = unpickle_archive(path, reader);
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    std::string why = e.what_without_backtrace();
    if (auto nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
    if (why.find("zip archive") != std::string::npos || why.find("record") != std::string::npos)
      throw Error(path.string() + " is a damaged or truncated torch.save archive (" + why + "); download it again");
    throw Error(path.string() + " could not be read as a torch.save file: " + why);
  } catch (const std::exception& e) {
    throw Error(path.string() + " could not be read as a torch.save file: " + std::string(e.what()));
  }

  PartToken token;
  token.embedding = validated_token_embedding(single_tensor(path, value), path.string());
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
