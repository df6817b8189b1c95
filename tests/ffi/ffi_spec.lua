-- The engine from LuaJIT's FFI, without the Lua binding: the declarations
-- between VFL_FFI_BEGIN and VFL_FFI_END in vfl.h go to ffi.cdef without the
-- export macro VFL_API, and libvfl.so (the vflshared target) is loaded directly.
--   VFL_HEADER  path of src/include/vfl.h
--   VFL_LIBVFL  path of libvfl.so
local ffi = require "ffi"

local header = assert(os.getenv("VFL_HEADER"), "VFL_HEADER must name src/include/vfl.h")
local libpath = assert(os.getenv("VFL_LIBVFL"), "VFL_LIBVFL must name libvfl.so")

local function ffi_block(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("*a")
  f:close()
  local block = text:match("/%* VFL_FFI_BEGIN %*/(.-)/%* VFL_FFI_END %*/")
  assert(block, "no VFL_FFI_BEGIN/END block in " .. path)
  return (block:gsub("VFL_API ", ""))
end

describe("vfl through LuaJIT's FFI", function()
  local block = ffi_block(header)
  ffi.cdef(block)
  local C = ffi.load(libpath)

  local function check(rc)
    if rc ~= C.VFL_OK then error(ffi.string(C.vfl_last_error()), 2) end
    return rc
  end

  it("has a block without preprocessor lines", function()
    assert.is_nil(block:find("\n%s*#"))
    assert.are.equal("0.1.0", ffi.string(C.vfl_version()))
  end)

  it("builds a dataset, learns, predicts and evaluates", function()
    local ds = ffi.gc(C.vfl_dataset_new(1), C.vfl_dataset_free)
    assert.are.equal(0, C.vfl_dataset_add_input(ds, "features", C.VFL_INPUT_SPARSE, 4))
    -- y = x1 or x2 (one-hot pairs 1/2 and 3/4, 0-based here)
    local index = ffi.new("uint32_t[2]")
    local label = ffi.new("float[1]")
    local feats = ffi.new("vfl_features[1]")
    local row = ffi.new("vfl_row")
    for i = 0, 199 do
      local a, b = i % 2, math.floor(i / 2) % 2
      index[0], index[1] = a, 2 + b
      label[0] = (a == 1 or b == 1) and 1 or 0
      feats[0].n, feats[0].index, feats[0].value = 2, index, nil
      row.labels, row.n_labels, row.weight, row.inputs, row.n_inputs = label, 1, 1, feats, 1
      check(C.vfl_dataset_append(ds, row))
    end
    assert.are.equal(200, tonumber(C.vfl_dataset_rows(ds)))
    assert.are.equal(400, tonumber(C.vfl_dataset_nnz(ds)))

    local net = ffi.gc(C.vfl_net_new(), C.vfl_net_free)
    local spec = ffi.new("vfl_layer_spec")
    spec.kind, spec.input_kind, spec.dim = C.VFL_LAYER_INPUT, C.VFL_INPUT_SPARSE, 4
    check(C.vfl_net_stack(net, "x", spec))
    spec = ffi.new("vfl_layer_spec")
    spec.kind, spec.dim, spec.intercept = C.VFL_LAYER_LINEAR, 1, 1
    check(C.vfl_net_stack(net, "out", spec))
    check(C.vfl_net_init(net, -1, 1))

    local opt = ffi.new("vfl_train_options")
    C.vfl_train_defaults(opt)
    opt.epochs = 20
    opt.optim.lr = 0.5
    local loss = ffi.new("vfl_loss_spec")
    loss.kind = C.VFL_LOSS_LOGISTIC
    check(C.vfl_net_learn(net, ds, loss, opt))
    assert.are.equal(C.VFL_LINK_SIGMOID, C.vfl_net_link(net))

    local m = ffi.new("vfl_metrics")
    check(C.vfl_metrics_eval(net, ds, m))
    assert.are.equal(1, m.accuracy)
    assert.are.equal(200, tonumber(m.rows))

    local out = ffi.new("float[1]")
    index[0], index[1] = 0, 2 -- a = 0, b = 0: y = 0
    feats[0].n, feats[0].index, feats[0].value = 2, index, nil
    check(C.vfl_net_predict(net, feats, 1, out))
    assert.is_true(out[0] < 0.5)
    index[0], index[1] = 1, 2 -- a = 1: y = 1
    check(C.vfl_net_predict(net, feats, 1, out))
    assert.is_true(out[0] > 0.5)
  end)

  it("reports errors through vfl_last_error", function()
    local net = ffi.gc(C.vfl_net_new(), C.vfl_net_free)
    assert.are.equal(C.VFL_EINVAL, C.vfl_net_init(net, -1, 1))
    assert.are.equal("the net has no layers", ffi.string(C.vfl_last_error()))
  end)
end)
