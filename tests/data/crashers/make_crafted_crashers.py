#!/usr/bin/env python3
"""Writes the crafted inputs of issue 21 (items 1-3) into tests/data/crashers/<target>/.

Each file made a parser read outside its buffer (a crash, or other memory of the process
copied into a token) or allocate what a member declared, before the fix. The normal
build replays every file of tests/data/crashers through its parser; the regression tests
(tests/io/test_crafted_images.cpp, tests/editing/test_crafted_tokens.cpp) check what each
one is refused with.

image_header/
  png_text_chunk_length_past_end.png  the issue's 43 bytes: signature, a valid IHDR, then
      10 bytes of a tEXt chunk declaring 0x7FFFFFF0 bytes (the length check subtracted 12
      from the 10 bytes left and wrapped around; the CRC was read 2 GiB past the buffer).
pt_token/ (torch.save archives as make_token_pickles.py writes them, with the tensor's
  storage offset, size, stride or storage size altered; or a member declaring 1 GiB)
  storage_offset_100000.pt                    [2, 64] at offset 100000 of 128 stored floats
  row_stride_1000000.pt                       [2, 64] with strides (1000000, 1)
  shape_2x64_over_16_floats.pt                [2, 64] over a storage of 16 floats
  declared_numel_128_over_16_stored_floats.pt storage says 128 floats, its record holds 16
  negative_row_stride.pt                      [2, 64] at offset 64 with strides (-64, 1): inside its
      128 floats as saved, but LibTorch made the stride 64, and row 1 ran past the end
  negative_storage_offset.pt                  [2, 64] at offset -64
  zip_bomb_data_pkl_declares_1GiB.pt          data.pkl deflated, declared 1 GiB uncompressed
  zip_bomb_storage_declares_1GiB.pt           data/0 deflated, declared 1 GiB uncompressed
  pickle_string_length_4GiB.pt                a pickle string declaring 0xF0000007 bytes (4 GiB
      allocated and zeroed by the unpickler; found by a one-byte change)

Run from anywhere: python3 tests/data/crashers/make_crafted_crashers.py (no PyTorch
needed; the output is deterministic).
"""
import collections
import io
import os
import struct
import sys
import zipfile
import zlib

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tokens"))
import make_token_pickles as tokens  # noqa: E402  (also installs the stand-in `torch` module)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_length_past_end():
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1 x 1, 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + b"\x7f\xff\xff\xf0tEXtab"


class CraftedTensor:
    """A tensor whose pickle states the given offset, size and stride over `values`."""

    def __init__(self, values, offset, size, stride, declared_numel=None):
        self.storage = tokens.Storage(tokens.FloatStorage, values, "cpu")
        if declared_numel is not None:
            self.storage.declared_numel = declared_numel
        self.offset, self.size, self.stride = offset, size, stride

    def __reduce_ex__(self, protocol):
        return (tokens._rebuild_tensor_v2,
                (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))


def token_values(count):
    rows = tokens.token_rows(64, 0.0)
    return [v for r in rows for v in r][:count]


def token_archive(path, edit_pickle=lambda p: p, deflated=None):
    """The bytes of a valid token archive named after `path`, its pickle passed through
    `edit_pickle`, the member `deflated` (if any) deflated."""
    archive = os.path.splitext(os.path.basename(path))[0]
    token = tokens.Tensor(tokens.token_rows(64, 0.0))
    pickled = io.BytesIO()
    tokens._Pickler(pickled, []).dump(token)
    records = [("data.pkl", edit_pickle(pickled.getvalue())), ("byteorder", b"little"),
               ("data/0", token.storage.raw()), ("version", b"3\n")]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in records:
            info = zipfile.ZipInfo(archive + "/" + name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if name == deflated else zipfile.ZIP_STORED
            z.writestr(info, data)
    return out.getvalue()


def pickle_string_length_4GiB(path):
    """The 'storage' string of the pickle (BINUNICODE) declares 0xF0000007 bytes: LibTorch's
    unpickler allocated and zeroed 4 GiB before finding the pickle ends."""
    def edit(pickle):
        old = b"X" + struct.pack("<I", 7) + b"storage"
        assert old in pickle
        return pickle.replace(old, b"X" + struct.pack("<I", 0xF0000007) + b"storage", 1)
    with open(path, "wb") as f:
        f.write(token_archive(path, edit))


def zip_bomb(path, bombed_member, declared_size):
    """A valid token archive whose `bombed_member` is deflated and declared `declared_size`
    bytes uncompressed, in its local header and in the central directory."""
    archive = os.path.splitext(os.path.basename(path))[0]
    data = bytearray(token_archive(path, deflated=bombed_member))
    name = (archive + "/" + bombed_member).encode()
    patched = 0
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at:at + name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = struct.pack("<I", declared_size)
                patched += 1
            at = data.find(signature, at + 1)
    assert patched == 2, "the member's two headers were not found"
    with open(path, "wb") as f:
        f.write(bytes(data))


def main():
    images = os.path.join(HERE, "image_header")
    pt = os.path.join(HERE, "pt_token")
    os.makedirs(images, exist_ok=True)
    os.makedirs(pt, exist_ok=True)
    with open(os.path.join(images, "png_text_chunk_length_past_end.png"), "wb") as f:
        f.write(png_length_past_end())

    out = lambda name: os.path.join(pt, name)
    tokens.save_zip(CraftedTensor(token_values(128), 100000, (2, 64), (64, 1)), out("storage_offset_100000.pt"))
    tokens.save_zip(CraftedTensor(token_values(128), 0, (2, 64), (1000000, 1)), out("row_stride_1000000.pt"))
    tokens.save_zip(CraftedTensor(token_values(16), 0, (2, 64), (64, 1)), out("shape_2x64_over_16_floats.pt"))
    tokens.save_zip(CraftedTensor(token_values(16), 0, (2, 64), (64, 1), declared_numel=128),
                    out("declared_numel_128_over_16_stored_floats.pt"))
    tokens.save_zip(CraftedTensor(token_values(128), 64, (2, 64), (-64, 1)), out("negative_row_stride.pt"))
    tokens.save_zip(CraftedTensor(token_values(128), -64, (2, 64), (64, 1)), out("negative_storage_offset.pt"))
    zip_bomb(out("zip_bomb_data_pkl_declares_1GiB.pt"), "data.pkl", 1 << 30)
    zip_bomb(out("zip_bomb_storage_declares_1GiB.pt"), "data/0", 1 << 30)
    pickle_string_length_4GiB(out("pickle_string_length_4GiB.pt"))


if __name__ == "__main__":
    main()
