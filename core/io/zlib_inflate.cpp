#include "io/zlib_inflate.h"

#ifdef PARTEDIT_WITH_ZLIB
#include <zlib.h>
#endif

namespace partedit {

#ifndef PARTEDIT_WITH_ZLIB
std::optional<std::string> inflate_bounded(std::string_view, size_t) { return std::nullopt; }
#else
std::optional<std::string> inflate_bounded(std::string_view compressed, size_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) return std::nullopt;
  std::string out;
  char buffer[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (out.size() > max_bytes) {
      status = Z_MEM_ERROR;
      break;
    }
    if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return out;
}
#endif

}  // namespace partedit
