#!/usr/bin/env python3
"""vfl.plot's files: gnuplot writes PNG and SVG; each must exist, have the
size asked for, and not be blank (the PNG's pixels are not all one colour,
the SVG holds a drawn data series). Skips (77) when gnuplot is missing.

usage: test_plot_files.py <path to vfl>
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77

SCRIPT = r"""
local dir = ...
local stats = {history = {}}
for e = 1, 8 do stats.history[e] = {epoch = e, loss = 0.7 / e + 0.2, valid = {accuracy = 0.9 - 0.3 / e}} end
local binary = {task = "binary", auc = 0.875,
  roc = {fpr = {0, 0, 0.25, 0.5, 1}, tpr = {0, 0.5, 0.75, 1, 1}, threshold = {1 / 0, 0.9, 0.6, 0.4, 0.1}},
  pr = {recall = {0, 0.5, 0.75, 1, 1}, precision = {1, 1, 0.75, 0.67, 0.5}, threshold = {1 / 0, 0.9, 0.6, 0.4, 0.1}}}
local multiclass = {task = "multiclass", classes = {"cat", "dog", "bird"}, confusion = {{8, 2, 0}, {1, 9, 0}, {0, 5, 5}}}
local v = {}
for i = 1, 200 do v[i] = ((i * 37) % 100) / 100 end
print(vfl.plot(stats, {file = dir .. "/learning.png", width = 640, height = 400}))
print(vfl.plot(stats, {file = dir .. "/learning.svg", width = 640, height = 400}))
print(vfl.plot(binary, {file = dir .. "/roc.png"}))
print(vfl.plot.pr(binary, {file = dir .. "/pr.svg"}))
print(vfl.plot(multiclass, {file = dir .. "/confusion.png", width = 500, height = 500}))
print(vfl.plot(v, {file = dir .. "/histogram.svg"}))
"""

EXPECTED = {  # file: (width, height)
    "learning.png": (640, 400), "learning.svg": (640, 400), "roc.png": (800, 500),
    "pr.svg": (800, 500), "confusion.png": (500, 500), "histogram.svg": (800, 500),
}


def png_check(path, size):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG" % path
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == size, "%s is %dx%d, not %dx%d" % ((path, width, height) + size)
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    # a blank image filters to one repeated byte per row; a chart has many
    assert len(set(raw)) > 20, "%s looks blank (%d distinct bytes)" % (path, len(set(raw)))


def svg_check(path, size):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<svg[^>]*\bwidth="(\d+)" height="(\d+)"', text)
    assert m, "%s: no svg element with a size" % path
    got = (int(m.group(1)), int(m.group(2)))
    assert got == size, "%s is %dx%d, not %dx%d" % ((path,) + got + size)
    plots = text.split('<g id="gnuplot_plot_')[1:]  # each data series, to the end of the file
    assert plots, "%s has no data series" % path
    drawn = sum(len(re.findall(r"[ML ]\s*-?[\d.]+,-?[\d.]+", p)) for p in plots)
    assert drawn >= 4, "%s: the data series draws %d points" % (path, drawn)


def main():
    vfl = sys.argv[1]
    if shutil.which("gnuplot") is None:
        print("SKIP: gnuplot is not installed (apt-get install gnuplot-nox; scripts/setup does)")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        env = dict(os.environ, LUA_PATH=os.path.join(root, "lua", "?.lua") + ";;")
        r = subprocess.run([vfl, "-", tmp], input=SCRIPT, capture_output=True, text=True, env=env, timeout=120)
        if r.returncode != 0:
            print("vfl failed:\n" + r.stdout + r.stderr)
            return 1
        written = r.stdout.split()
        for name, size in sorted(EXPECTED.items()):
            path = os.path.join(tmp, name)
            assert path in written, "%s not returned: %r" % (name, written)
            assert os.path.getsize(path) > 0, "%s is empty" % path
            (png_check if name.endswith(".png") else svg_check)(path, size)
            print("ok %s %dx%d, %d bytes" % ((name,) + size + (os.path.getsize(path),)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
