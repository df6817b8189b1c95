#!/usr/bin/env python3
"""One vfl REPL session through a pseudo-terminal that makes every kind of
mistake the bad-input specs test (tests/lua/bad_input_spec.lua), one after
the other, and then trains and evaluates a model as if nothing happened:
each mistake prints its error and gives the prompt back, and nothing of the
session (variables, loaded data, models) is lost.

usage: test_bad_input.py <path to vfl>
Exit status 0 when the session went as expected, 77 when it cannot run.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyharness import Session  # noqa: E402

PROMPT = r"vfl> $"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# (what to type, a regex the error must match)
MISTAKES = [
    ('vfl.read.libsvm_text("1 3:abc\\n")',
     r'vfl\.read\.libsvm_text: <string>:1:5: value "abc" is not a number'),
    ('vfl.read.libsvm_text("1 3:nan\\n")',
     r'vfl\.read\.libsvm_text: <string>:1:5: value nan is not finite'),
    ('vfl.read.libsvm_text("1 7:1\\n", {dim = 5})',
     r'feature index 7 is beyond the declared dimension 5'),
    ('vfl.read.libsvm_text("1 0:1\\n")',
     r'feature index 0 is not allowed \(libsvm indices start at 1\)'),
    ('vfl.read.libsvm_text("1 -2:1\\n")',
     r'feature index -2 is negative'),
    ('net:learn(vfl.read.libsvm_text(""), "logistic")',
     r'net:learn: the dataset has no rows'),
    ('vfl.read.libsvm_text("1 3:" .. string.rep("x", 1000000) .. "\\n")',
     r'value "x{37}\.\.\." is not a number'),
    ('net:learn(vfl.read.libsvm_text("1 1:1\\n2 2:1\\n"), "hinge")',
     r'net:learn: row 2: label 2 is not binary \(the hinge loss takes 0/1 or -1/\+1\)'),
    ('vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(3))'
     ':learn(vfl.read.libsvm_text("0 1:1\\n3 2:1\\n"), "multinomial")',
     r'row 2: label 3 is not a class id for 3 outputs'),
    ('vfl.dataset(function(emit) emit{label = 1, user = vfl.sparse{[1] = 1}, item = vfl.sparse{[2] = 1}};'
     ' emit{label = 0, item = vfl.sparse{[3] = 1}} end)',
     r"emit: row 2 has no 'user' \(an input of the dataset\); give user = \{\} for a row without features"),
    ('vfl.net():add(vfl.layers.sparse(4, {name = "x"})):add(vfl.layers.linear(2, {name = "a"}))'
     ':add(vfl.layers.linear(2, {name = "b"})):wire("x", "a"):wire("a", "b"):wire("b", "a"):init{}',
     r"net:init: the net has a cycle through layer 'a'"),
    ('vfl.layers.linear(0)',
     r'vfl\.layers\.linear: argument #1 \(outputs\) must be an integer from 1 to 4294967295, got 0'),
    ('vfl.load(%(svm)r)',
     r'vfl\.load: ".*small\.svm" is not a vfl model file'),
    ('vfl.read.libsvm(%(model)r)',
     r'is a vfl model file, not libsvm text: load it as a model'),
    ('net:learn(net)',
     r'net:learn: bad argument #1 \(vfl\.dataset expected, got vfl\.net\)'),
    ('doubling:learn(same, "square", vfl.optim.sgd{lr = 3, epochs = 10}, {seed = 11})',
     r"training diverged: the loss of row 1 is infinite in epoch 3; lower the learning rate\. "
     r"Non-finite values first appear in layer 'linear1' \(its weights\); "
     r"the weights are restored to the end of epoch 2"),
]


def check(cond, msg, s):
    if not cond:
        raise AssertionError(msg + "\n--- terminal output ---\n" + s.all_text())


def line(s, text):
    """Types a line, returns what it printed before the next prompt."""
    s.send(text + "\r", pause=0.05)
    out = s.expect(r"(.*?)vfl> $", timeout=60).group(1)
    nl = out.find("\n")
    return out[nl + 1:] if nl >= 0 else ""


def session(vfl, tmp):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LUA_", "VFL_"))}
    env.update(HOME=tmp, TERM="xterm", INPUTRC="/dev/null", NO_COLOR="1",
               VFL_HISTORY=os.path.join(tmp, "history"))
    a9a = os.path.join(ROOT, "data", "a9a", "a9a")
    if not os.path.exists(a9a):
        print("skip: data/a9a/a9a is absent")
        return 77
    names = {"svm": os.path.join(ROOT, "tests", "data", "readers", "small.svm"),
             "model": os.path.join(tmp, "m.vfl")}
    with Session([vfl], env=env) as s:
        s.expect(PROMPT)
        if line(s, "type(vfl.net)") != '"function"\n':
            print("skip: the vfl program has no binding")
            return 77
        line(s, "net = vfl.net():stack(vfl.layers.sparse(10)):stack(vfl.layers.linear(1)); net:init{seed = 1}")
        line(s, "net:save(%r)" % names["model"])
        line(s, "doubling = vfl.net():stack(vfl.layers.sparse(1))"
                ":stack(vfl.layers.linear(1, {intercept = false})); doubling:init{}")
        line(s, 'doubling:set_params("linear1", 1, {0.5})')
        line(s, "same = vfl.dataset(function(emit) for i = 1, 50 do"
                " emit{label = 0, features = vfl.sparse{[1] = 1}} end end)")
        for typed, error in MISTAKES:
            out = line(s, typed % names if "%(" in typed else typed)
            check(re.search(error, out) is not None, "typed %s\nexpected an error matching %r, got %r"
                  % (typed, error, out), s)
        # the session survived: the diverged net kept its last good weights,
        # and a real training run works
        check(line(s, 'doubling:params("linear1")[1] == 2^99') == "true\n", "the weights were not kept", s)
        line(s, "train = vfl.read.libsvm(%r)" % a9a)
        line(s, "good = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(1)); good:init{seed = 42}")
        out = line(s, 'good:learn(train, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 2}, {progress = false}).stopped')
        check(out == "false\n", "training did not complete: %r" % out, s)
        out = line(s, 'vfl.metrics.evaluate(good, train, {"accuracy"}).accuracy > 0.83')
        check(out == "true\n", "the trained model is not accurate: %r" % out, s)
        s.send("os.exit(0)\r")
        check(s.wait(timeout=20) == 0, "vfl did not exit cleanly", s)
    return 0


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory(prefix="vfl-bad-") as tmp:
        try:
            rc = session(os.path.abspath(sys.argv[1]), tmp)
        except AssertionError as e:
            print("FAIL bad_input\n%s" % e)
            sys.exit(1)
    if rc == 0:
        print("ok   bad_input: %d mistakes, then a model trained and evaluated" % len(MISTAKES))
    sys.exit(rc)


if __name__ == "__main__":
    main()
