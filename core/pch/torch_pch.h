// Precompiled header for translation units that use LibTorch modules (see platform.md:
// <torch/nn.h> costs ~10 s per TU without it).
#pragma once
#include <torch/nn.h>
#include <ATen/ATen.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <map>
#include <memory>
