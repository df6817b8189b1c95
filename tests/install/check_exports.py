#!/usr/bin/env python3
"""libvfl.so exports exactly the functions vfl.h declares: no internal
function (net_layer, worker_run, ...) leaks out, and no public one is lost.

usage: check_exports.py <vfl.h> <libvfl.so>
       check_exports.py --module <vfl.h> <vfl.so>
The header is read as C (comments dropped), not by looking for VFL_API, so a
declaration that lacks the macro shows up as missing from the library.
With --module, the file is a Lua module: it links the engine statically (so
holds only the vfl.h functions it uses) and exports luaopen_vfl besides.
"""
import re
import subprocess
import sys

# Symbols the toolchain adds to every shared object, and sanitizer hooks.
TOOLCHAIN = re.compile(r"^(_init|_fini|_edata|_end|__bss_start|__(asan|ubsan|tsan|lsan|sanitizer)_\w*)$")


def declared(header):
    with open(header) as f:
        text = f.read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)
    # A name followed by '(' that is not a function pointer's "(*name)".
    return set(re.findall(r"(?<!\w)(?<!\(\*)(vfl_[A-Za-z0-9_]+)\s*\(", text))


def exported(library):
    out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 3 and not TOOLCHAIN.match(fields[2]):
            names.add(fields[2].split("@")[0])
    return names


def main():
    module = sys.argv[1] == "--module"
    header, library = sys.argv[1 + module], sys.argv[2 + module]
    want, have = declared(header), exported(library)
    if len(want) < 10:
        print("check_exports: found only %d declarations in %s" % (len(want), header))
        return 1
    if module:
        if "luaopen_vfl" not in have:
            print("the module does not export luaopen_vfl")
            return 1
        want |= {"luaopen_vfl"}
    extra, missing = sorted(have - want), sorted(want - have)
    if module:
        missing = []
    for name in extra:
        print("exported but not declared in vfl.h (give it hidden visibility): " + name)
    for name in missing:
        print("declared in vfl.h but not exported (VFL_API missing?): " + name)
    print("%s: %d exported, %d declared, %d extra, %d missing" %
          (library, len(have), len(want), len(extra), len(missing)))
    return 1 if extra or missing else 0


if __name__ == "__main__":
    sys.exit(main())
