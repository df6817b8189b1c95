#!/usr/bin/env python3
"""The vfl REPL driven through a pseudo-terminal, as a person would use it.

usage: test_pty.py <path to vfl> <case>     (or "all")
Exit status 0 when the case passes.
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyharness import Session  # noqa: E402

PROMPT = r"vfl> $"
SKIP = 77  # ctest: SKIP_RETURN_CODE


class Skip(Exception):
    pass
VFL = None
TMP = None


def environment(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LUA_", "VFL_"))}
    env.update(HOME=TMP, TERM="xterm", INPUTRC="/dev/null", NO_COLOR="1",
               VFL_HISTORY=os.path.join(TMP, "history"))
    env.update(extra)
    return env


def start(**extra):
    s = Session([VFL], env=environment(**extra))
    s.expect(PROMPT)
    return s


def line(s, text):
    """Type a line and wait for the next main prompt."""
    s.send(text + "\r")
    return s.expect(PROMPT).group(0)


def output_of(s, text):
    """Type a line; return what it printed before the next prompt."""
    s.send(text + "\r")
    m = s.expect(r"(.*?)vfl> $")
    out = m.group(1)
    # drop the echoed input line
    first_nl = out.find("\n")
    return out[first_nl + 1:] if first_nl >= 0 else ""


def check(cond, msg, s=None):
    if not cond:
        if s is not None:
            msg += "\n--- terminal output ---\n" + s.all_text()
        raise AssertionError(msg)


# --- cases -------------------------------------------------------------------

def case_complete_global(s):
    line(s, "function frobnicate_me() return 40 + 2 end")
    s.send("frobnic\t")
    s.expect(r"frobnicate_me\($")          # a function gets its "("
    s.send(")\r")
    s.expect(r"\n42\n")


def case_complete_field(s):
    line(s, "tbl = {alpha_field = 7, beta = 1}")
    s.send("tbl.alp\t")
    s.expect(r"tbl\.alpha_field$")
    s.send("\r")
    s.expect(r"\n7\n")


def case_complete_method(s):
    line(s, 't = setmetatable({}, {__index = {learn = function(self) return "learned" end}})')
    s.send("t:le\t")
    s.expect(r"t:learn\($")
    s.send(")\r")
    s.expect(r'\n"learned"\n')
    # methods found through a chain of __index tables (a class hierarchy)
    line(s, "Base = {fit = function() return 1 end}; Base.__index = Base")
    line(s, "Net = setmetatable({}, Base); Net.__index = Net")
    line(s, "n = setmetatable({}, Net)")
    s.send("n:fi\t")
    s.expect(r"n:fit\($")
    s.send(")\r")
    s.expect(r"\n1\n")


def case_complete_list(s):
    line(s, "t2 = {aa1 = 1, aa2 = 2, bb = 3}")
    s.send("t2.a\t")
    s.send("\t")
    s.expect(r"aa1\s+aa2")                  # the candidates, without "t2."
    s.send("1\r")
    s.expect(r"\n1\n")
    line(s, 'str = "a"')
    s.send("str:up\t")                      # string methods
    s.expect(r"str:upper\($")
    s.send(")\r")
    s.expect(r'\n"A"\n')


def case_history(s):
    hist = os.path.join(TMP, "history")
    s.send("for i = 1, 2 do\r")
    s.expect(r"\.\.\.> $")
    s.send("print(i * 10)\r")
    s.expect(r"\.\.\.> $")
    s.send("end\r")
    s.expect(r"\n10\n20\n")
    s.expect(PROMPT)
    s.send('print("hist" .. "ory")\r')
    s.expect(r"\nhistory\n")
    s.expect(PROMPT)
    s.send("\x04")
    check(s.wait() == 0, "Ctrl-D did not exit 0", s)
    s.close()
    check(os.path.exists(hist), "no history file written")

    s2 = start()
    s2.send("\x1b[A")                       # Up: the last line of session 1
    s2.expect(r'print\("hist" \.\. "ory"\)$')
    s2.send("\r")
    s2.expect(r"\nhistory\n")
    s2.expect(PROMPT)
    s2.send("\x1b[A\x1b[A")                 # the multi-line statement, whole
    s2.expect(r"end$")
    s2.send("\r")
    s2.expect(r"\n10\n20\n")
    s2.send("\x04")
    s2.wait()
    s2.close()

    # the file is capped
    with open(hist, "w") as f:
        for i in range(1500):
            f.write("#%d\nx = %d\n" % (1700000000 + i, i))
    s3 = start()
    line(s3, "capped = true")
    s3.send("\x04")
    s3.wait()
    s3.close()
    with open(hist) as f:
        lines = [ln for ln in f.read().splitlines() if not ln.startswith("#")]
    check(len(lines) <= 1000, "history file not capped: %d lines" % len(lines))
    check(lines[-1] == "capped = true", "last entry missing: %r" % lines[-3:])
    return None


def case_multiline(s):
    s.send("for i = 1, 3 do\r")
    s.expect(r"\.\.\.> $")
    s.send("print(i * 10)\r")
    s.expect(r"\.\.\.> $")
    s.send("end\r")
    s.expect(r"\n10\n20\n30\n")
    s.expect(PROMPT)
    s.send("local function f(x)\r")
    s.expect(r"\.\.\.> $")
    s.send("  return x + 1\r")
    s.send("end; print(f(1))\r")
    s.expect(r"\n2\n")


def case_results(s):
    check(output_of(s, "1 + 1") == "2\n", "1 + 1", s)
    check(output_of(s, '"s"') == '"s"\n', "string", s)
    check(output_of(s, "{1, 2, 3}") == "{1, 2, 3}\n", "table", s)
    check(output_of(s, "x = 5") == "", "assignment printed something", s)
    check(output_of(s, "x") == "5\n", "global", s)
    check(output_of(s, '1, "a", nil') == '1\t"a"\tnil\n', "several results", s)
    check(output_of(s, "=x") == "5\n", "'=' prefix", s)
    check(output_of(s, "print('p')") == "p\n", "print", s)
    out = output_of(s, "error('boom')")
    check("boom" in out and "stack traceback" in out, "error message", s)


def case_pretty(s):
    line(s, "t = {} for i = 1, 10000 do t[i] = i end")
    out = output_of(s, "t")
    check(out.startswith("{1, 2, 3,") and "more}" in out and out.count("\n") == 1,
          "large table not summarised on one line: %r" % out, s)
    out = output_of(s, "{b = 1, a = {c = 2}}")
    check(out == "{a = {c = 2}, b = 1}\n", "keys not sorted: %r" % out, s)
    line(s, "c = {}; c.me = c")
    check(output_of(s, "c") == "{me = <cycle>}\n", "cycle", s)
    line(s, 'o = setmetatable({}, {__tostring = function() return "Net(2 layers)" end})')
    check(output_of(s, "o") == "Net(2 layers)\n", "__tostring", s)


def case_colors(s):
    # NO_COLOR is set by environment(): no escape codes in results
    s.send("{1, 'a'}\r")
    s.expect(r'\{1, "a"\}\n')
    check(b"\x1b[36m" not in s.raw, "colours although NO_COLOR is set", s)
    s.close()
    env = environment()
    del env["NO_COLOR"]
    s = Session([VFL], env=env)
    s.expect(PROMPT)
    s.send("{1, 'a'}\r")
    s.expect(r'\{1, "a"\}\n')
    check(b"\x1b[36m1\x1b[0m" in s.raw and b'\x1b[32m"a"\x1b[0m' in s.raw,
          "no colours on a terminal", s)
    return s


def case_interrupt(s):
    s.send("while true do end\r")
    time.sleep(0.5)
    s.send("\x03")
    s.expect(r"interrupted!")
    s.expect(PROMPT)
    s.send("print(41 + 1)\r")
    s.expect(r"\n42\n")


def case_interrupt_twice(s):
    # the first Ctrl-C is swallowed by pcall, the second one still works
    s.send("pcall(function() while true do end end); while true do end\r")
    time.sleep(0.5)
    s.send("\x03", pause=0.5)
    s.send("\x03")
    s.expect(r"interrupted!")
    s.expect(PROMPT)
    s.send("print(41 + 1)\r")
    s.expect(r"\n42\n")
    # and a third command can be interrupted too
    s.send("while true do end\r")
    time.sleep(0.3)
    s.send("\x03")
    s.expect(r"interrupted!")
    s.expect(PROMPT)


def case_interrupt_training(s):
    """Ctrl-C stops net:learn within a mini-batch; the model keeps what it
    learned, the command ends with "interrupted!", the next learn runs."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "a9a", "a9a")
    if output_of(s, "type(vfl.net)") != '"function"\n' or not os.path.exists(data):
        raise Skip("needs the binding and data/a9a")
    line(s, "train = vfl.read.libsvm(%r)" % os.path.abspath(data))
    line(s, "net = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(1))")
    line(s, "net:init{seed = 1}; before = net:predict(train[1])[1]")
    s.send("for i = 1, 5 do net:learn(train, 'logistic', vfl.optim.sgd{lr = 0.01, epochs = 1e6}) end\r")
    time.sleep(1.0)
    t = time.time()
    s.send("\x03")
    s.expect(r"interrupted!", timeout=10)
    s.expect(PROMPT)
    # a limit only in an optimised build without sanitizers, on a machine that is not overloaded
    if os.environ.get("VFL_TIMED_CHECKS") and os.getloadavg()[0] <= os.cpu_count():
        check(time.time() - t < 5, "training took %.1f s to stop" % (time.time() - t), s)
    check(output_of(s, "net:predict(train[1])[1] ~= before") == "true\n", "the model did not learn", s)
    out = output_of(s, "net:learn(train, 'logistic', vfl.optim.sgd{lr = 0.01, epochs = 1}).stopped")
    check(out.endswith("ETA 0s\nfalse\n"), "the next learn stopped at once: %r" % out, s)


def case_interrupt_returns_stats(s):
    """Ctrl-C during a lone net:learn keeps the run's record: learn returns
    its stats with stopped = true, reason "interrupted" and the epochs done."""
    a9a_net(s)
    s.send("st = net:learn(train, 'logistic', vfl.optim.sgd{lr = 0.01, epochs = 1e6}, {progress = false})\r")
    time.sleep(1.5)
    s.send("\x03")
    s.expect(PROMPT, timeout=20)
    out = output_of(s, "print(st.stopped, st.reason, #st.history >= 1, st.history[1].epoch, st.epochs >= 1)")
    check(out == "true\tinterrupted\ttrue\t1\ttrue\n", "Ctrl-C did not return the stats: %r" % out, s)


def a9a_net(s):
    """Loads data/a9a and a linear net into the session, or skips."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "a9a", "a9a")
    if output_of(s, "type(vfl.net)") != '"function"\n' or not os.path.exists(data):
        raise Skip("needs the binding and data/a9a")
    line(s, "train = vfl.read.libsvm(%r)" % os.path.abspath(data))
    line(s, "net = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(1)); net:init{seed = 1}")


def case_progress_default(s):
    """On a terminal net:learn draws its bar without being asked: whole-run
    percent, epoch k/n, loss, examples/s, ETA; never a line of zeros;
    progress = false keeps it quiet."""
    a9a_net(s)
    out = output_of(s, "stats = net:learn(train, 'logistic', vfl.optim.sgd{lr = 0.01, epochs = 30})")
    check(re.search(r"100% \[=+\]  epoch 30/30  loss 0\.3\d{3}  [\d.]+[kM]? ex/s  ETA 0s", out),
          "no final progress line: %r" % out, s)
    check(re.search(r"\b\d{1,2}% \[=*\s*\]  epoch \d+/30", out), "no line before the end: %r" % out, s)
    check(" 0 ex/s" not in out and "loss 0.0000" not in out, "a line of zeros: %r" % out, s)
    check(out.endswith("ETA 0s\n"), "the bar's line is not closed: %r" % out[-80:], s)
    out = output_of(s, "stats = net:learn(train, 'logistic', vfl.optim.sgd{lr = 0.01, epochs = 3}, {progress = false})")
    check(out == "", "progress = false still drew: %r" % out, s)


def case_last_result(s):
    """`_` holds the last result; floats read at vfl.repl.precision digits."""
    check(output_of(s, "1 + 41") == "42\n", "1 + 41", s)
    check(output_of(s, "_ * 2") == "84\n", "_ is not the last result", s)
    line(s, "local unused = 1")          # a statement without results keeps _
    check(output_of(s, "_") == "84\n", "_ changed without a result", s)
    check(output_of(s, "for _, v in ipairs{7} do print(_, v) end") == "1\t7\n", "_ as a loop name", s)
    check(output_of(s, "_") == "84\n", "a local _ leaked", s)
    check(output_of(s, "{1/3, 2.0, 7}") == "{0.3333, 2.0, 7}\n", "default precision", s)
    line(s, "vfl.repl.precision = 8")
    check(output_of(s, "1/3") == "0.33333333\n", "precision 8", s)
    line(s, "vfl.repl.precision = nil")
    check(output_of(s, "1/3") == "0.33333333333333\n", "precision nil", s)


def case_traceback(s):
    """An error's traceback keeps the frames that say something."""
    out = output_of(s, "error('boom')")
    check("boom" in out and "stack traceback" in out and "in main chunk" in out, "traceback: %r" % out, s)
    check("[C]: in ?" not in out, "a [C]: in ? frame: %r" % out, s)


def case_report(s):
    """vfl.metrics.report prints as a readable report."""
    a9a_net(s)
    line(s, "net:learn(train, 'logistic', vfl.optim.adagrad{lr = 0.1, epochs = 2}, {progress = false})")
    out = output_of(s, "vfl.metrics.report(net, train)")
    for want in ("binary report on 32561 rows", "accuracy   0.8", "auc        0.9", "at threshold 0.500: tp ",
                 "calibration:", "0.90-1.00", "curves: roc and pr, 101 points each"):
        check(want in out, "%r not in the report:\n%s" % (want, out), s)
    check(output_of(s, "_.task") == '"binary"\n', "_ is not the report", s)


def case_ctrl_c_prompt(s):
    s.send("abc")
    s.send("\x03")
    s.expect(PROMPT)
    s.send("print(6 * 7)\r")
    m = s.expect(r"(.*)\n42\n")
    check("abc" not in m.group(1) and "error" not in m.group(1),
          "the dropped line was run", s)


def case_ctrl_c_continuation(s):
    s.send("for i = 1, 2 do\r")
    s.expect(r"\.\.\.> $")
    s.send("\x03")
    s.expect(PROMPT)                        # back to the first prompt
    s.send("print(6 * 7)\r")
    s.expect(r"\n42\n")


def case_ctrl_d(s):
    s.send("\x04")
    check(s.wait() == 0, "Ctrl-D: exit status %r" % s.status, s)
    s.close()
    s2 = start()
    s2.send("os.exit(5)\r")
    check(s2.wait() == 5, "os.exit(5): exit status %r" % s2.status, s2)
    s2.close()


def case_help(s):
    out = output_of(s, "help()")
    check("Topics:" in out and "vfl.pretty" in out, "help() lists no topics", s)
    out = output_of(s, "help(vfl.pretty)")
    check(out.startswith("vfl.pretty(value"), "help(vfl.pretty): %r" % out, s)
    out = output_of(s, 'help("repl")')
    check("Ctrl-C" in out, "help 'repl'", s)


def case_question(s):
    out = output_of(s, "?vfl.pretty")
    check(out.startswith("vfl.pretty(value") and "Render" in out, "?vfl.pretty: %r" % out, s)
    out = output_of(s, "?")
    check("Topics:" in out, "? alone", s)


def case_rc_file(s):
    s.close()
    rc = os.path.join(TMP, "rc.lua")
    with open(rc, "w") as f:
        f.write("rc_loaded = 42\n")
    s = start(VFL_RC=rc)
    check(output_of(s, "rc_loaded") == "42\n", "VFL_RC not run", s)
    s.close()
    with open(rc, "w") as f:
        f.write("error('bad rc')\n")
    s = Session([VFL], env=environment(VFL_RC=rc))
    s.expect("bad rc")
    s.expect(PROMPT)
    s.send("print(6 * 7)\r")
    s.expect(r"\n42\n")
    s.close()
    # ~/.vflrc by default
    with open(os.path.join(TMP, ".vflrc"), "w") as f:
        f.write("home_rc = 'yes'\n")
    s = start()
    check(output_of(s, "home_rc") == '"yes"\n', "~/.vflrc not run", s)
    return s


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
        with tempfile.TemporaryDirectory(prefix="vfl-pty-") as TMP:
            s = start()
            try:
                s = fn(s) or s
                print("ok   %s" % name)
            except Skip as e:
                skipped += 1
                print("skip %s: %s" % (name, e))
            except AssertionError as e:
                failed += 1
                print("FAIL %s\n%s" % (name, e))
            finally:
                s.close()
    sys.exit(1 if failed else SKIP if skipped == len(todo) else 0)


if __name__ == "__main__":
    main()
