#!/usr/bin/env python3
"""Writes the torch.save-format test files of tests/data/tokens without PyTorch.

There is no Python torch on the build machines, so this script reproduces what
torch.save (torch/serialization.py, `_save` and `_legacy_save`) writes, byte for byte in
structure: a zip archive (stored, records 64-byte aligned like PyTorchStreamWriter) holding
`<archive>/data.pkl` (pickle protocol 2; tensors reduce to
`torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict())`, storages are persistent ids `('storage', torch.FloatStorage, key,
location, numel)`), `<archive>/byteorder`, `<archive>/data/<key>` (raw little-endian
data) and `<archive>/version`. Python's pickle emits the same opcodes torch.save does
(SETITEM for a one-entry dict, APPEND for a one-entry list), which is what the tests need.

Run from anywhere: python3 tests/data/tokens/make_token_pickles.py
Values are deterministic (no random generator), so the files are reproducible.
"""
import collections
import io
import math
import os
import pickle
import struct
import sys
import types
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Module objects named `torch` and `torch._utils` holding only the class names pickle records,
# so that this writer emits the GLOBAL opcodes torch.save emits without PyTorch installed.
torch_mod = types.ModuleType("torch")
utils_mod = types.ModuleType("torch._utils")


def _make_storage_class(name):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    cls.__qualname__ = name
    setattr(torch_mod, name, cls)
    return cls


FloatStorage = _make_storage_class("FloatStorage")
HalfStorage = _make_storage_class("HalfStorage")
BFloat16Storage = _make_storage_class("BFloat16Storage")
LongStorage = _make_storage_class("LongStorage")


def _rebuild_tensor_v2(*args):
    raise RuntimeError("only for pickling")


def _rebuild_parameter(*args):
    raise RuntimeError("only for pickling")


_rebuild_tensor_v2.__module__ = "torch._utils"
_rebuild_parameter.__module__ = "torch._utils"
utils_mod._rebuild_tensor_v2 = _rebuild_tensor_v2
utils_mod._rebuild_parameter = _rebuild_parameter
torch_mod._utils = utils_mod
sys.modules["torch"] = torch_mod
sys.modules["torch._utils"] = utils_mod

ITEM = {FloatStorage: ("<f", 4), HalfStorage: ("<e", 2), LongStorage: ("<q", 8)}


class Storage:
    def __init__(self, storage_type, values, location):
        self.storage_type, self.values, self.location = storage_type, values, location

    def raw(self):
        if self.storage_type is BFloat16Storage:  # upper half of the float32 bits
            return b"".join(struct.pack("<f", v)[2:] for v in self.values)
        fmt, _ = ITEM[self.storage_type]
        return b"".join(struct.pack(fmt, v) for v in self.values)


class Tensor:
    def __init__(self, rows, storage_type=FloatStorage, location="cpu", requires_grad=False):
        self.size = (len(rows), len(rows[0]))
        self.storage = Storage(storage_type, [v for r in rows for v in r], location)
        self.requires_grad = requires_grad

    def __reduce_ex__(self, protocol):
        stride = (self.size[1], 1)
        return (_rebuild_tensor_v2,
                (self.storage, 0, self.size, stride, self.requires_grad, collections.OrderedDict()))


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class _Pickler(pickle.Pickler):
    def __init__(self, f, storages, legacy=False):
        super().__init__(f, protocol=2)
        self.storages, self.legacy = storages, legacy

    def persistent_id(self, obj):
        if not isinstance(obj, Storage):
            return None
        for key, s in self.storages:
            if s is obj:
                break
        else:
            # torch keys legacy storages by their memory address; a fixed synthetic address keeps the file
            # reproducible.
            key = str(len(self.storages)) if not self.legacy else str(94000000000000 + 64 * len(self.storages))
            self.storages.append((key, obj))
        numel = getattr(obj, "declared_numel", len(obj.values))  # crafted files may declare another
        if self.legacy:  # _legacy_save adds view metadata
            return ("storage", obj.storage_type, key, obj.location, numel, None)
        return ("storage", obj.storage_type, key, obj.location, numel)


def _aligned_extra(offset, name):
    # PyTorchStreamWriter pads the local header's extra field ("FB" id) to 64-byte data.
    header = 30 + len(name.encode())
    pad = (64 - (offset + header + 4) % 64) % 64
    return b"FB" + struct.pack("<H", pad) + b"Z" * pad


def save_zip(obj, path, archive=None):
    archive = archive or os.path.splitext(os.path.basename(path))[0]
    storages = []
    buf = io.BytesIO()
    _Pickler(buf, storages).dump(obj)
    records = [("data.pkl", buf.getvalue()), ("byteorder", b"little")]
    records += [("data/" + key, s.raw()) for key, s in sorted(storages)]
    records.append(("version", b"3\n"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in records:
            full = archive + "/" + name
            info = zipfile.ZipInfo(full, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.extra = _aligned_extra(z.fp.tell(), full)
            z.writestr(info, data)


def save_legacy(obj, path):
    # torch.save(..., _use_new_zipfile_serialization=False)
    storages = []
    body = io.BytesIO()
    _Pickler(body, storages, legacy=True).dump(obj)
    out = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, out, protocol=2)
    pickle.dump(1001, out, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True,
                 "type_sizes": {"short": 2, "int": 4, "long": 4}}, out, protocol=2)
    out.write(body.getvalue())
    pickle.dump([key for key, _ in storages], out, protocol=2)
    for _, s in storages:
        raw = s.raw()
        out.write(struct.pack("<q", len(s.values)) + raw)
    with open(path, "wb") as f:
        f.write(out.getvalue())


def token_rows(width, seed):
    # Row 0 = background, row 1 = part; smooth deterministic values with distinct norms.
    return [[round(math.sin(0.1 * (j + 1) * (r + 1) + seed), 6) * (r + 1) for j in range(width)]
            for r in range(2)]


def main():
    rows = token_rows(64, 0.0)
    out = lambda name: os.path.join(HERE, name)
    save_zip(Tensor(rows), out("valid_2x64.pt"))
    save_zip(Tensor(rows, location="cuda:0", requires_grad=True), out("valid_cuda_2x64.pt"))
    save_zip(Tensor(token_rows(64, 0.0), storage_type=HalfStorage), out("valid_half_2x64.pt"))
    save_zip({"embedding": Tensor(rows)}, out("dict_one_tensor.pt"))
    save_zip({"embedding": Tensor(rows), "step": 500, "name": "head"}, out("dict_tensor_and_info.pt"))
    save_zip([Tensor(rows)], out("list_one_tensor.pt"))
    save_zip({"embedding": Tensor(rows), "info": {"steps": 500}, "layers": [3]}, out("dict_nested_info.pt"))
    save_zip({"a": Tensor(rows), "b": Tensor(token_rows(64, 1.0))}, out("dict_two_tensors.pt"))
    save_zip([Tensor(rows), Tensor(token_rows(64, 1.0))], out("list_two_tensors.pt"))
    save_zip("not a tensor", out("string.pt"))
    save_zip(Tensor([[1.0, 2.0, 3.0]] * 3), out("odd_rows_3x3.pt"))
    save_zip(Tensor([[1, 2], [3, 4]], storage_type=LongStorage), out("int64_2x2.pt"))
    save_zip(Parameter(Tensor(rows)), out("parameter_2x64.pt"))
    save_legacy(Tensor(rows), out("legacy_2x64.pt"))
    with open(out("garbage.pt"), "wb") as f:
        f.write(b"this is not a torch.save file at all\n" * 4)
    with open(out("valid_2x64.pt"), "rb") as f:
        whole = f.read()
    with open(out("truncated.pt"), "wb") as f:
        f.write(whole[: len(whole) // 2])


if __name__ == "__main__":
    main()
