#pragma once
// Opening a real photo for editing (algorithm.md §4): any size and aspect, PNG / JPEG / WebP
// / TIFF, 8 or 16 bits (float TIFF too), grey, RGB or with alpha, EXIF orientation applied;
// the header is checked before decoding so that a huge or damaged file fails with a clear
// message instead of exhausting memory. Returns the photo at full resolution (for the
// final compositing, editing/compositing.h) and cropped/scaled to the model's working frame
// (editing/photo_fit.h): large photos are scaled down, small ones (any size, even 1 × 1)
// scaled up, and the result goes back at the photo's size. A JPEG cut short is decoded as
// far as its data goes, with a warning saying what is missing; the codec libraries' own
// text never reaches stderr (io/image_decode.h).
//
// Alpha: the model sees RGB, so both tensors are the photo composited over white (what a
// viewer shows on a white page, as read_image does); the alpha channel itself is kept in
// Photo::alpha so that a writer of RGBA can restore transparency around the composited
// result. CMYK JPEG: with an Adobe APP14 marker (Photoshop's inverted CMYK or YCCK, the form
// such files take in practice) converted naively (R = (1 - C)(1 - K), no ICC profile,
// warning); without one the ink polarity is ambiguous and the file is refused.
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "io/photo_fit.h"
#include "io/image_header.h"

namespace partedit {

struct PhotoOptions {
  FitOptions fit;                    // working frame: multiple (VAE factor), pixel budget, smallest side
  int64_t max_pixels = 100'000'000;  // decoder limit, checked on the header before decoding
  bool reduce_huge_jpeg = true;      // JPEGs above max_pixels: decode at 1/2, 1/4 or 1/8 (libjpeg
                                     // DCT scaling, never at full size) with a warning, not refuse
};

struct Photo {
  at::Tensor working;   // [3, H, W] float RGB in [0, 1]: the crop scaled to fit.width × fit.height
  at::Tensor original;  // [3, H0, W0] float RGB in [0, 1]: oriented, full resolution, over white
  at::Tensor alpha;     // [1, H0, W0] float in [0, 1] when the file has alpha; undefined otherwise
  PhotoFit fit;         // original <-> working geometry
  ImageHeader header;   // format, stored size, orientation, bit depth
  std::vector<std::string> warnings;  // e.g. decoded at reduced size, CMYK converted, damaged or cut short
  std::vector<std::string> notes;     // e.g. the working size differs from the photo's (describe_fit)
};

// The photo as read: `original`, `alpha`, `header` and `warnings` (the decode reduction in
// fit.decode_reduction); no working frame. Throws as load_photo, except for the fit.
Photo read_photo(const std::string& path, const PhotoOptions& options = {});

// Loads `path` as described above. Throws Error naming the file when it is missing, a
// folder or other non-file, unreadable, empty, not one of the four formats, damaged (a
// damaged file is reported as such whatever its size), a truncated PNG or WebP, larger than
// max_pixels (unless a reducible JPEG), too elongated for the working frame, or a CMYK JPEG
// without an Adobe marker.
Photo load_photo(const std::string& path, const PhotoOptions& options = {});

// What load_photo checks before decoding (the file, its header, the size limits), for a
// caller that wants to fail before slow work such as loading a model. Throws as load_photo.
ImageHeader check_photo_file(const std::string& path, const PhotoOptions& options = {});

}  // namespace partedit
