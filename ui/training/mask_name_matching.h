#pragma once
// Which training image each of several mask files belongs to, by file name, so a folder of
// masks imports in one go (as datasets and other tools name them):
// - a mask belongs to the image whose base name (the file name without its last suffix,
//   compared without regard to case) equals the mask's base name: cat1.jpg ← cat1.png;
// - or is the mask's base name up to a separator ('_', '-', '.', ' '): cat1.jpg ←
//   cat1_mask.png, cat1-label.png, cat1.seg.png (never cat10.png: '0' is no separator);
//   when several images fit, the longest name wins (cat1_b.jpg takes cat1_b_mask.png);
// - an exact match wins over a prefix match for the same image, and of several masks that
//   fit one image equally well the first is taken; the others are reported;
// - images with the same base name in different folders are ambiguous: such a mask is
//   reported, not guessed;
// - a mask file that IS a training image is never its own mask.
#include <QString>
#include <QStringList>
#include <QVector>

namespace partedit::ui {

struct MaskMatch {
  int image = -1;    // index into the image paths
  QString maskPath;
};

struct MaskMatching {
  QVector<MaskMatch> matched;  // in the order of the masks given
  QStringList problems;        // one plain sentence per mask that was not matched
};

MaskMatching matchMasksToImages(const QStringList& maskPaths, const QStringList& imagePaths);

}  // namespace partedit::ui
