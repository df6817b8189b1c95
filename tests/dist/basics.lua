-- vfl.dist under mpirun -np N (or alone: one rank of one). Every rank runs
-- this; a failed assert ends the whole job with the rank's message.
local d = vfl.dist
local n = tonumber(arg[1]) or 1
assert(d.size == n, ("size %d, expected %d"):format(d.size, n))
assert(d.rank >= 0 and d.rank < d.size)
assert(d.is_root == (d.rank == 0))
-- allreduce: numbers and lists, sum / min / max
assert(d.allreduce(d.rank + 1) == n * (n + 1) / 2)
local t = d.allreduce({d.rank, 1, -d.rank}, "max")
assert(t[1] == n - 1 and t[2] == 1 and t[3] == 0)
assert(d.allreduce(d.rank, "min") == 0)
-- lists of different lengths are refused on every rank, naming the lengths
local ok, err = pcall(d.allreduce, d.is_root and {1, 2} or {1})
if n > 1 then
  assert(not ok and err:find("the lists differ in length across ranks", 1, true), err)
else
  assert(ok)
end
-- broadcast: plain data from the root (or another rank)
local v = d.broadcast(d.is_root and {name = "x", list = {1, 2.5, true}, nested = {k = "v"}} or "ignored")
assert(v.name == "x" and v.list[2] == 2.5 and v.list[3] == true and v.nested.k == "v")
assert(d.broadcast(d.rank, n - 1) == n - 1)
assert(d.broadcast(nil) == nil)
-- a value that cannot be sent is refused on every rank, not only the root's
ok, err = pcall(d.broadcast, d.is_root and {f = print} or 1)
if n > 1 then assert(not ok and err:find("rank 0's value holds a function, which cannot be broadcast", 1, true), err) end
-- the collectives' deadline
local before = d.timeout()
assert(d.timeout(120) == 120)
d.timeout(before)
d.barrier()
if d.is_root then print(("vfl.dist basics: %d ranks ok"):format(n)) end
