#!/usr/bin/env python3
"""Derive the tensor names, dtypes and shapes of three published single-file Stable
Diffusion checkpoints from their architecture, and check them against the published file
sizes (see README.md for the sources and what the arithmetic shows).

    python3 derive_keys.py            # (re)write the three .txt lists next to this script
    python3 derive_keys.py --check    # compare the lists on disk with a fresh derivation and
                                      # print the file-size arithmetic; exit 1 on a mismatch
                                      # of the lists

Standard library only. Each list line is `<key> <dtype> <shape>`, shape comma-separated,
empty for a 0-dim tensor (the line then ends after the dtype), lines sorted by key
(byte order).
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Keys:
    def __init__(self, dtype):
        self.dtype = dtype  # the file's float dtype
        self.t = {}

    def add(self, name, shape, dtype=None):
        assert name not in self.t, name
        self.t[name] = (dtype or self.dtype, tuple(shape))

    def linear(self, name, n_out, n_in, bias=True):
        self.add(name + ".weight", (n_out, n_in))
        if bias:
            self.add(name + ".bias", (n_out,))

    def conv(self, name, n_out, n_in, k):
        self.add(name + ".weight", (n_out, n_in, k, k))
        self.add(name + ".bias", (n_out,))

    def norm(self, name, n):  # GroupNorm / LayerNorm affine
        self.add(name + ".weight", (n,))
        self.add(name + ".bias", (n,))


# ---------------------------------------------------------------------------------------
# LDM / SGM UNet (openaimodel.UNetModel), under model.diffusion_model.
def unet(k, p, *, model_ch, mult, n_res, depth, depth_mid, ctx, linear_proj, adm_in=None,
         in_ch=4, out_ch=4):
    emb = model_ch * 4
    k.linear(p + "time_embed.0", emb, model_ch)
    k.linear(p + "time_embed.2", emb, emb)
    if adm_in:
        k.linear(p + "label_emb.0.0", emb, adm_in)
        k.linear(p + "label_emb.0.2", emb, emb)

    def resblock(q, c_in, c_out):
        k.norm(q + "in_layers.0", c_in)
        k.conv(q + "in_layers.2", c_out, c_in, 3)
        k.linear(q + "emb_layers.1", c_out, emb)
        k.norm(q + "out_layers.0", c_out)
        k.conv(q + "out_layers.3", c_out, c_out, 3)
        if c_in != c_out:
            k.conv(q + "skip_connection", c_out, c_in, 1)

    def spatial_transformer(q, c, d):
        k.norm(q + "norm", c)
        if linear_proj:
            k.linear(q + "proj_in", c, c)
        else:
            k.conv(q + "proj_in", c, c, 1)
        for b in range(d):
            t = q + "transformer_blocks.%d." % b
            for a, kv_in in (("attn1", c), ("attn2", ctx)):
                k.linear(t + a + ".to_q", c, c, bias=False)
                k.linear(t + a + ".to_k", c, kv_in, bias=False)
                k.linear(t + a + ".to_v", c, kv_in, bias=False)
                k.linear(t + a + ".to_out.0", c, c)
            k.linear(t + "ff.net.0.proj", c * 8, c)  # GEGLU: 2 x (4c)
            k.linear(t + "ff.net.2", c, c * 4)
            for n in ("norm1", "norm2", "norm3"):
                k.norm(t + n, c)
        if linear_proj:
            k.linear(q + "proj_out", c, c)
        else:
            k.conv(q + "proj_out", c, c, 1)

    k.conv(p + "input_blocks.0.0", model_ch, in_ch, 3)
    skips = [model_ch]
    ch = model_ch
    i = 1
    for level, m in enumerate(mult):
        for _ in range(n_res):
            q = p + "input_blocks.%d." % i
            resblock(q + "0.", ch, model_ch * m)
            ch = model_ch * m
            if depth[level]:
                spatial_transformer(q + "1.", ch, depth[level])
            skips.append(ch)
            i += 1
        if level + 1 < len(mult):
            k.conv(p + "input_blocks.%d.0.op" % i, ch, ch, 3)
            skips.append(ch)
            i += 1
    resblock(p + "middle_block.0.", ch, ch)
    spatial_transformer(p + "middle_block.1.", ch, depth_mid)
    resblock(p + "middle_block.2.", ch, ch)
    o = 0
    for level in reversed(range(len(mult))):
        for r in range(n_res + 1):
            q = p + "output_blocks.%d." % o
            c_out = model_ch * mult[level]
            resblock(q + "0.", ch + skips.pop(), c_out)
            ch = c_out
            sub = 1
            if depth[level]:
                spatial_transformer(q + "1.", ch, depth[level])
                sub = 2
            if level and r == n_res:
                k.conv(q + "%d.conv" % sub, ch, ch, 3)
            o += 1
    assert not skips
    k.norm(p + "out.0", ch)
    k.conv(p + "out.2", out_ch, ch, 3)


# ---------------------------------------------------------------------------------------
# LDM AutoencoderKL (ch 128, ch_mult 1,2,4,4, 2 res blocks, z 4, embed 4), under
# first_stage_model.
def vae(k, p, ch=128, mult=(1, 2, 4, 4), n_res=2, z=4, embed=4):
    def resblock(q, c_in, c_out):
        k.norm(q + "norm1", c_in)
        k.conv(q + "conv1", c_out, c_in, 3)
        k.norm(q + "norm2", c_out)
        k.conv(q + "conv2", c_out, c_out, 3)
        if c_in != c_out:
            k.conv(q + "nin_shortcut", c_out, c_in, 1)

    def mid(q, c):
        resblock(q + "block_1.", c, c)
        k.norm(q + "attn_1.norm", c)
        for n in ("q", "k", "v", "proj_out"):
            k.conv(q + "attn_1." + n, c, c, 1)
        resblock(q + "block_2.", c, c)

    e = p + "encoder."
    k.conv(e + "conv_in", ch, 3, 3)
    c = ch
    for level, m in enumerate(mult):
        for j in range(n_res):
            resblock(e + "down.%d.block.%d." % (level, j), c, ch * m)
            c = ch * m
        if level + 1 < len(mult):
            k.conv(e + "down.%d.downsample.conv" % level, c, c, 3)
    mid(e + "mid.", c)
    k.norm(e + "norm_out", c)
    k.conv(e + "conv_out", 2 * z, c, 3)

    d = p + "decoder."
    c = ch * mult[-1]
    k.conv(d + "conv_in", c, z, 3)
    mid(d + "mid.", c)
    for level in reversed(range(len(mult))):
        for j in range(n_res + 1):
            resblock(d + "up.%d.block.%d." % (level, j), c, ch * mult[level])
            c = ch * mult[level]
        if level:
            k.conv(d + "up.%d.upsample.conv" % level, c, c, 3)
    k.norm(d + "norm_out", c)
    k.conv(d + "conv_out", 3, c, 3)
    k.conv(p + "quant_conv", 2 * embed, 2 * z, 1)
    k.conv(p + "post_quant_conv", z, embed, 1)


# ---------------------------------------------------------------------------------------
# transformers CLIPTextModel (OpenAI CLIP ViT-L/14 text tower), under `p`.
def hf_clip_text(k, p, width=768, layers=12, vocab=49408, ctx=77, position_ids=True):
    t = p + "text_model."
    k.add(t + "embeddings.token_embedding.weight", (vocab, width))
    k.add(t + "embeddings.position_embedding.weight", (ctx, width))
    if position_ids:
        k.add(t + "embeddings.position_ids", (1, ctx), "I64")
    for i in range(layers):
        q = t + "encoder.layers.%d." % i
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            k.linear(q + "self_attn." + n, width, width)
        k.norm(q + "layer_norm1", width)
        k.norm(q + "layer_norm2", width)
        k.linear(q + "mlp.fc1", 4 * width, width)
        k.linear(q + "mlp.fc2", width, 4 * width)
    k.norm(t + "final_layer_norm", width)


# OpenCLIP text tower (open_clip CLIP with `visual` deleted), under `p`.
def open_clip_text(k, p, width, layers, embed, vocab=49408, ctx=77):
    k.add(p + "token_embedding.weight", (vocab, width))
    k.add(p + "positional_embedding", (ctx, width))
    for i in range(layers):
        q = p + "transformer.resblocks.%d." % i
        k.norm(q + "ln_1", width)
        k.add(q + "attn.in_proj_weight", (3 * width, width))
        k.add(q + "attn.in_proj_bias", (3 * width,))
        k.linear(q + "attn.out_proj", width, width)
        k.norm(q + "ln_2", width)
        k.linear(q + "mlp.c_fc", 4 * width, width)
        k.linear(q + "mlp.c_proj", width, 4 * width)
    k.norm(p + "ln_final", width)
    k.add(p + "text_projection", (width, embed))
    k.add(p + "logit_scale", ())


# LatentDiffusion.register_schedule buffers (persistent), 1000 timesteps.
DDPM_BUFFERS = ("betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
                "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
                "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2")


def ddpm_buffers(k, steps=1000):
    for n in DDPM_BUFFERS:
        k.add(n, (steps,))


# The two buffers of LDM's LitEma that the *-emaonly / *-ema-pruned files kept (the EMA
# weights themselves were copied over model.*; no other model_ema.* key remains).
def lit_ema_buffers(k):
    k.add("model_ema.decay", (), "F32")
    k.add("model_ema.num_updates", (), "I32")


# ---------------------------------------------------------------------------------------
def sd_xl_base_1_0():
    # No DDPM buffers, no model_ema.*: SGM's DiffusionEngine has neither. Whether the file
    # also carries SGM's DiscreteDenoiser buffer (denoiser.sigmas, 1000) is not settled by
    # the sources; it is left out (README.md, "Unsure").
    k = Keys("F16")
    unet(k, "model.diffusion_model.", model_ch=320, mult=(1, 2, 4), n_res=2, depth=(0, 2, 10),
         depth_mid=10, ctx=2048, linear_proj=True, adm_in=2816)
    vae(k, "first_stage_model.")
    hf_clip_text(k, "conditioner.embedders.0.transformer.")
    open_clip_text(k, "conditioner.embedders.1.model.", width=1280, layers=32, embed=1280)
    return k


def v1_5_pruned_emaonly():
    k = Keys("F32")
    unet(k, "model.diffusion_model.", model_ch=320, mult=(1, 2, 4, 4), n_res=2,
         depth=(1, 1, 1, 0), depth_mid=1, ctx=768, linear_proj=False)
    vae(k, "first_stage_model.")
    hf_clip_text(k, "cond_stage_model.transformer.")
    ddpm_buffers(k)
    lit_ema_buffers(k)
    return k


def v2_1_768_ema_pruned():
    k = Keys("F32")
    unet(k, "model.diffusion_model.", model_ch=320, mult=(1, 2, 4, 4), n_res=2,
         depth=(1, 1, 1, 0), depth_mid=1, ctx=1024, linear_proj=True)
    vae(k, "first_stage_model.")
    open_clip_text(k, "cond_stage_model.model.", width=1024, layers=24, embed=1024)
    ddpm_buffers(k)
    lit_ema_buffers(k)
    return k


FILES = {
    "sd_xl_base_1.0": sd_xl_base_1_0,
    "v1-5-pruned-emaonly": v1_5_pruned_emaonly,
    "v2-1_768-ema-pruned": v2_1_768_ema_pruned,
}

# ---------------------------------------------------------------------------------------
# File-size arithmetic (--check). A safetensors file is 8 bytes (header length) + a JSON
# header + the tensor bytes, so the published size of a file pins down the tensor bytes
# and, up to the metadata, the header text. Sizes are those of the Git LFS pointers of the
# published files (README.md lists them with their SHA-256).
PUBLISHED = {
    # stem: (size in bytes, header convention, metadata known to be in the header)
    "sd_xl_base_1.0": (6938078334, "padded", {
        # modelspec metadata as AUTOMATIC1111 caches it; A1111 pops modelspec.thumbnail
        # before caching, so a thumbnail data URI in the real header is not counted here.
        "modelspec.sai_model_spec": "1.0.0",
        "modelspec.architecture": "stable-diffusion-xl-v1-base",
        "modelspec.implementation": "https://github.com/Stability-AI/generative-models",
        "modelspec.title": "Stable Diffusion XL 1.0 Base",
        "modelspec.author": "StabilityAI",
        "modelspec.description": "SDXL 1.0 Base Model, compositional expert. SDXL, the most advanced "
        "development in the Stable Diffusion text-to-image suite of models. SDXL produces massively "
        "improved image and composition detail over its predecessors. The ability to generate "
        "hyper-realistic creations for films, television, music, and instructional videos, as well as "
        "offering advancements for design and industrial use, places SDXL at the forefront of real "
        "world applications for AI imagery.",
        "modelspec.date": "2023-07-26",
        "modelspec.resolution": "1024x1024",
        "modelspec.prediction_type": "epsilon",
        "modelspec.license": "CreativeML Open RAIL++-M License",
        "modelspec.hash_sha256": "0xd7a9105a900fd52748f20725fe52fe52b507fd36bee4fc107b1550a26e6ee1d7",
    }),
    "v1-5-pruned-emaonly": (4265146304, "unpadded", {"format": "pt"}),
    "v2-1_768-ema-pruned": (5214604494, "unpadded", {"format": "pt"}),
}
# Calibration of the arithmetic on a small file of the same era with a known layout:
# vae-ft-mse-840000-ema-pruned.safetensors (the SD VAE without prefix, F32, plus the two
# LitEma buffers).
VAE_FT_MSE_SIZE = 334641190

DTYPE_SIZE = {"F16": 2, "BF16": 2, "F32": 4, "F64": 8, "I64": 8, "I32": 4}
# safetensors' Dtype enum order; its current serializer writes the tensors sorted by dtype
# (larger ordinal first), then by name, and pads the header with spaces to a multiple of 8.
# The late-2022 files were written sorted by name only, unpadded.
DTYPE_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64",
               "I64", "U64"]


def lines(k):
    out = []
    for name in sorted(k.t):
        dt, shape = k.t[name]
        out.append("%s %s %s" % (name, dt, ",".join(str(d) for d in shape)) if shape
                   else "%s %s" % (name, dt))
    return out


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def file_size(k, convention, metadata):
    """Size safetensors gives a file holding these tensors: returns (size, data bytes)."""
    if convention == "padded":
        order = sorted(k.t, key=lambda n: (-DTYPE_ORDER.index(k.t[n][0]), n))
    else:
        order = sorted(k.t)
    head = {}
    if metadata is not None:
        head["__metadata__"] = metadata
    off = 0
    for n in order:
        dt, shape = k.t[n]
        size = numel(shape) * DTYPE_SIZE[dt]
        head[n] = {"dtype": dt, "shape": list(shape), "data_offsets": [off, off + size]}
        off += size
    h = len(json.dumps(head, separators=(",", ":")).encode())
    if convention == "padded":
        h += (8 - h % 8) % 8
    return 8 + h + off, off


def main():
    check = "--check" in sys.argv[1:]
    ok = True
    if check:
        k = Keys("F32")
        vae(k, "")
        lit_ema_buffers(k)
        size, _ = file_size(k, "unpadded", {"format": "pt"})
        print("calibration: vae-ft-mse-840000-ema-pruned %d tensors: computed %d B, published %d B, "
              "difference %+d B" % (len(k.t), size, VAE_FT_MSE_SIZE, VAE_FT_MSE_SIZE - size))
    for stem, make in FILES.items():
        k = make()
        text = "\n".join(lines(k)) + "\n"
        path = os.path.join(HERE, stem + ".txt")
        if check:
            with open(path) as f:
                same = f.read() == text
            ok = ok and same
            published, convention, metadata = PUBLISHED[stem]
            size, data = file_size(k, convention, metadata)
            print("%s: %d tensors, list on disk %s; tensor bytes %d; computed file %d B, published "
                  "%d B, difference %+d B" % (stem, len(k.t), "matches" if same else "DIFFERS",
                                              data, size, published, published - size))
        else:
            with open(path, "w") as f:
                f.write(text)
            print("%s.txt: %d tensors" % (stem, len(k.t)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
