#!/usr/bin/env python3
"""vfl's fastText command line: supervised, test, predict, predict-prob,
inspect and quantize, their output formats, and their errors; end to end on 20 Newsgroups
when ../shared/data is present (skipped loudly when it is not).

usage: test_fasttext.py <path to vfl> <case>     (or "all")
"""
import gzip
import os
import re
import sys

import test_cli
from test_cli import Skip, check, run, write

TINY = "".join(
    "__label__%s the %s and %s today\n" % (
        ("space", "shuttle orbit rocket launch moon nasa".split()[i % 6],
         "shuttle orbit rocket launch moon nasa".split()[(i + 2) % 6]) if i % 2 else
        ("autos", "engine wheels brake dealer tires sedan".split()[i % 6],
         "engine wheels brake dealer tires sedan".split()[(i + 2) % 6]))
    for i in range(200))


def tiny_model():
    write("train.txt", TINY)
    r = run("supervised", "-input", "train.txt", "-output", "model", "-dim", "8", "-bucket", "65536",
            "-wordNgrams", "2", "-epoch", "5", "-lr", "0.5", "-verbose", "0")
    check(r == (0, "", ""), "vfl supervised on a tiny file", r)
    check(os.path.exists(os.path.join(test_cli.TMP, "model.bin")), "model.bin written")


def case_tiny_supervised_test_predict():
    tiny_model()
    write("test.txt", "__label__space the rocket reached orbit\n__label__autos new tires and brake\n")
    r = run("test", "model.bin", "test.txt")
    check(r == (0, "N\t2\nP@1\t1\nR@1\t1\n", ""), "vfl test prints fastText's N / P@1 / R@1", r)
    r = run("test", "model.bin", "test.txt", "2")
    check(r == (0, "N\t2\nP@2\t0.5\nR@2\t1\n", ""), "vfl test with k = 2", r)
    r = run("predict", "model.bin", "-", "2", stdin="the shuttle reached orbit\nbrake and tires\n")
    check(r == (0, "__label__space __label__autos\n__label__autos __label__space\n", ""), "vfl predict, top 2", r)
    r = run("predict-prob", "model.bin", "-", stdin="the shuttle reached orbit\n")
    check(r[0] == 0 and re.fullmatch(r"__label__space 0\.\d+\n", r[1]) and float(r[1].split()[1]) > 0.8,
          "vfl predict-prob: label and probability", r)
    r = run("predict", "model.bin", "-", "2", "0.5", stdin="the shuttle reached orbit\n")
    check(r == (0, "__label__space\n", ""), "vfl predict with a threshold leaves the unlikely class out", r)
    r = run("test", "model.bin", "test.txt", "2", "0.5")
    check(r == (0, "N\t2\nP@2\t1\nR@2\t1\n", ""), "vfl test with a threshold", r)
    r = run("predict", "model.bin", "test.txt")
    check(r == (0, "__label__space\n__label__autos\n", ""), "vfl predict from a file, labels ignored", r)


def case_tiny_inspect():
    tiny_model()
    r = run("inspect", "model.bin")
    check(r[0] == 0 and r[2] == "", "vfl inspect succeeds", r)
    for want in ("embedding  embedding(8, wmean)", "featurizer words: 2^16 buckets, n-grams up to 2",
                 "classes   2: autos space", "model.bin (",
                 "weights   float, with the optimizer state (training resumes where it stopped)"):
        check(want in r[1], "vfl inspect shows %r" % want, r)


def case_tiny_quantize():
    tiny_model()
    full = os.path.getsize(os.path.join(test_cli.TMP, "model.bin"))
    shown = {"q8": "8-bit (q8, a scale per 64 weights), weights only", "f16": "half precision (f16), weights only",
             "weights": "float, weights only (no optimizer state)"}
    for how, fraction in (("weights", 0.51), ("f16", 0.26), ("q8", 0.14)):
        r = run("quantize", "model.bin", "small.bin", how)
        check(r == (0, "", ""), "vfl quantize model.bin small.bin " + how, r)
        size = os.path.getsize(os.path.join(test_cli.TMP, "small.bin"))
        check(size < full * fraction, "%s: %d bytes of %d" % (how, size, full), r)
        r = run("inspect", "small.bin")
        check(r[0] == 0 and "weights   " + shown[how] + "\n" in r[1], "vfl inspect names " + how, r)
        r = run("predict", "small.bin", "-", "2", stdin="the shuttle reached orbit\nbrake and tires\n")
        check(r == (0, "__label__space __label__autos\n__label__autos __label__space\n", ""), how + " predicts", r)
    r = run("quantize", "model.bin")
    check(r == (1, "", "vfl quantize: usage: vfl quantize <model> <output> [q8|f16|weights]\n"), "usage", r)
    r = run("quantize", "model.bin", "small.bin", "q4")
    check(r == (1, "", "vfl quantize: the storage must be q8, f16 or weights, got 'q4'\n"), "bad storage", r)


def case_ova_multilabel():
    write("train.txt", TINY.replace("__label__space the", "__label__space __label__sky the"))
    r = run("supervised", "-input", "train.txt", "-output", "model", "-dim", "8", "-bucket", "4096",
            "-loss", "ova", "-epoch", "5", "-lr", "0.5", "-verbose", "0")
    check(r == (0, "", ""), "vfl supervised -loss ova", r)
    r = run("predict", "model.bin", "-", "2", stdin="rocket orbit launch\n")
    check(r[0] == 0 and sorted(r[1].split()) == ["__label__sky", "__label__space"], "both labels of a space line", r)


def case_errors():
    write("train.txt", TINY)
    write("nolabel.txt", "just some text\n")
    write("other.txt", "#pos good movie\n#neg bad movie\n")
    write("empty.txt", "")
    cases = [
        (("-input", "train.txt", "-output", "m", "-foo", "1"),
         "vfl supervised: unknown flag '-foo' (known: -autotune-duration -autotune-validation -bucket -dim -epoch "
         "-input -label -loss -lower -lr -maxn -minCount -minn -output -seed -thread -verbose -wordNgrams)\n"),
        (("-input", "nolabel.txt", "-output", "m"),
         "vfl supervised: nolabel.txt:1: the line has no label (a token starting with '__label__')\n"),
        (("-input", "other.txt", "-output", "m"),
         "vfl supervised: other.txt:1: the line has no label (a token starting with '__label__')\n"),
        (("-input", "empty.txt", "-output", "m"),
         "vfl supervised: \"empty.txt\" has no examples (an empty file, or only blank lines)\n"),
        (("-input", "train.txt", "-output", "m", "-minn", "4", "-maxn", "3"),
         "vfl supervised: -minn 4 -maxn 3: character n-grams need 1 <= minn <= maxn <= 16 (or -maxn 0 for none)\n"),
        (("-input", "train.txt", "-output", "m", "-dim", "0"), "vfl supervised: -dim must be at least 1, got 0\n"),
        (("-input", "train.txt", "-output", "m", "-dim", "ten"), "vfl supervised: -dim needs an integer, got 'ten'\n"),
        (("-input", "train.txt", "-output", "m", "-loss", "hs"), "vfl supervised: -loss must be softmax or ova, got 'hs'\n"),
        (("-input", "train.txt", "-label"), "vfl supervised: flag -label needs a value\n"),
        (("-output", "m"), "vfl supervised: -input is required (the training file)\n"),
        (("-input", "missing.txt", "-output", "m"),
         "vfl supervised: cannot open \"missing.txt\": No such file or directory\n"),
    ]
    for args, err in cases:
        r = run("supervised", *args)
        check(r == (1, "", err), "vfl supervised %s" % " ".join(args), r)
    r = run("supervised", "-input", "other.txt", "-output", "m", "-label", "#", "-verbose", "0", "-dim", "2")
    check(r == (0, "", ""), "another label prefix with -label", r)
    r = run("test", "nothere.bin", "x.txt")
    check(r == (1, "", "vfl test: cannot open \"nothere.bin\": No such file or directory\n"), "a missing model", r)
    r = run("predict", "m.bin", "-", "0")
    check(r == (1, "", "vfl predict: k must be a positive integer, got '0'\n"), "k = 0", r)
    r = run("predict", "m.bin", "-", "1", "2")
    check(r == (1, "", "vfl predict: the threshold must be a probability (0 to 1), got '2'\n"), "threshold 2", r)


def case_autotune():
    """-autotune-validation: vfl.tune within -autotune-duration seconds picks
    lr, dim and epochs on the validation file; the model it keeps is
    written and answers as a trained one does."""
    write("train.txt", TINY)
    write("valid.txt", TINY[: len(TINY) // 4])
    r = run("supervised", "-input", "train.txt", "-output", "model", "-bucket", "4096", "-verbose", "0",
            "-autotune-validation", "valid.txt", "-autotune-duration", "3")
    check(r[0] == 0 and r[2] == "" and "best: trial" not in r[1], "vfl supervised -autotune-validation", r)
    write("test.txt", "__label__space the rocket reached orbit\n__label__autos new tires and brake\n")
    r = run("test", "model.bin", "test.txt")
    check(r == (0, "N\t2\nP@1\t1\nR@1\t1\n", ""), "the tuned model classifies both lines", r)
    write("odd.txt", "__label__sky the moon\n")
    r = run("supervised", "-input", "train.txt", "-output", "m", "-autotune-validation", "odd.txt")
    check(r == (1, "", "vfl supervised: odd.txt:1: label 'sky' is not one of the given classes\n"),
          "a validation label the training file lacks", r)
    r = run("supervised", "-input", "train.txt", "-output", "m", "-loss", "ova", "-autotune-validation", "valid.txt")
    check(r == (1, "", "vfl supervised: -autotune-validation goes with -loss softmax\n"), "autotune with ova", r)


def case_chargrams_hashing():
    """-minn/-maxn: the model hashes the n-grams of <word> as vfl.h documents
    (vfl_words_hash): word "ab" with -minn 2 -maxn 3 is the word and the
    grams <a <ab ab ab> b>, each MurmurHash3 with seed 16 mod 2^bits."""
    write("train.txt", TINY)
    r = run("supervised", "-input", "train.txt", "-output", "model", "-dim", "4", "-bucket", "65536",
            "-minn", "2", "-maxn", "3", "-epoch", "1", "-verbose", "0")
    check(r == (0, "", ""), "vfl supervised -minn 2 -maxn 3", r)
    r = run("inspect", "model.bin")
    check(r[0] == 0 and "character n-grams 2 to 3" in r[1], "vfl inspect names the character n-grams", r)
    write("check.lua", "local f = vfl.load('model.bin'):featurizer()\n"
          "local want = {[vfl.hash.string('ab', f.bits)] = 1}\n"
          "for _, g in ipairs{'<a', '<ab', 'ab', 'ab>', 'b>'} do local i = vfl.hash.string(g, f.bits, 16); "
          "want[i] = (want[i] or 0) + 1 end\n"
          "local got = vfl.hash.words('ab', {bits = f.bits, minn = f.minn, maxn = f.maxn})\n"
          "print(f.minn, f.maxn, f.bits, vfl.sparse(want) == got)\n")
    r = run("check.lua")
    check(r == (0, "2\t3\t16\ttrue\n", ""), "the saved settings hash <word>'s n-grams as documented", r)


def case_script_named_like_a_command():
    write("test", "print('the script ran', ...)\n")
    r = run("./test", "a")
    check(r == (0, "the script ran\ta\n", ""), "a script called test runs as ./test", r)
    r = run("-e", "print(1)")
    check(r == (0, "1\n", ""), "options still reach the interpreter", r)


def shape(text):
    """fastText's output with the numbers and label names abstracted away."""
    return re.sub(r"__label__\S+", "L", re.sub(r"(?<=[\s])[0-9.e+-]+(?=\s)", "9", text))


def case_same_output_as_fasttext():
    """The same commands with fasttext in place of vfl: the same output format, and
    on this easily told apart data, the same labels."""
    import shutil
    fasttext = shutil.which("fasttext")
    if not fasttext:
        raise Skip("fasttext is not installed (apt-get install fasttext; scripts/setup --compare)")
    import subprocess
    tiny_model()
    subprocess.run([fasttext, "supervised", "-input", "train.txt", "-output", "ft", "-dim", "8", "-epoch", "5",
                    "-lr", "0.5", "-thread", "1", "-verbose", "0"], cwd=test_cli.TMP, check=True, capture_output=True)
    write("test.txt", "__label__space the rocket reached orbit\n__label__autos new tires and brake\n\n")
    stdin = "the shuttle reached orbit\nbrake and tires\n\n"
    for args in (("test", "{m}", "test.txt"), ("test", "{m}", "test.txt", "2"), ("predict", "{m}", "-", "2"),
                 ("predict-prob", "{m}", "-", "2"), ("predict", "{m}", "test.txt")):
        ours = run(*[a.format(m="model.bin") for a in args], stdin=stdin)
        theirs = subprocess.run([fasttext, *[a.format(m="ft.bin") for a in args]], input=stdin.encode(),
                                capture_output=True, cwd=test_cli.TMP)
        theirs = (theirs.returncode, theirs.stdout.decode(), "")
        check(ours[0] == 0 and shape(ours[1]) == shape(theirs[1]), "the format of %s" % " ".join(args),
              (ours, theirs))
        if args[0] != "predict-prob":
            check(re.sub(r"[0-9.]+\n", "\n", ours[1]) == re.sub(r"[0-9.]+\n", "\n", theirs[1]),
                  "the labels of %s" % " ".join(args), (ours, theirs))


def newsgroups_files():
    data = os.environ.get("VFL_DATA") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "..", "..", "..", "shared", "data")
    out = {}
    for part in ("train", "test"):
        src = os.path.join(data, "20newsgroups", "20news-bydate-%s.tsv.gz" % part)
        if not os.path.exists(src):
            raise Skip("absent: %s (the 20 Newsgroups data)" % src)
        lines = []
        with gzip.open(src, "rt", encoding="utf-8", errors="replace") as f:
            for line in f:
                group, _, text = line.rstrip("\n").split("\t", 2)
                lines.append("__label__%s %s\n" % (group, text.lower()))
        out[part] = write("ng.%s" % part, "".join(lines))
    return out


def case_newsgroups_end_to_end():
    files = newsgroups_files()
    r = run("supervised", "-input", files["train"], "-output", "ng", "-dim", "32", "-bucket", "262144",
            "-epoch", "5", "-lr", "0.5", "-thread", "2", "-verbose", "0")
    check(r == (0, "", ""), "vfl supervised on the 20 Newsgroups training posts", r)
    r = run("test", "ng.bin", files["test"])
    m = re.fullmatch(r"N\t7532\nP@1\t(0\.\d+)\nR@1\t(0\.\d+)\n", r[1])
    check(r[0] == 0 and m, "vfl test prints N / P@1 / R@1", r)
    # Measured 0.818 (bag of words, 5 epochs, the mean over tokens as over distinct words);
    # linear bag-of-words models reach 0.80-0.85.
    check(float(m.group(1)) >= 0.78 and m.group(1) == m.group(2), "P@1 = R@1 >= 0.78 on the test posts", r)
    # q8 (an eighth of the file, docs/deploy.md): measured P@1 0.818, as in full
    r = run("quantize", "ng.bin", "ng-q8.bin")
    check(r == (0, "", ""), "vfl quantize the 20 Newsgroups model", r)
    q8 = re.fullmatch(r"N\t7532\nP@1\t(0\.\d+)\nR@1\t(0\.\d+)\n", run("test", "ng-q8.bin", files["test"])[1])
    check(q8 and abs(float(q8.group(1)) - float(m.group(1))) <= 0.005, "q8 P@1 within 0.005 of the full model's",
          (m.group(1), q8 and q8.group(1)))
    r = run("predict", "ng.bin", "-", "3", stdin="the shuttle reached orbit\n")
    labels = r[1].split()
    check(r[0] == 0 and len(labels) == 3 and all(l.startswith("__label__") for l in labels), "three classes", r)
    check("__label__sci.space" in labels, "sci.space among the top 3", r)


def case_newsgroups_chargrams():
    """-minn 3 -maxn 5 on 20 Newsgroups: P@1 measured 0.844 (0.818 without
    character n-grams, same flags, same machine); 0.80 asserted."""
    files = newsgroups_files()
    r = run("supervised", "-input", files["train"], "-output", "ngc", "-dim", "32", "-bucket", "262144",
            "-epoch", "5", "-lr", "0.5", "-thread", "2", "-verbose", "0", "-minn", "3", "-maxn", "5", timeout=500)
    check(r == (0, "", ""), "vfl supervised -minn 3 -maxn 5 on the 20 Newsgroups training posts", r)
    r = run("test", "ngc.bin", files["test"], timeout=300)
    m = re.fullmatch(r"N\t7532\nP@1\t(0\.\d+)\nR@1\t(0\.\d+)\n", r[1])
    check(r[0] == 0 and m and float(m.group(1)) >= 0.80, "P@1 >= 0.80 with character n-grams", r)
    r = run("predict", "ngc.bin", "-", "3", stdin="the shuttle reached orbit\n")
    check(r[0] == 0 and "__label__sci.space" in r[1].split(), "sci.space among the top 3", r)


if __name__ == "__main__":
    names = [n for n in globals() if n.startswith("case_")]
    for n in names:
        setattr(test_cli, n, globals()[n])
    for n in [n for n in dir(test_cli) if n.startswith("case_") and n not in names]:
        delattr(test_cli, n)
    test_cli.main()
