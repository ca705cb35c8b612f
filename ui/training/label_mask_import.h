#pragma once
// Importing a part mask from a file instead of painting it, either a plain mask or a label
// image of a part dataset. Every result is a QImage::Format_Grayscale8 mask of 0 / 255.
//
// Plain mask rule (the same as the engine's read_part_mask, core/io/image_mask.h, so a file
// means the same part in the wizard and on the command line):
// - a pixel's value is its alpha when the image has an alpha channel that is not fully
//   opaque (a layer exported with transparency), else the largest of its colour channels
//   (for a grey image: the grey value; white or any colour on black is part);
// - a file whose largest value is 1 (a 0/1 label file) counts 1 as part;
// - a pixel is part when its value is ≥ 50 % of full scale: ≥ 128 for 8 bits.
//
// Label images (PASCAL-Part, PartImageNet and the like): each pixel holds a class number.
// - a palette image (Indexed8, also 1/2/4-bit): the label is the palette INDEX, never the
//   palette's colour;
// - a grey image (8 or 16 bits, or RGB with R = G = B everywhere): the label is the value;
// - any other colour image is a colour-coded label map: each distinct RGB colour is a label
//   whose value is 0xRRGGBB (alpha ignored).
#include <QColor>
#include <QImage>
#include <QPoint>
#include <QSet>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>

namespace partedit::ui {

// ---- plain masks ------------------------------------------------------------------------

// The mask by the plain rule; null for a null image. `notes` gets a line when the 0/1 rule
// applied, and one when soft values (neither dark nor bright) were thresholded.
QImage binaryMaskFromImage(const QImage& image, QStringList* notes = nullptr);

// Reads an image file, EXIF orientation applied (as the engine reads photos and masks).
// Null with `error` set on failure.
QImage readImageFile(const QString& path, QString* error);

// Empty when the sizes agree, else a sentence for the artist (with a hint when the mask is
// the photo's size turned by 90°, a sign that one of them lost its orientation).
QString maskSizeError(const QSize& maskSize, const QSize& photoSize);

struct MaskImport {
  QImage mask;        // Grayscale8 0/255 at the photo's size; null on error
  QString error;      // empty on success
  QStringList notes;  // how the file was read, worth showing
};

// Reads `path` as a plain mask for a photo of `photoSize`.
MaskImport importMaskFile(const QString& path, const QSize& photoSize);

// ---- label images -----------------------------------------------------------------------

enum class LabelEncoding { Index, Grey, Colour };  // by the rules above

struct LabelCount {
  int value = 0;
  qint64 pixels = 0;
};

LabelEncoding labelEncoding(const QImage& labelImage);
// Each label value present with its pixel count, by ascending value.
QVector<LabelCount> distinctLabels(const QImage& labelImage);
// 255 where the pixel's label is one of `values`, else 0.
QImage maskForLabels(const QImage& labelImage, const QSet<int>& values);
// The label of one pixel (encoding from labelEncoding()); -1 outside the image.
int labelAt(const QImage& labelImage, const QPoint& pixel, LabelEncoding encoding);
// True for a palette or grey image using more than two values, all below 64: a class map
// rather than a mask (offer the label picker instead of the plain rule).
bool looksLikeLabelImage(const QImage& image);

// The colour a label is shown in: its own colour when colour-coded, else a fixed distinct
// colour per value (neighbouring values far apart in hue; 0, usually background, dark grey).
QColor labelColour(int value, LabelEncoding encoding);
QString labelName(int value, LabelEncoding encoding);  // "3", or "#ff8000" when colour-coded
// The label image in labelColour(); when `chosen` is not empty the other labels are dimmed.
QImage falseColourLabels(const QImage& labelImage, const QSet<int>& chosen = {});

}  // namespace partedit::ui
