-- Nets of different shapes on different ranks are refused at the first
-- sync, on every rank, with a message that says so.
local d = vfl.dist
local ds = vfl.dataset{dim = 8}
for i = 1, 64 do ds:append{features = {[i % 8 + 1] = 1}, label = i % 2} end
local net = vfl.net():stack(vfl.layers.sparse(8)):stack(vfl.layers.linear(d.rank == 1 and 3 or 2)):stack(vfl.layers.linear(1))
net:init{seed = 1}
local ok, err = pcall(net.learn, net, ds, "logistic", vfl.optim.sgd{lr = 0.1}, {dist = true, sync = 16})
assert(not ok, "mismatched nets trained")
assert(err:find("the nets differ across ranks", 1, true), err)
d.barrier()
if d.is_root then print("mismatched nets refused: " .. err) end
