#!/usr/bin/env python3
"""Faults under mpirun: each case starts a small job and checks that it ends
promptly, with a message that names the rank, instead of hanging.

usage: faults.py MPIRUN VFL CASE      (CASE: lua_error, kill, timeout)

The hang guards below are generous upper bounds so that a hang fails the
test instead of blocking ctest; the kill case checks the issue's bound (the
job ends within 10 s of the kill)."""
import os
import signal
import subprocess
import sys
import tempfile
import time

MPIRUN, VFL, CASE = sys.argv[1], sys.argv[2], sys.argv[3]

# Rows of a small synthetic problem, built in Lua (no data files needed).
DATA = """
local ds = vfl.dataset{dim = 64}
for i = 1, 4000 do ds:append{features = {[i % 64 + 1] = 1, [(i * 7) % 64 + 1] = 1}, label = i % 2} end
local net = vfl.net():stack(vfl.layers.sparse(64)):stack(vfl.layers.linear(1))
net:init{seed = 1}
"""

SCRIPTS = {
    # A Lua error in rank 1's loss function, mid-training.
    "lua_error": DATA + """
local seen = 0
local function loss(out, row, grad)
  seen = seen + 1
  if vfl.dist.rank == 1 and seen == 1500 then error("boom in rank 1's loss") end
  grad[1] = out[1] - row.label
  return 0
end
net:learn(ds, loss, vfl.optim.sgd{lr = 0.1, epochs = 50}, {dist = true, sync = 500})
""",
    # Trains for a long time; rank 1 writes its pid so that it can be killed.
    "kill": DATA + """
if vfl.dist.rank == 1 then
  local stat = io.open("/proc/self/stat"):read("l")
  local f = io.open(os.getenv("VFL_PID_FILE") .. ".tmp", "w")
  f:write(stat:match("^(%d+)")) f:close()
  os.rename(os.getenv("VFL_PID_FILE") .. ".tmp", os.getenv("VFL_PID_FILE"))
end
net:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 100000}, {dist = true, sync = 500})
""",
    # Rank 1 never reaches the barrier; rank 0's deadline (2 s) ends the job.
    "timeout": """
vfl.dist.timeout(2)
if vfl.dist.rank == 1 then
  local t = os.time() while os.time() - t < 60 do end
end
vfl.dist.barrier()
""",
}


def run(env, guard):
    with tempfile.TemporaryDirectory() as tmp:
        script = os.path.join(tmp, "job.lua")
        with open(script, "w") as f:
            f.write(SCRIPTS[CASE])
        pid_file = os.path.join(tmp, "rank1.pid")
        env = dict(env, VFL_PID_FILE=pid_file)
        started = time.monotonic()
        p = subprocess.Popen([MPIRUN, "--oversubscribe", "-np", "2", VFL, script], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
        killed_at = None
        if CASE == "kill":
            while not os.path.exists(pid_file):
                if p.poll() is not None or time.monotonic() - started > guard:
                    break
                time.sleep(0.05)
            time.sleep(1.0)  # mid-training
            if os.path.exists(pid_file):
                os.kill(int(open(pid_file).read()), signal.SIGKILL)
                killed_at = time.monotonic()
        try:
            out, _ = p.communicate(timeout=guard)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, _ = p.communicate()
            print(out)
            sys.exit(f"FAIL: the job did not end within {guard} s")
        ended = time.monotonic()
        print(out)
        return p.returncode, out, ended - started, (ended - killed_at) if killed_at else None


def expect(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)


env = dict(os.environ)
if CASE == "lua_error":
    rc, out, secs, _ = run(env, 60)
    expect(rc != 0, "the job succeeded")
    expect("vfl.dist: rank 1 of 2:" in out, "no message naming rank 1")
    expect("boom in rank 1's loss" in out, "rank 1's message did not reach the job's output")
elif CASE == "kill":
    rc, out, secs, after_kill = run(env, 60)
    expect(after_kill is not None, "rank 1 never started training")
    expect(rc != 0, "the job succeeded")
    expect(after_kill < 10, f"the job ended {after_kill:.1f} s after the kill (more than 10 s)")
    expect("rank 1" in out, "no message naming rank 1")
    print(f"job ended {after_kill:.2f} s after rank 1 was killed")
elif CASE == "timeout":
    rc, out, secs, _ = run(env, 50)
    expect(rc != 0, "the job succeeded")
    expect("vfl.dist: rank 0 of 2: vfl.dist.barrier: no answer from every rank within 2 s" in out,
           "no timeout message from rank 0")
else:
    sys.exit("unknown case " + CASE)
print("ok")
