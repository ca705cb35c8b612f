#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus/<target>/: small valid inputs
(and a few near-valid ones) that the fuzzers mutate. Run from anywhere with Debian's python3
and python3-pil (Pillow writes the PNG/JPEG/WebP/TIFF seeds with EXIF): the files are checked
in, so this only needs to run again to change them. Real files of the repository (model
configs, tokens) are copied as they are."""
import io
import json
import shutil
import struct
import zlib
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
DATA = ROOT / "tests" / "data"


def folder(name):
    path = CORPUS / name
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def write(path, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


# ---- safetensors -------------------------------------------------------------------------

def safetensors(tensors, metadata=None):
    """tensors: [(name, dtype, shape, raw bytes)] -> file bytes."""
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the reference writer pads the header to 8 bytes
    return struct.pack("<Q", len(text)) + text + data


def safetensors_seeds():
    out = folder("safetensors_header")
    f32 = lambda *values: struct.pack("<%df" % len(values), *values)
    write(out / "one_f32.safetensors", safetensors([("w", "F32", [2, 2], f32(1, 2, 3, 4))]))
    write(out / "dtypes.safetensors", safetensors([
        ("a.f16", "F16", [3], struct.pack("<3e", 1, -2, 0.5)),
        ("b.bf16", "BF16", [2], b"\x80\x3f\x00\x40"),
        ("c.i64", "I64", [2], struct.pack("<2q", -1, 7)),
        ("d.u8", "U8", [4], b"\x00\x01\xfe\xff"),
        ("e.bool", "BOOL", [2], b"\x00\x01"),
        ("f.i32", "I32", [1], struct.pack("<i", 5)),
        ("g.f64", "F64", [1], struct.pack("<d", 2.5)),
        ("h.i8", "I8", [1], b"\x80"),
        ("i.i16", "I16", [1], struct.pack("<h", -3)),
    ]))
    write(out / "scalar_and_empty.safetensors",
          safetensors([("scalar", "F32", [], f32(3)), ("empty", "F32", [0, 4], b"")]))
    write(out / "metadata.safetensors",
          safetensors([("embedding", "F32", [2, 4], f32(*range(8)))],
                      {"format": "pt", "part_name": "human-head", "display_name": "Human head",
                       "base_model_family": "unknown", "embedding_dim": "4"}))
    write(out / "no_tensors.safetensors", safetensors([], {"note": "nothing"}))
    # A real model header with its tensors cut to nothing (shapes kept, data gone): the keys
    # and shapes a loader meets, and a "truncated" refusal to mutate from.
    real = (DATA / "tiny-sdxl" / "text_encoder" / "model.safetensors").read_bytes()
    (length,) = struct.unpack("<Q", real[:8])
    write(out / "tiny_text_encoder_header_only.safetensors", real[:8 + length])


# ---- images ------------------------------------------------------------------------------

def image(mode="RGB", size=(8, 6)):
    im = Image.new(mode, size)
    for x in range(size[0]):
        for y in range(size[1]):
            v = (x * 37 + y * 11) % 256
            im.putpixel((x, y), v if mode in ("L", "I;16") else tuple([v, 255 - v, (v * 3) % 256, 200][:len(mode)]))
    return im


def saved(im, fmt, **options):
    buffer = io.BytesIO()
    im.save(buffer, fmt, **options)
    return buffer.getvalue()


def exif(orientation=None, user_comment=None):
    e = Image.Exif()
    if orientation is not None:
        e[0x0112] = orientation
    if user_comment is not None:
        # The Exif IFD's UserComment as A1111 writes it: "UNICODE\0" + UTF-16.
        e.get_ifd(0x8769)[0x9286] = b"UNICODE\0" + user_comment.encode("utf-16-be")
    return e


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_chunk(png, kind, data):
    """The PNG with one more chunk right after IHDR (8 + 25 bytes)."""
    return png[:33] + png_chunk(kind, data) + png[33:]


PARAMETERS = ('a photo of a cat\nNegative prompt: blurry, "low" quality\nSteps: 30, Sampler: DDIM, CFG scale: 7.5, '
              'Seed: 42, Size: 1024x1024, Edit prompt: "a photo of a cat with a robotic head", Parts: "quadruped-head"')


def image_seeds():
    out = folder("image_header")
    write(out / "rgb.png", saved(image(), "PNG"))
    write(out / "rgba.png", saved(image("RGBA"), "PNG"))
    write(out / "grey16.png", saved(image("I;16"), "PNG"))
    write(out / "palette.png", saved(image().convert("P"), "PNG"))
    write(out / "baseline.jpg", saved(image(), "JPEG", quality=80))
    write(out / "progressive.jpg", saved(image(), "JPEG", quality=80, progressive=True))
    write(out / "grey.jpg", saved(image("L"), "JPEG"))
    write(out / "cmyk.jpg", saved(image("CMYK"), "JPEG"))
    write(out / "exif_rotated_6.jpg", saved(image(), "JPEG", exif=exif(orientation=6)))
    write(out / "exif_orientation_8_be.jpg",
          saved(image(), "JPEG", exif=b"Exif\0\0MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x08\0\0\0\0\0\0"))
    write(out / "lossy.webp", saved(image(), "WEBP", quality=50))
    write(out / "lossless_alpha.webp", saved(image("RGBA"), "WEBP", lossless=True))
    write(out / "exif.webp", saved(image(), "WEBP", exif=exif(orientation=3)))
    write(out / "rgb.tif", saved(image(), "TIFF"))
    write(out / "rgba_lzw.tif", saved(image("RGBA"), "TIFF", compression="tiff_lzw"))
    write(out / "grey16_be.tif", saved(image("I;16"), "TIFF"))
    write(out / "oriented_5.tif", saved(image(), "TIFF", exif=exif(orientation=5)))

    out = folder("image_parameters")
    png = saved(image(), "PNG")
    write(out / "text.png", png_with_chunk(png, b"tEXt", b"parameters\0" + PARAMETERS.encode("latin-1")))
    write(out / "itxt_utf8.png", png_with_chunk(png, b"iTXt", b"parameters\0\0\0\0\0" + "ein Foto, Kätzchen 猫".encode()))
    write(out / "itxt_compressed.png",
          png_with_chunk(png, b"iTXt", b"parameters\0\1\0\0\0" + zlib.compress(PARAMETERS.encode())))
    write(out / "ztxt.png", png_with_chunk(png, b"zTXt", b"parameters\0\0" + zlib.compress(PARAMETERS.encode())))
    jpeg = saved(image(), "JPEG")
    comment = PARAMETERS.encode()
    write(out / "comment.jpg", jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + jpeg[2:])
    write(out / "exif_user_comment.jpg", saved(image(), "JPEG", exif=exif(user_comment=PARAMETERS)))
    write(out / "exif_user_comment.webp", saved(image(), "WEBP", exif=exif(user_comment="ein Foto 猫 " + PARAMETERS)))
    ascii_comment = Image.Exif()
    ascii_comment.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0" + PARAMETERS.encode()
    write(out / "exif_ascii_comment_le.webp", saved(image(), "WEBP", exif=ascii_comment))
    write(out / "plain.webp", saved(image(), "WEBP"))


# ---- texts -------------------------------------------------------------------------------

def text_seeds():
    out = folder("infotext")
    write(out / "a1111.txt", PARAMETERS)
    write(out / "prompt_only.txt", "a photo of a cat")
    write(out / "multiline_prompt.txt", "a photo\nof a cat\nSteps: 20, Seed: 1")
    write(out / "quoted.txt", 'a cat\nSteps: 20, Prompt: "a, b: \\"c\\"\\n", Lora hashes: "x: 1, y: 2", Seed: 3')
    write(out / "partedit_export.txt",
          'a photo of a man\nSteps: 50, Sampler: DDIM, CFG scale: 7.5, Seed: 3, Size: 1024x1024, Model: sdxl, '
          'Edit: "with blonde <human-hair>", Parts: "human-hair", Omega: 1.5, Edit t_e: 40, Threshold: otsu')
    write(out / "negative_only.txt", "\nNegative prompt: ugly\nSteps: 1")

    prompts = {
        "ascii.txt": "a photo of a cat sitting on a red sofa, 4k, highly detailed",
        "punctuation.txt": "it's (a) dog's life!!! don't can't we'll 12,345.67 -- ~@#$%^&*",
        "unicode.txt": "Café déjà vu, naïve façade, Ærøskøbing, straße ß, İstanbul",
        "cjk.txt": "一只猫坐在沙发上 日本語のテキスト 한국어 텍스트",
        "emoji.txt": "a 🐱 with 👑 and 🇯🇵 flags, zero\u200bwidth, combining e\u0301",
        "special_tokens.txt": "<|startoftext|>a photo<|endoftext|> of a cat <|endoftext|>!!",
        "whitespace.txt": "  tabs\tand\nnewlines\r\n  and   spaces   ",
        "long_word.txt": "supercalifragilisticexpialidocious" * 8,
    }
    for target in ("clip_bpe", "gpt2_bpe"):
        out = folder(target)
        for name, text in prompts.items():
            write(out / name, text)

    out = folder("edit_instruction")
    for name, text in {
        "bracketed.txt": "with a robotic <head>",
        "bracketed_part_name.txt": "with a golden <quadruped-head>",
        "catalog_words.txt": "with blonde human hair",
        "one_word_part.txt": "with red hair",
        "two_parts.txt": "with a <head> and <hair>",
        "no_with.txt": "a robotic head",
        "swap.txt": "a photo of a cat on a mat\ncat\ndragon",
        "swap_words.txt": "a red car parked by a red car wash\nred car\nblue truck",
    }.items():
        write(out / name, text)


# ---- JSON configs and manifests ----------------------------------------------------------

def json_seeds():
    out = folder("json_config")
    # Every config of the shipped model configs and the tiny test models but the vocabularies.
    roots = [ROOT / "resources" / "model_configs", DATA / "tiny-sdxl", DATA / "tiny-blip2-flan-t5"]
    for root in roots:
        for path in sorted(root.glob("**/*.json")):
            if path.name != "vocab.json":
                name = "_".join((root.name,) + path.relative_to(root).parts)
                shutil.copyfile(path, out / name)
    write(out / "numbers.json", '{"sample_size": 1e300, "attention_head_dim": [5, -1, 0, 9223372036854775807], '
                                '"block_out_channels": [], "num_train_timesteps": 0, "trained_betas": [0.5, 1.5]}')

    out = folder("batch_manifest_line")
    lines = [
        {"prompt": "a photo of a cat", "edit": "with a robotic <quadruped-head>", "seed": 1, "out": "cat.png",
         "mask-out": "cat-mask.png"},
        {"model": "models/tiny", "prompt": "a photo of a man", "edit": "with blonde <human-hair>", "t-e": 40,
         "omega": 1.2, "token": ["a.safetensors", "b.pt"], "out": "sub/man.png", "eval-mask": "masks/man.png"},
        {"image": "photo.jpg", "caption": True, "edit": "with red <human-hair>", "inversion": "inv.safetensors",
         "steps": 12, "out": "photo-red.png", "save-masks": "masks/"},
        {"prompt": "a dog", "edit": "with a golden <quadruped-head>", "seed": None, "device": "cpu"},
    ]
    write(out / "edits.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n")
    write(out / "one_line.jsonl", json.dumps(lines[0]))
    write(out / "blank_and_bad.jsonl", "\n  \n{\"prompt\": 1}\nnot json\n[1, 2]\n{\"unknown-key\": 1}\n")
    write(out / "same_output.jsonl", json.dumps(lines[0]) + "\n" + json.dumps(lines[0]) + "\n")


def token_seeds():
    out = folder("pt_token")
    for path in sorted((DATA / "tokens").glob("*.pt")):
        shutil.copyfile(path, out / path.name)


if __name__ == "__main__":
    safetensors_seeds()
    image_seeds()
    text_seeds()
    json_seeds()
    token_seeds()
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    print(f"{sum(1 for p in CORPUS.rglob('*') if p.is_file())} seeds, {total // 1024} KiB in {CORPUS}")
