#!/usr/bin/env python3
"""The vfl command line, which must behave like lua 5.4's.

usage: test_cli.py <path to vfl> <case>     (or "all")
"""
import os
import subprocess
import sys
import tempfile

VFL = None
TMP = None
SKIP = 77  # ctest: SKIP_RETURN_CODE


class Skip(Exception):
    pass


def need_lfs():
    """lua-filesystem (apt-get install lua-filesystem) for the C module tests."""
    r = run("-e", "require 'lfs'")
    if r[0] != 0 and "module 'lfs' not found" in r[2]:
        raise Skip("lua-filesystem is not installed")


def env(**extra):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("LUA_", "VFL_"))}
    e.update(HOME=TMP, NO_COLOR="1")
    e.update(extra)
    return e


def run(*args, stdin="", environ=None, cwd=None, timeout=30):
    p = subprocess.run([VFL, *args], input=stdin.encode(), capture_output=True,
                       env=environ or env(), cwd=cwd or TMP, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def check(cond, what, result=None):
    if not cond:
        raise AssertionError(what + ("" if result is None else
                                     "\nstatus %r\nstdout %r\nstderr %r" % result))


def case_script_args():
    script = write("s.lua", "print(arg[0], arg[1], arg[2], arg[-1] ~= nil, select('#', ...), ...)\n"
                            "return 1\n")
    r = run(script, "a", "b")
    check(r[0] == 0 and r[1] == "%s\ta\tb\ttrue\t2\ta\tb\n" % script, "arg and ...", r)
    r = run("-e", "x = 1", script, "c")
    check(r[0] == 0 and r[1].startswith(script + "\tc\tnil\ttrue\t1\tc"), "options before script", r)
    r = run("-e", "print(arg[-2], arg[-1], arg[0])", script)
    check(r[1].splitlines()[0] == "-e\tprint(arg[-2], arg[-1], arg[0])\t" + script,
          "negative indices", r)


def case_dash_e():
    r = run("-e", "print(1 + 1)", "-e", "io.write('x\\n')")
    check(r == (0, "2\nx\n", ""), "-e twice", r)
    r = run("-eprint(3)")
    check(r == (0, "3\n", ""), "-e glued", r)


def case_dash_l():
    write("mymod.lua", "return {answer = 42}\n")
    r = run("-l", "mymod", "-e", "print(mymod.answer)", environ=env(LUA_PATH="./?.lua"))
    check(r == (0, "42\n", ""), "-l mod", r)


def case_dash_l_global():
    need_lfs()
    r = run("-l", "fs=lfs", "-e", "print(type(fs.currentdir))")
    check(r == (0, "function\n", ""), "-l g=mod", r)


def case_dash_v():
    r = run("-v")
    check(r[0] == 0 and r[1].startswith("vfl ") and "Lua 5.4" in r[1], "-v", r)


def case_help_version():
    r = run("--help")
    check(r[0] == 0 and "usage: " in r[1] and "--version" in r[1] and "-e stat" in r[1]
          and "~/.vflrc" in r[1] and " supervised -input " in r[1] and r[2] == "", "--help", r)
    r = run("--version")
    check(r[0] == 0 and r[1].startswith("vfl ") and "Lua 5.4" in r[1] and r[1].count("\n") == 1,
          "--version", r)
    r = run("-e", "print(1)", "--help")   # only as the first argument, as lua has no such option
    check(r[0] == 1 and "unrecognized option '--help'" in r[2], "--help after an option", r)
    r = run("--versions")
    check(r[0] == 1 and "unrecognized option '--versions'" in r[2], "--versions", r)
    write("args.lua", "print(...)\n")
    r = run("args.lua", "--help")         # after the script: the script's argument
    check(r == (0, "--help\n", ""), "script --help", r)


def case_dash_i():
    r = run("-i", stdin="1 + 1\nx = 3\nx * 2\n")
    check(r[0] == 0, "exit status", r)
    out = r[1]
    check(out.startswith("vfl ") and "Lua 5.4" in out, "-i prints the version", r)
    check("vfl> 2\n" in out and "vfl> 6\n" in out, "-i evaluates stdin", r)
    r = run("-i", stdin="for i = 1, 2 do\nprint(i)\nend\n")
    check("1\n2\n" in r[1] and "...> " in r[1], "-i continuation", r)
    r = run("-i", stdin="for i = 1, 2 do\n")
    check("'end' expected" in r[2], "unfinished statement at EOF is reported", r)


def case_rc_before_dash_i_script():
    rc = write("rc.lua", "rc_loaded = 42\n")
    script = write("s.lua", "print('script sees', rc_loaded)\n")
    r = run("-i", script, stdin="print('repl sees', rc_loaded)\n", environ=env(VFL_RC=rc))
    check(r[0] == 0, "exit status", r)
    check("script sees\t42\n" in r[1], "~/.vflrc runs before the -i script", r)
    check("repl sees\t42\n" in r[1], "and before the REPL", r)
    r = run("-e", "print(rc_loaded)", environ=env(VFL_RC=rc))
    check(r == (0, "nil\n", ""), "not without -i: a script run is not a session", r)


def case_stdin_dash():
    r = run("-", "x", "y", stdin="print(arg[0], ...)\n")
    check(r == (0, "-\tx\ty\n", ""), "- reads the script from stdin", r)


def case_stdin_pipe():
    r = run(stdin="print(5)\n")
    check(r == (0, "5\n", ""), "stdin (not a tty) runs as a script", r)


def case_double_dash():
    script = write("d.lua", "print(...)\n")
    r = run("--", script, "-e")
    check(r == (0, "-e\n", ""), "-- then script", r)
    r = run("-e", "print(1)", "--")
    check(r == (0, "1\n", ""), "-- last", r)
    write("-", "print('file named -')\n")
    r = run("--", "-")
    check(r == (0, "file named -\n", ""), "-- - is a file", r)


def case_error_exit():
    r = run("-e", "error('boom')")
    check(r[0] == 1 and "boom" in r[2] and "stack traceback" in r[2], "error in -e", r)
    script = write("err.lua", "local x = nil\nprint(x.y)\n")
    r = run(script)
    check(r[0] == 1 and "err.lua:2:" in r[2], "error in a script", r)
    r = run("-e", "error(setmetatable({}, {__tostring = function() return 'custom' end}))")
    check(r[0] == 1 and "custom" in r[2], "error object with __tostring", r)
    r = run(os.path.join(TMP, "missing.lua"))
    check(r[0] == 1 and "cannot open" in r[2], "missing script", r)
    r = run("-e", "x = = 1")
    check(r[0] == 1 and "unexpected symbol" in r[2], "syntax error", r)


def case_os_exit():
    r = run("-e", "os.exit(3)")
    check(r[0] == 3, "os.exit(3)", r)
    r = run("-e", "os.exit(true)")
    check(r[0] == 0, "os.exit(true)", r)
    r = run("-e", "os.exit(false, true)")
    check(r[0] == 1, "os.exit(false, true)", r)
    r = run(stdin="io.write('a') os.exit(7)")
    check(r == (7, "a", ""), "os.exit flushes", r)


def case_bad_option():
    r = run("-x")
    check(r[0] == 1 and "unrecognized option '-x'" in r[2] and "usage:" in r[2], "-x", r)
    r = run("-e")
    check(r[0] == 1 and "'-e' needs argument" in r[2], "-e without argument", r)


def case_lfs():
    need_lfs()
    r = run("-e", "local lfs = require 'lfs'; print(lfs.attributes('.', 'mode'))")
    check(r == (0, "directory\n", ""), "require 'lfs' (a C module built for lua5.4)", r)


def case_vfl_global():
    r = run("-e", "print(type(vfl), vfl == require 'vfl', type(help), type(vfl.pretty))")
    check(r == (0, "table\ttrue\ttable\ttable\n", ""), "vfl preloaded", r)
    r = run("-e", "print(vfl.pretty({b = 1, a = {1, 2}}))")
    check(r == (0, "{a = {1, 2}, b = 1}\n", ""), "vfl.pretty", r)


def case_luainit():
    r = run("-e", "print(x)", environ=env(LUA_INIT="x = 'init'"))
    check(r == (0, "init\n", ""), "LUA_INIT", r)
    r = run("-e", "print(x)", environ=env(LUA_INIT="x = 'init'", LUA_INIT_5_4="x = '54'"))
    check(r == (0, "54\n", ""), "LUA_INIT_5_4 first", r)
    init = write("init.lua", "x = 'file'\n")
    r = run("-e", "print(x)", environ=env(LUA_INIT="@" + init))
    check(r == (0, "file\n", ""), "LUA_INIT=@file", r)
    r = run("-e", "print(x)", environ=env(LUA_INIT="error('in init')"))
    check(r[0] == 1 and "in init" in r[2], "error in LUA_INIT", r)


def case_noenv():
    r = run("-E", "-e", "print(x)", environ=env(LUA_INIT="x = 1"))
    check(r == (0, "nil\n", ""), "-E ignores LUA_INIT", r)
    r = run("-E", "-e", "print(package.path:find('/nowhere', 1, true))",
            environ=env(LUA_PATH="/nowhere/?.lua", VFL_LUA_PATH="/nowhere2"))
    check(r == (0, "nil\n", ""), "-E ignores LUA_PATH and VFL_LUA_PATH", r)
    r = run("-E", "-e", "print(type(vfl.pretty))")
    check(r == (0, "table\n", ""), "-E still finds vfl's Lua files", r)


def case_warnings():
    r = run("-W", "-e", "warn('careful')")
    check(r[0] == 0 and "Lua warning: careful" in r[2], "-W", r)
    r = run("-e", "warn('quiet')")
    check(r == (0, "", ""), "warnings off by default", r)


def case_lua_path_env():
    d = os.path.join(TMP, "mylua")
    os.makedirs(os.path.join(d, "vfl"))
    with open(os.path.join(d, "vfl", "extra.lua"), "w") as f:
        f.write("return 'from VFL_LUA_PATH'\n")
    r = run("-e", "print((require 'vfl.extra'))", environ=env(VFL_LUA_PATH=d))
    check(r == (0, "from VFL_LUA_PATH\n", ""), "VFL_LUA_PATH directory", r)
    r = run("-e", "print(package.path:sub(1, %d))" % (len(d) + 6), environ=env(VFL_LUA_PATH=d))
    check(r == (0, d + "/?.lua\n", ""), "VFL_LUA_PATH first in package.path", r)


def main():
    global VFL, TMP
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    VFL = os.path.abspath(sys.argv[1])
    names = sorted(n[5:] for n in globals() if n.startswith("case_"))
    todo = names if sys.argv[2] == "all" else [sys.argv[2]]
    failed = skipped = 0
    for name in todo:
        fn = globals().get("case_" + name)
        if fn is None:
            sys.exit("unknown case %r; cases: %s" % (name, " ".join(names)))
        with tempfile.TemporaryDirectory(prefix="vfl-cli-") as TMP:
            try:
                fn()
                print("ok   %s" % name)
            except Skip as e:
                skipped += 1
                print("skip %s: %s" % (name, e))
            except AssertionError as e:
                failed += 1
                print("FAIL %s\n%s" % (name, e))
    sys.exit(1 if failed else SKIP if skipped == len(todo) else 0)


if __name__ == "__main__":
    main()
