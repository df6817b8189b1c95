-- vfl.progress: the bar net:learn draws (on by default when stderr is a
-- terminal: tests/repl/test_pty.py checks that part under a pty).
local progress = require "vfl.progress"

local function sink()
  local s = {text = ""}
  function s:write(...) for _, x in ipairs{...} do self.text = self.text .. x end end
  function s:flush() end
  return s
end

describe("vfl.progress", function()
  -- half of epoch 2 of 4: 3/8 of the run
  local p = {epoch = 2, epochs = 4, done = 500, total = 1000, seconds = 3, examples_per_s = 50000,
             features_per_s = 1e6, loss = 0.31234}

  it("formats whole-run percent and bar, epoch k/n, loss, rate and the run's ETA", function()
    assert.are.equal(" 38% [====      ]  epoch 2/4  loss 0.3123  50.0k ex/s  ETA 0s", progress.line(p, 10))
    assert.are.equal(" 38%  epoch 2/4  loss 0.3123  50.0k ex/s  ETA 0s", progress.line(p, 0))
    assert.are.equal(0.375, progress.fraction(p))
    -- ETA of the run: 500 left in this epoch and 2000 after, at 50 ex/s
    assert.are.equal(50, progress.eta({epoch = 2, epochs = 4, done = 500, total = 1000, examples_per_s = 50}))
    assert.are.equal("3:07", progress.duration(187))
    assert.are.equal("1:02:03", progress.duration(3723))
    assert.are.equal("2.50M", progress.rate(2.5e6))
  end)

  it("shows rows instead of a percent for a stream (epoch size unknown)", function()
    local s = {epoch = 1, epochs = 1, done = 12345, total = 0, examples_per_s = 2000, loss = 0.5}
    assert.is_nil(progress.fraction(s))
    assert.are.equal("epoch 1/1  12.3k rows  loss 0.5000  2000 ex/s", progress.line(s, 10))
  end)

  it("draws nothing before there are figures (never 0 ex/s, loss 0.0000)", function()
    local out = sink()
    local bar = progress.new{tty = true, stream = out, width = 4}
    bar:update{epoch = 1, epochs = 2, done = 0, total = 1000, seconds = 0.2, examples_per_s = 0, loss = 0}
    bar:update{epoch = 2, epochs = 2, done = 0, total = 1000, seconds = 5, examples_per_s = 1354, loss = 0}
    assert.are.equal("", out.text)
    assert.is_false(progress.ready{done = 0, examples_per_s = 1354})
    assert.is_true(progress.ready{done = 10, examples_per_s = 1354})
  end)

  it("redraws one line on a terminal and writes lines elsewhere", function()
    local out = sink()
    local bar = progress.new{tty = true, stream = out, width = 4}
    bar:update(p)
    bar:epoch(p)
    bar:finish(p, false)
    local line = " 38% [==  ]  epoch 2/4  loss 0.3123  50.0k ex/s  ETA 0s"
    assert.are.equal("\r" .. line .. "\r" .. line .. "\n", out.text)
    local log = sink()
    local plain = progress.new{tty = false, stream = log}
    plain:update(p)
    plain:finish(p, true)
    assert.are.equal(" 38%  epoch 2/4  loss 0.3123  50.0k ex/s  ETA 0s\n", log.text)
    local stopped = sink()
    local bar2 = progress.new{tty = true, stream = stopped, width = 4}
    bar2:update(p)
    bar2:finish(p, true) -- closes the line, says nothing more
    assert.are.equal("\r" .. line .. "\n", stopped.text)
    assert.are.equal(10, plain.every)
  end)
end)
