#include "ui/training/label_mask_import.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QImageReader>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <vector>

namespace partedit::ui {

namespace {

// This file's messages, translated in the context "partedit::ui::LabelMaskImport".
struct LabelMaskImportText {
  Q_DECLARE_TR_FUNCTIONS(partedit::ui::LabelMaskImport)
};

// Above this share of in-between pixels a file is not a clean mask (the engine refuses it,
// core/io/image_mask.h); here it is thresholded, and the artist told so.
constexpr double kSoftFractionWorthANote = 0.02;

bool isSixteenBit(QImage::Format format) {
  switch (format) {
    case QImage::Format_RGBX64:
    case QImage::Format_RGBA64:
    case QImage::Format_RGBA64_Premultiplied:
    case QImage::Format_Grayscale16:
      return true;
    default:
      return false;
  }
}

bool isFloat(QImage::Format format) {
  switch (format) {
    case QImage::Format_RGBX16FPx4:
    case QImage::Format_RGBA16FPx4:
    case QImage::Format_RGBA16FPx4_Premultiplied:
    case QImage::Format_RGBX32FPx4:
    case QImage::Format_RGBA32FPx4:
    case QImage::Format_RGBA32FPx4_Premultiplied:
      return true;
    default:
      return false;
  }
}

// The plain rule's value of each pixel of a row, at the image's own full scale.
class MaskValues {
 public:
  explicit MaskValues(const QImage& image) {
    wide_ = isSixteenBit(image.format()) || isFloat(image.format());
    if (image.format() == QImage::Format_Grayscale8 || image.format() == QImage::Format_Grayscale16) {
      image_ = image;
    } else {
      image_ = image.convertToFormat(wide_ ? QImage::Format_RGBA64 : QImage::Format_ARGB32);
      useAlpha_ = image.hasAlphaChannel() && lowestAlpha() < fullScale();
    }
    noZeroOneRule_ = isFloat(image.format());  // a float mask has no "value 1 of 255"
  }

  int fullScale() const { return wide_ ? 65535 : 255; }
  bool zeroOneRuleAllowed() const { return !noZeroOneRule_; }
  QSize size() const { return image_.size(); }

  void row(int y, std::vector<int>& out) const {
    const int width = image_.width();
    out.resize(static_cast<size_t>(width));
    switch (image_.format()) {
      case QImage::Format_Grayscale8: {
        const uchar* in = image_.constScanLine(y);
        std::copy(in, in + width, out.begin());
        return;
      }
      case QImage::Format_Grayscale16: {
        const auto* in = reinterpret_cast<const quint16*>(image_.constScanLine(y));
        std::copy(in, in + width, out.begin());
        return;
      }
      case QImage::Format_ARGB32: {
        const auto* in = reinterpret_cast<const QRgb*>(image_.constScanLine(y));
        for (int x = 0; x < width; ++x)
          out[x] = useAlpha_ ? qAlpha(in[x]) : std::max({qRed(in[x]), qGreen(in[x]), qBlue(in[x])});
        return;
      }
      default: {  // RGBA64
        const auto* in = reinterpret_cast<const QRgba64*>(image_.constScanLine(y));
        for (int x = 0; x < width; ++x)
          out[x] = useAlpha_ ? in[x].alpha() : std::max({in[x].red(), in[x].green(), in[x].blue()});
        return;
      }
    }
  }

 private:
  int lowestAlpha() const {
    int lowest = fullScale();
    for (int y = 0; y < image_.height(); ++y) {
      for (int x = 0; x < image_.width(); ++x) {
        const int alpha = wide_ ? reinterpret_cast<const QRgba64*>(image_.constScanLine(y))[x].alpha()
                                : qAlpha(reinterpret_cast<const QRgb*>(image_.constScanLine(y))[x]);
        lowest = std::min(lowest, alpha);
      }
    }
    return lowest;
  }

  QImage image_;
  bool wide_ = false;
  bool useAlpha_ = false;
  bool noZeroOneRule_ = false;
};

// The label image in a form whose rows read as label values, and its encoding.
struct Labels {
  LabelEncoding encoding = LabelEncoding::Grey;
  QImage image;  // Indexed8 / Mono / MonoLSB / Grayscale8 / Grayscale16 / ARGB32

  explicit Labels(const QImage& source) {
    switch (source.format()) {
      case QImage::Format_Indexed8:
      case QImage::Format_Mono:
      case QImage::Format_MonoLSB:
        encoding = LabelEncoding::Index;
        image = source;
        return;
      case QImage::Format_Grayscale8:
      case QImage::Format_Grayscale16:
        encoding = LabelEncoding::Grey;
        image = source;
        return;
      default:
        break;
    }
    image = source.convertToFormat(QImage::Format_ARGB32);
    encoding = LabelEncoding::Grey;
    for (int y = 0; y < image.height() && encoding == LabelEncoding::Grey; ++y) {
      const auto* in = reinterpret_cast<const QRgb*>(image.constScanLine(y));
      for (int x = 0; x < image.width(); ++x) {
        if (qRed(in[x]) != qGreen(in[x]) || qGreen(in[x]) != qBlue(in[x])) {
          encoding = LabelEncoding::Colour;
          break;
        }
      }
    }
  }

  // Label values fit a table of this size unless colour-coded.
  static constexpr int kTableSize = 65536;

  void row(int y, std::vector<int>& out) const {
    const int width = image.width();
    out.resize(static_cast<size_t>(width));
    switch (image.format()) {
      case QImage::Format_Indexed8:
      case QImage::Format_Grayscale8: {
        const uchar* in = image.constScanLine(y);
        std::copy(in, in + width, out.begin());
        return;
      }
      case QImage::Format_Grayscale16: {
        const auto* in = reinterpret_cast<const quint16*>(image.constScanLine(y));
        std::copy(in, in + width, out.begin());
        return;
      }
      case QImage::Format_Mono:
      case QImage::Format_MonoLSB:
        for (int x = 0; x < width; ++x) out[x] = image.pixelIndex(x, y);
        return;
      default: {
        const auto* in = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        const bool colour = encoding == LabelEncoding::Colour;
        for (int x = 0; x < width; ++x) out[x] = colour ? static_cast<int>(in[x] & 0xFFFFFFu) : qRed(in[x]);
        return;
      }
    }
  }
};

}  // namespace

// ---- plain masks ------------------------------------------------------------------------

QImage binaryMaskFromImage(const QImage& image, QStringList* notes) {
  if (image.isNull()) return {};
  const MaskValues values(image);
  const int full = values.fullScale();
  std::vector<int> row;
  int highest = 0;
  qint64 soft = 0;
  for (int y = 0; y < values.size().height(); ++y) {
    values.row(y, row);
    for (const int v : row) {
      highest = std::max(highest, v);
      soft += v * 10 > full && v * 10 < full * 9;  // strictly between 10 % and 90 %
    }
  }
  const bool zeroOne = values.zeroOneRuleAllowed() && highest == 1;
  QImage mask(values.size(), QImage::Format_Grayscale8);
  for (int y = 0; y < mask.height(); ++y) {
    values.row(y, row);
    uchar* out = mask.scanLine(y);
    for (int x = 0; x < mask.width(); ++x) out[x] = (zeroOne ? row[x] >= 1 : 2 * row[x] >= full) ? 255 : 0;
  }
  if (notes) {
    if (zeroOne) notes->append(LabelMaskImportText::tr("The file holds only the values 0 and 1: 1 was taken as the part."));
    const double softFraction = double(soft) / (double(mask.width()) * mask.height());
    if (softFraction > kSoftFractionWorthANote)
      notes->append(LabelMaskImportText::tr("%1 % of the pixels were neither dark nor bright; those of 50 % or more became part.")
                        .arg(std::lround(softFraction * 100.0)));
  }
  return mask;
}

QImage readImageFile(const QString& path, QString* error) {
  QImageReader reader(path);
  reader.setAutoTransform(true);
  QImage image = reader.read();
  if (image.isNull() && error)
    *error = LabelMaskImportText::tr("Could not read “%1”: %2").arg(QFileInfo(path).fileName(), reader.errorString());
  return image;
}

QString maskSizeError(const QSize& maskSize, const QSize& photoSize) {
  if (maskSize == photoSize) return {};
  QString message = LabelMaskImportText::tr("The mask is %1 × %2 pixels but the photo is %3 × %4 pixels. "
                       "A mask must have exactly the size of its photo.")
                        .arg(maskSize.width())
                        .arg(maskSize.height())
                        .arg(photoSize.width())
                        .arg(photoSize.height());
  if (maskSize.transposed() == photoSize)
    message += QLatin1Char(' ') + LabelMaskImportText::tr("It looks turned by 90°: one of the two files may carry a rotation "
                                     "(EXIF orientation) that the other lacks.");
  return message;
}

MaskImport importMaskFile(const QString& path, const QSize& photoSize) {
  MaskImport result;
  const QImage image = readImageFile(path, &result.error);
  if (image.isNull()) return result;
  result.error = maskSizeError(image.size(), photoSize);
  if (!result.error.isEmpty()) return result;
  result.mask = binaryMaskFromImage(image, &result.notes);
  return result;
}

// ---- label images -----------------------------------------------------------------------

LabelEncoding labelEncoding(const QImage& labelImage) { return Labels(labelImage).encoding; }

QVector<LabelCount> distinctLabels(const QImage& labelImage) {
  if (labelImage.isNull()) return {};
  const Labels labels(labelImage);
  std::vector<int> row;
  QVector<LabelCount> result;
  if (labels.encoding == LabelEncoding::Colour) {
    std::unordered_map<int, qint64> counts;
    for (int y = 0; y < labels.image.height(); ++y) {
      labels.row(y, row);
      for (const int v : row) ++counts[v];
    }
    for (const auto& [value, pixels] : counts) result.append({value, pixels});
    std::sort(result.begin(), result.end(), [](const LabelCount& a, const LabelCount& b) { return a.value < b.value; });
    return result;
  }
  std::vector<qint64> counts(Labels::kTableSize, 0);
  for (int y = 0; y < labels.image.height(); ++y) {
    labels.row(y, row);
    for (const int v : row) ++counts[static_cast<size_t>(v)];
  }
  for (int value = 0; value < Labels::kTableSize; ++value)
    if (counts[static_cast<size_t>(value)]) result.append({value, counts[static_cast<size_t>(value)]});
  return result;
}

QImage maskForLabels(const QImage& labelImage, const QSet<int>& values) {
  if (labelImage.isNull()) return {};
  const Labels labels(labelImage);
  QImage mask(labels.image.size(), QImage::Format_Grayscale8);
  std::vector<int> row;
  for (int y = 0; y < mask.height(); ++y) {
    labels.row(y, row);
    uchar* out = mask.scanLine(y);
    for (int x = 0; x < mask.width(); ++x) out[x] = values.contains(row[x]) ? 255 : 0;
  }
  return mask;
}

int labelAt(const QImage& labelImage, const QPoint& pixel, LabelEncoding encoding) {
  if (!labelImage.valid(pixel)) return -1;
  switch (encoding) {
    case LabelEncoding::Index:
      return labelImage.pixelIndex(pixel);
    case LabelEncoding::Grey:
      if (labelImage.format() == QImage::Format_Grayscale16)
        return reinterpret_cast<const quint16*>(labelImage.constScanLine(pixel.y()))[pixel.x()];
      return qRed(labelImage.pixel(pixel));
    case LabelEncoding::Colour:
      return static_cast<int>(labelImage.pixelColor(pixel).rgb() & 0xFFFFFFu);
  }
  return -1;
}

bool looksLikeLabelImage(const QImage& image) {
  if (image.isNull() || labelEncoding(image) == LabelEncoding::Colour) return false;
  const QVector<LabelCount> labels = distinctLabels(image);
  // 255 is left out of the test: datasets use it for "void" / "ignore" borders.
  const bool smallValues = std::all_of(labels.begin(), labels.end(),
                                       [](const LabelCount& label) { return label.value < 64 || label.value == 255; });
  return labels.size() > 2 && smallValues;
}

QColor labelColour(int value, LabelEncoding encoding) {
  if (encoding == LabelEncoding::Colour) return QColor::fromRgb(static_cast<QRgb>(value) | 0xFF000000u);
  if (value == 0) return QColor(72, 72, 72);
  // Golden-angle hue steps put neighbouring labels far apart; alternating brightness
  // separates the pairs that still land near each other.
  const int hue = static_cast<int>(std::fmod(value * 137.508, 360.0));
  return QColor::fromHsv(hue, 190, value % 2 ? 245 : 195);
}

QString labelName(int value, LabelEncoding encoding) {
  return encoding == LabelEncoding::Colour ? labelColour(value, encoding).name() : QString::number(value);
}

QImage falseColourLabels(const QImage& labelImage, const QSet<int>& chosen) {
  if (labelImage.isNull()) return {};
  const Labels labels(labelImage);
  auto shown = [&](int value) {
    QColor colour = labelColour(value, labels.encoding);
    if (!chosen.isEmpty() && !chosen.contains(value)) {
      // Dimmed towards dark grey: the chosen labels stand out, the rest stays readable.
      const int grey = qGray(colour.rgb());
      colour = QColor((colour.red() + 2 * grey) / 6, (colour.green() + 2 * grey) / 6, (colour.blue() + 2 * grey) / 6);
    }
    return colour.rgb();
  };
  // One colour per label present, looked up per pixel in a table (or a hash for colour codes).
  std::vector<QRgb> table;
  QHash<int, QRgb> colours;
  for (const LabelCount& label : distinctLabels(labelImage)) {
    if (labels.encoding == LabelEncoding::Colour) {
      colours.insert(label.value, shown(label.value));
    } else {
      if (table.size() <= static_cast<size_t>(label.value)) table.resize(static_cast<size_t>(label.value) + 1);
      table[static_cast<size_t>(label.value)] = shown(label.value);
    }
  }
  auto colourOf = [&](int value) {
    return labels.encoding == LabelEncoding::Colour ? colours.value(value) : table[static_cast<size_t>(value)];
  };
  QImage result(labels.image.size(), QImage::Format_RGB32);
  std::vector<int> row;
  for (int y = 0; y < result.height(); ++y) {
    labels.row(y, row);
    auto* out = reinterpret_cast<QRgb*>(result.scanLine(y));
    for (int x = 0; x < result.width(); ++x) out[x] = colourOf(row[x]);
  }
  return result;
}

}  // namespace partedit::ui
