#!/usr/bin/env python3
"""vfl installed as a user installs it, then used with nothing pointing into
the build tree or the checkout (environment cleaned of LUA_* and VFL_*, a
temporary HOME and working directory).

usage: test_install.py <cmake> <build dir> <source dir> <version> <case>
Cases (each one ctest test, install.<case>):
  program     cmake --install into a temporary prefix P (then moved: the tree
              is relocatable); P/bin/vfl -e 'print(vfl.version)', --version,
              and help() in the REPL through a pseudo-terminal
  lua         lua5.4 and luajit require "vfl" with LUA_PATH/LUA_CPATH set to
              P's standard locations only
  c           cc prog.c $(pkg-config --cflags --libs vfl): trains a9a, predicts
  luarocks    luarocks make --tree T (vfl-scm-1.rockspec), require "vfl" from T
  deb         scripts/package-deb, dpkg-deb --contents, apt-get install ./vfl_*.deb,
              vfl --version, apt-get purge: only with VFL_TEST_DEB=1 (.ci/run
              sets it; it needs root and changes the system), else skipped
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "repl"))
from ptyharness import Session  # noqa: E402

SKIP = 77  # ctest: SKIP_RETURN_CODE
CMAKE = BUILD = SOURCE = VERSION = TMP = None
HERE = os.path.dirname(os.path.abspath(__file__))


class Skip(Exception):
    pass


def env(**extra):
    """The caller's environment without anything that points vfl or Lua somewhere."""
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("LUA_", "VFL_", "LD_", "PKG_CONFIG", "ASAN_", "UBSAN_"))}
    e.update(HOME=TMP, NO_COLOR="1", TERM="xterm", INPUTRC="/dev/null")
    e.update(extra)
    return e


def run(argv, environ=None, cwd=None, timeout=600):
    p = subprocess.run(argv, capture_output=True, text=True, env=environ or env(),
                       cwd=cwd or TMP, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def check(cond, what, result=None):
    if not cond:
        raise AssertionError(what + ("" if result is None else
                                     "\nstatus %r\nstdout %s\nstderr %s" % result))


def ok(argv, what, **kw):
    r = run(argv, **kw)
    check(r[0] == 0, what + ": " + " ".join(argv), r)
    return r[1]


def need(program):
    path = shutil.which(program)
    if path is None:
        raise Skip("%s is not installed (scripts/setup installs it)" % program)
    return path


def no_tree_paths(text, what):
    """Nothing the installed tree uses may lie in the build tree or checkout."""
    for d in (BUILD, SOURCE):
        check(d not in text, "%s points into %s:\n%s" % (what, d, text))


def install(prefix_name="P"):
    prefix = os.path.join(TMP, prefix_name)
    ok([CMAKE, "--install", BUILD, "--prefix", prefix], "cmake --install")
    return prefix


def case_program():
    moved = os.path.join(TMP, "moved")
    os.rename(install(), moved)          # relocatable: works wherever it lies
    vfl = os.path.join(moved, "bin", "vfl")
    out = ok([vfl, "-e", "print(vfl.version)"], "installed vfl")
    check(out == VERSION + "\n", "vfl.version is %r, want %r" % (out, VERSION))
    out = ok([vfl, "-e", "print(package.path) print(package.cpath)"], "package paths")
    no_tree_paths(out, "the installed vfl's package.path/cpath")
    check(os.path.join(moved, "bin", "..", "share", "lua", "5.4") in out,
          "package.path lacks the installed Lua files:\n" + out)
    out = ok([vfl, "--version"], "vfl --version")
    check(out.startswith("vfl " + VERSION + " -- Lua 5.4"), "vfl --version printed %r" % out)
    out = ok([vfl, "--help"], "vfl --help")
    check("--version" in out and "-e stat" in out, "vfl --help printed %r" % out)
    check(os.path.isfile(os.path.join(moved, "share", "man", "man1", "vfl.1")), "no man page")
    with Session([vfl], env=env(VFL_HISTORY=os.path.join(TMP, "history")), cwd=TMP) as s:
        s.expect(r"vfl> $")
        s.send("help()\r")
        s.expect(r"help\(x\), \?x +help on a value or a name")
        s.expect(r"vfl> $")
        s.send("help(vfl.net)\r")
        s.expect(r"vfl\.net\(\)")
        s.expect(r"vfl> $")
        s.send("\x04")
        check(s.wait() == 0, "vfl did not exit 0 on Ctrl-D:\n" + s.all_text())
        check("warning" not in s.all_text(), "the REPL warned:\n" + s.all_text())


def lua_env(prefix, version):
    share, lib = os.path.join(prefix, "share", "lua", version), os.path.join(prefix, "lib", "lua", version)
    return env(LUA_PATH="%s/?.lua;%s/?/init.lua" % (share, share), LUA_CPATH="%s/?.so" % lib)


def check_require(interp, environ, where):
    """require "vfl" from interp finds the module and its Lua files under where."""
    code = ('local vfl = require "vfl" '
            'print(vfl.version) '
            'print(package.searchpath("vfl", package.cpath)) '
            'print(package.searchpath("vfl.pretty", package.path)) '
            'print(type(require "vfl.pretty"), type(require "vfl.help"))')
    out = ok([interp, "-e", code], interp + ' require "vfl"', environ=environ)
    lines = out.splitlines()
    check(lines[0] == VERSION, "%s: vfl.version %r" % (interp, lines[0]))
    check(lines[1].startswith(where) and lines[2].startswith(where),
          "%s loaded vfl from outside %s:\n%s" % (interp, where, out))
    no_tree_paths(out, interp)
    return out


def case_lua():
    lua54, luajit = need("lua5.4"), need("luajit")
    prefix = install()
    check_require(lua54, lua_env(prefix, "5.4"), prefix)
    check_require(luajit, lua_env(prefix, "5.1"), prefix)


def case_c():
    cc, pkgconfig = need("cc"), need("pkg-config")
    prefix = install()
    environ = env(PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
    flags = ok([pkgconfig, "--cflags", "--libs", "vfl"], "pkg-config", environ=environ).split()
    no_tree_paths(" ".join(flags), "pkg-config vfl")
    prog = os.path.join(TMP, "prog")
    ok([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", prog, os.path.join(HERE, "prog.c")] + flags,
       "compiling prog.c", environ=environ)
    data = os.path.join(SOURCE, "data", "a9a")
    environ = env(LD_LIBRARY_PATH=os.path.join(prefix, "lib"))
    out = ok(["ldd", prog], "ldd prog", environ=environ)
    check(os.path.join(prefix, "lib", "libvfl.so.") in out, "prog does not use P's libvfl.so:\n" + out)
    out = ok([prog, os.path.join(data, "a9a"), os.path.join(data, "a9a.t"), os.path.join(TMP, "m.vfl")],
             "the installed library's C program", environ=environ)
    print(out, end="")


def copy_checkout(dest):
    """The files a checkout has, without build trees (luarocks builds in place)."""
    ignore = shutil.ignore_patterns(".git", "build*", "tmp", "data", "bench", "fuzz")
    shutil.copytree(SOURCE, dest, ignore=ignore, symlinks=True)


def case_luarocks():
    luarocks, lua54 = need("luarocks"), need("lua5.4")
    checkout, tree = os.path.join(TMP, "checkout"), os.path.join(TMP, "tree")
    copy_checkout(checkout)
    ok([luarocks, "--lua-version", "5.4", "make", "--tree", tree, "vfl-scm-1.rockspec"],
       "luarocks make", cwd=checkout, timeout=1200)
    shutil.rmtree(checkout)              # the rock must not need its checkout
    path = ok([luarocks, "--lua-version", "5.4", "--tree", tree, "path", "--lr-path"], "luarocks path").strip()
    cpath = ok([luarocks, "--lua-version", "5.4", "--tree", tree, "path", "--lr-cpath"], "luarocks path").strip()
    check_require(lua54, env(LUA_PATH=path, LUA_CPATH=cpath), tree)


def case_deb():
    if os.environ.get("VFL_TEST_DEB") != "1":
        raise Skip("SKIPPED LOUDLY: the .deb test installs a system package and needs root; "
                   "it runs in CI (.ci/run sets VFL_TEST_DEB=1)")
    check(os.geteuid() == 0, "VFL_TEST_DEB=1 needs root (apt-get install)")
    check(shutil.which("vfl") is None, "a vfl is already installed at %s" % shutil.which("vfl"))
    out_dir = os.path.join(TMP, "build-deb")
    out = ok([os.path.join(SOURCE, "scripts", "package-deb"), out_dir], "scripts/package-deb",
             environ=env(HOME=os.environ.get("HOME", TMP)), timeout=3000)
    deb = out.strip().splitlines()[-1]
    check(os.path.basename(deb) == "vfl_%s_amd64.deb" % VERSION, "package name: " + deb)
    contents = ok(["dpkg-deb", "--contents", deb], "dpkg-deb --contents")
    print(contents, end="")
    for f in ("./usr/bin/vfl", "./usr/lib/x86_64-linux-gnu/lua/5.4/vfl.so",
              "./usr/lib/x86_64-linux-gnu/lua/5.1/vfl.so", "./usr/lib/x86_64-linux-gnu/libvfl.so.0",
              "./usr/lib/x86_64-linux-gnu/libvfl.a", "./usr/include/vfl.h",
              "./usr/lib/x86_64-linux-gnu/pkgconfig/vfl.pc", "./usr/share/lua/5.4/vfl/help.lua",
              "./usr/share/man/man1/vfl.1", "./usr/share/doc/vfl/README.md"):
        check(f in contents, "the package lacks " + f)
    print(ok(["dpkg-deb", "--field", deb, "Depends"], "dpkg-deb --field"), end="")
    apt = env(DEBIAN_FRONTEND="noninteractive", HOME=os.environ.get("HOME", TMP))
    ok(["apt-get", "install", "-y", "--no-install-recommends", deb], "apt-get install", environ=apt)
    try:
        out = ok(["vfl", "--version"], "installed vfl --version")
        check(out.startswith("vfl " + VERSION), "vfl --version printed %r" % out)
        out = ok(["/usr/bin/vfl", "-e", "print(package.path)"], "installed vfl")
        no_tree_paths(out, "the packaged vfl's package.path")
        if shutil.which("lua5.4"):   # Debian's own search paths, no LUA_PATH
            check_require("lua5.4", env(), "/usr/")
        if shutil.which("luajit"):
            check_require("luajit", env(), "/usr/")
    finally:
        ok(["apt-get", "purge", "-y", "vfl"], "apt-get purge", environ=apt)
    check(not os.path.exists("/usr/bin/vfl"), "/usr/bin/vfl is still there after apt-get purge")
    r = run(["dpkg-query", "-W", "-f", "${db:Status-Status}", "vfl"])
    check(r[0] != 0 or r[1] == "not-installed", "dpkg still knows vfl after purging it", r)


def main():
    global CMAKE, BUILD, SOURCE, VERSION, TMP
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    CMAKE, BUILD, SOURCE, VERSION, name = sys.argv[1:]
    BUILD, SOURCE = os.path.realpath(BUILD), os.path.realpath(SOURCE)
    fn = globals().get("case_" + name)
    if fn is None:
        sys.exit("unknown case %r" % name)
    with tempfile.TemporaryDirectory(prefix="vfl-install-") as TMP:
        try:
            fn()
        except Skip as e:
            print("skip %s: %s" % (name, e))
            sys.exit(SKIP)
        except AssertionError as e:
            print("FAIL %s\n%s" % (name, e))
            sys.exit(1)
    print("ok   %s" % name)


if __name__ == "__main__":
    main()
