#include "ui/worker/tensor_image.h"

#include <cstring>

#include <QPainter>

#include <ATen/ATen.h>

#include "engine/engine_events.h"  // Error

namespace partedit::ui {

namespace {

// [C, H, W] float in [0, 1] -> [H, W, C] uint8 contiguous on the CPU.
at::Tensor to_bytes_hwc(const at::Tensor& chw) {
  return chw.detach().to(at::kCPU, at::kFloat).clamp(0, 1).mul(255).round().to(at::kByte).permute({1, 2, 0}).contiguous();
}

}  // namespace

QImage image_from_tensor(const at::Tensor& rgb) {
  if (rgb.dim() != 3 || rgb.size(0) != 3) throw Error("an image must be a [3, H, W] tensor");
  const at::Tensor bytes = to_bytes_hwc(rgb);
  const int height = static_cast<int>(bytes.size(0)), width = static_cast<int>(bytes.size(1));
  QImage image(width, height, QImage::Format_RGB888);
  for (int y = 0; y < height; ++y)
    std::memcpy(image.scanLine(y), bytes.data_ptr<uint8_t>() + static_cast<size_t>(y) * width * 3,
                static_cast<size_t>(width) * 3);
  // The format the canvas paints: converted here, on the caller's (the worker's) thread.
  return image.convertToFormat(QImage::Format_RGB32);
}

QImage mask_from_tensor(const at::Tensor& mask) {
  if (mask.dim() != 2) throw Error("a mask must be a [H, W] tensor");
  const at::Tensor bytes = to_bytes_hwc(mask.unsqueeze(0));
  const int height = static_cast<int>(bytes.size(0)), width = static_cast<int>(bytes.size(1));
  QImage image(width, height, QImage::Format_Grayscale8);
  for (int y = 0; y < height; ++y)
    std::memcpy(image.scanLine(y), bytes.data_ptr<uint8_t>() + static_cast<size_t>(y) * width,
                static_cast<size_t>(width));
  return image;
}

at::Tensor tensor_from_image(const QImage& image) {
  if (image.isNull()) throw Error("the image is empty");
  QImage rgb(image.size(), QImage::Format_RGB888);
  rgb.fill(Qt::white);  // transparency over white
  {
    QPainter painter(&rgb);
    painter.drawImage(0, 0, image);
  }
  const int height = rgb.height(), width = rgb.width();
  at::Tensor bytes = at::empty({height, width, 3}, at::kByte);
  for (int y = 0; y < height; ++y)
    std::memcpy(bytes.data_ptr<uint8_t>() + static_cast<size_t>(y) * width * 3, rgb.constScanLine(y),
                static_cast<size_t>(width) * 3);
  return bytes.permute({2, 0, 1}).to(at::kFloat).div(255).contiguous();
}

}  // namespace partedit::ui
