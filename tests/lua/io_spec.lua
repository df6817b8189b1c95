-- vfl.io.lines: lines of plain and gzip files, errors that name the file.
local vfl = require "vfl"

local util = require "spec_util"
local err, write = util.err, util.write

local function collect(path)
  local got = {}
  for line in vfl.io.lines(path) do got[#got + 1] = line end
  return got
end

describe("vfl.io.lines", function()
  local plain = os.tmpname()
  after_each(function() os.remove(plain); os.remove(plain .. ".gz") end)

  it("reads the lines of a plain file, a last line without its newline included", function()
    write(plain, "first line\n\nthird\r\nlast")
    assert.are.same({"first line", "", "third\r", "last"}, collect(plain))
  end)

  it("reads a gzip file as its text", function()
    write(plain, "a b c\n__label__x d e\n")
    os.execute("gzip -k -f " .. plain)
    assert.are.same({"a b c", "__label__x d e"}, collect(plain .. ".gz"))
  end)

  it("reads an empty file as no lines", function()
    write(plain, "")
    assert.are.same({}, collect(plain))
  end)

  it("may be left early (the file is closed)", function()
    write(plain, "1\n2\n3\n")
    for line in vfl.io.lines(plain) do
      assert.are.equal("1", line)
      break
    end
    collectgarbage()
    assert.are.same({"1", "2", "3"}, collect(plain))
  end)

  it("names the file it cannot open", function()
    local msg = err(vfl.io.lines, "/nonexistent/corpus.txt")
    assert.are.equal('vfl.io.lines: cannot open "/nonexistent/corpus.txt": No such file or directory', msg)
    assert.matches("file name expected, got number", err(vfl.io.lines, 42), 1, true)
  end)

  it("names the file when gzip data is damaged", function()
    write(plain, ("some text that compresses\n"):rep(200))
    os.execute("gzip -k -f " .. plain)
    local f = assert(io.open(plain .. ".gz", "rb"))
    local gz = f:read("a")
    f:close()
    write(plain .. ".gz", gz:sub(1, math.floor(#gz / 2)))
    local msg = err(collect, plain .. ".gz")
    assert.matches(plain .. ".gz: gzip data is truncated", msg, 1, true)
  end)
end)
