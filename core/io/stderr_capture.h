#pragma once
// Codec libraries (libpng, libjpeg, libtiff through OpenCV) print their own warnings and
// errors on stderr; PartEdit's messages must be its own. StderrCapture points file
// descriptor 2 at an anonymous in-memory file for the duration of one library call and
// returns what was written, so that the caller can turn it into a message of ours.
//
// The redirection is process-wide: captures are serialised by a (recursive) mutex, and
// lines that another thread writes to stderr meanwhile are caught too; the caller passes
// back what it does not recognise as library text to `reemit`, which writes it to the
// restored stderr (a little late, but not lost). If the redirection cannot be set up
// (no file descriptors left), nothing is captured and the library text reaches stderr.
#include <mutex>
#include <string>

namespace partedit {

class StderrCapture {
 public:
  StderrCapture();   // starts capturing
  ~StderrCapture();  // stops (if finish() was not called); the captured text is dropped
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  // Restores stderr and returns what was written meanwhile (at most 64 KiB of it).
  std::string finish();

  // Writes `text` to stderr (after finish(): to the real one).
  static void reemit(const std::string& text);

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  int saved_fd_ = -1;    // the stderr in place before, restored by finish()
  int capture_fd_ = -1;  // the in-memory file fd 2 points at meanwhile
};

}  // namespace partedit
