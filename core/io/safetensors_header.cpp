#include "io/safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "runtime/error.h"
#include "runtime/message_text.h"

namespace partedit {
namespace {

using json = nlohmann::json;
constexpr size_t kMaxValueChars = 40;  // JSON values quoted in messages

// Builds the header's JSON value through nlohmann's SAX interface. Unlike json::parse it
// refuses a key repeated within one object (json::parse keeps the last, so a second
// "dtype" would win silently) and reports syntax errors in our words. Linear in the header
// size: json::parse with a callback rescans the enclosing object after every closed entry,
// which made 100,000 tensors take minutes.
class StrictHeaderBuilder {
 public:
  StrictHeaderBuilder(const std::filesystem::path& path, std::string_view text) : path_(path), text_(text) {}

  json root;

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(json::number_integer_t value) { return add(value); }
  bool number_unsigned(json::number_unsigned_t value) { return add(value); }
  bool number_float(json::number_float_t value, const json::string_t&) { return add(value); }
  bool string(json::string_t& value) { return add(std::move(value)); }
  bool binary(json::binary_t&) { return false; }  // JSON text has no binary values
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  bool key(json::string_t& name) {
    Frame& frame = frames_.back();
    auto [it, inserted] = frame.value->get_ref<json::object_t&>().emplace(name, nullptr);
    if (!inserted) repeated_key(name);
    frame.slot = &it->second;
    frame.key = name;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception&) {
    // `position` counts the bytes read, the offending one included.
    const size_t at = position > 0 ? position - 1 : 0;
    if (at >= text_.size())
      throw_invalid_safetensors(path_, "the header is not valid JSON: it ends before its JSON text does");
    throw_invalid_safetensors(path_, "the header is not valid JSON (near byte " + std::to_string(at) + " of the header: '" +
                                         printable_excerpt(text_.substr(at, 24), 24) + "')");
  }

 private:
  struct Frame {
    json* value;            // the open object or array
    json* slot = nullptr;   // objects: where the value of the last key goes
    std::string key;        // objects: the last key, for messages
  };

  // Puts `value` where the parse is (root, next array element or the last key's slot).
  json* place(json&& value) {
    if (frames_.empty()) {
      root = std::move(value);
      return &root;
    }
    Frame& frame = frames_.back();
    if (frame.value->is_array()) {
      auto& array = frame.value->get_ref<json::array_t&>();
      array.push_back(std::move(value));
      return &array.back();  // stable: the array grows again only after this child closes
    }
    *frame.slot = std::move(value);
    return frame.slot;
  }
  bool add(json&& value) {
    place(std::move(value));
    return true;
  }
  bool open(json&& container) {
    frames_.push_back({place(std::move(container))});
    return true;
  }
  bool close() {
    frames_.pop_back();
    return true;
  }

  [[noreturn]] void repeated_key(const std::string& name) const {
    if (frames_.size() == 1) {
      if (name == "__metadata__") throw_invalid_safetensors(path_, "__metadata__ appears twice in the header");
      throw_invalid_safetensors(path_, "tensor " + quoted_name(name) + " appears twice in the header");
    }
    if (frames_.size() == 2) {
      const std::string& owner = frames_[0].key;
      const std::string what = owner == "__metadata__" ? "__metadata__" : "tensor " + quoted_name(owner);
      throw_invalid_safetensors(path_, what + " has the key " + quoted_name(name) + " twice");
    }
    throw_invalid_safetensors(path_, "the key " + quoted_name(name) + " appears twice in one object of the header");
  }

  const std::filesystem::path& path_;
  std::string_view text_;
  std::vector<Frame> frames_;
};

std::string excerpt_of(const json& value) { return printable_excerpt(value.dump(), kMaxValueChars); }

void parse_metadata(const std::filesystem::path& path, const json& value, std::map<std::string, std::string>& metadata) {
  if (value.is_null()) return;  // as the reference reader: no metadata
  if (!value.is_object()) throw_invalid_safetensors(path, "__metadata__ is not an object");
  for (auto m = value.begin(); m != value.end(); ++m) {
    if (!m->is_string())
      throw_invalid_safetensors(path, "__metadata__ value " + quoted_name(m.key()) + " is not a string but " +
                                          excerpt_of(*m));
    metadata[m.key()] = m->get<std::string>();
  }
}

// One header entry {dtype, shape, data_offsets}, checked against the data section's size.
SafetensorsEntry parse_entry(const std::filesystem::path& path, const std::string& name, const json& info,
                             uint64_t data_size) {
  const auto fail = [&](const std::string& what) { throw_invalid_safetensors(path, "tensor " + quoted_name(name) + " " + what); };
  if (!info.is_object() || !info.contains("dtype") || !info.contains("shape") || !info.contains("data_offsets"))
    fail("lacks dtype, shape or data_offsets");
  SafetensorsEntry entry;
  entry.name = name;
  if (!info.at("dtype").is_string()) fail("has a non-string dtype " + excerpt_of(info.at("dtype")));
  entry.dtype = info.at("dtype").get<std::string>();
  const uint64_t element_size = safetensors_dtype_size(entry.dtype);
  if (element_size == 0) fail("has unsupported dtype " + quoted_name(entry.dtype));
  if (!info.at("shape").is_array()) fail("has a non-array shape " + excerpt_of(info.at("shape")));
  uint64_t numel = 1;
  for (const auto& d : info.at("shape")) {
    if (!d.is_number_unsigned()) fail("has an invalid dimension " + excerpt_of(d));
    const uint64_t dim = d.get<uint64_t>();
    if (dim > (1ull << 40) || (dim && numel > (1ull << 62) / dim)) fail("has an absurd shape");
    numel *= dim;
    entry.shape.push_back(static_cast<int64_t>(dim));
  }
  const auto& offsets = info.at("data_offsets");
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
    fail("has invalid data_offsets " + excerpt_of(offsets));
  entry.begin = offsets[0].get<uint64_t>();
  entry.end = offsets[1].get<uint64_t>();
  if (entry.begin > entry.end) fail("has data_offsets with begin > end");
  if (entry.end > data_size)
    fail("ends at byte " + std::to_string(entry.end) + " of the data section, which has only " +
         std::to_string(data_size) + " bytes (truncated file?)");
  // Divide rather than multiply: numel * element_size can wrap around 2^64.
  const uint64_t bytes = entry.end - entry.begin;
  if (bytes % element_size != 0 || bytes / element_size != numel)
    fail("holds " + std::to_string(bytes) + " bytes, which does not match dtype " + entry.dtype + " and " +
         std::to_string(numel) + " elements");
  return entry;
}

// The tensors, in offset order, must tile the data section: each starts where the one
// before ends, and the last ends where the file does (reference: Metadata::validate).
void check_coverage(const std::filesystem::path& path, const std::vector<SafetensorsEntry>& entries, uint64_t data_size) {
  uint64_t covered = 0;
  const SafetensorsEntry* previous = nullptr;
  for (const auto& e : entries) {
    if (e.begin > covered)
      throw_invalid_safetensors(path, "bytes " + std::to_string(covered) + " to " + std::to_string(e.begin) +
                                          " of the data section belong to no tensor (a gap before tensor " +
                                          quoted_name(e.name) + ")");
    if (e.begin < covered)
      throw_invalid_safetensors(path, "tensor " + quoted_name(e.name) + " (bytes " + std::to_string(e.begin) + " to " +
                                          std::to_string(e.end) + ") overlaps tensor " + quoted_name(previous->name) +
                                          ", which ends at byte " + std::to_string(covered));
    covered = e.end;
    previous = &e;
  }
  if (covered == data_size) return;
  if (entries.empty())
    throw_invalid_safetensors(path, "the header lists no tensors but the data section has " + std::to_string(data_size) +
                                        " bytes");
  throw_invalid_safetensors(path, "the data section has " + std::to_string(data_size - covered) +
                                      " trailing bytes after the last tensor, " + quoted_name(previous->name) +
                                      " (the tensors cover " + std::to_string(covered) + " of " +
                                      std::to_string(data_size) + " bytes)");
}

}  // namespace

void throw_invalid_safetensors(const std::filesystem::path& path, const std::string& what) {
  throw Error("invalid safetensors file " + path.string() + ": " + what);
}

std::string quoted_name(std::string_view name) { return "'" + printable_excerpt(name, 80) + "'"; }

SafetensorsHeader parse_safetensors_header(const std::filesystem::path& path, std::string_view text,
                                           uint64_t data_size) {
  // 1. JSON. nlohmann takes a NUL byte for the end of the input, so NUL padding (or
  // anything after a NUL) would pass unseen; JSON text never contains one.
  if (const void* nul = std::memchr(text.data(), '\0', text.size()))
    throw_invalid_safetensors(path, "the header has a NUL byte at byte " +
                                        std::to_string(static_cast<const char*>(nul) - text.data()) +
                                        " of the header; it may only be padded with spaces");
  StrictHeaderBuilder builder(path, text);
  json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (!builder.root.is_object()) throw_invalid_safetensors(path, "the header is not a JSON object");

  // 2. entries and metadata
  SafetensorsHeader header;
  header.entries.reserve(builder.root.size());
  for (auto it = builder.root.begin(); it != builder.root.end(); ++it) {
    if (it.key() == "__metadata__")
      parse_metadata(path, *it, header.metadata);
    else
      header.entries.push_back(parse_entry(path, it.key(), *it, data_size));
  }

  // 3. offset order (nlohmann sorts keys by name), then exact coverage of the data
  std::sort(header.entries.begin(), header.entries.end(), [](const auto& a, const auto& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  check_coverage(path, header.entries, data_size);
  return header;
}

}  // namespace partedit
