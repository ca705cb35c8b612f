#pragma once
// Tensors <-> QImage for the engine worker (the only ui code that sees tensors): the worker
// hands widgets QImages, never tensors or QPixmaps.
#include <QImage>

#include <ATen/core/Tensor.h>

namespace partedit::ui {

// [3, H, W] float RGB in [0, 1] (any device) -> RGB32 (the canvas's paint format), rounded.
QImage image_from_tensor(const at::Tensor& rgb);
// [H, W] float in [0, 1] -> Grayscale8, rounded.
QImage mask_from_tensor(const at::Tensor& mask);
// Any QImage -> [3, H, W] float RGB in [0, 1] (alpha dropped over white, as the engine reads photos).
at::Tensor tensor_from_image(const QImage& image);

}  // namespace partedit::ui
