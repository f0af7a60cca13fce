-- Nets in the Lua binding: load (path and string), info, inputs/outputs,
-- forward (single and batched), outputs and tensors by name, metadata, head,
-- threads; error paths; <close>; and that many loads do not leak.
-- Run: LUA_CPATH='build/?.so' lua5.4 tests/lua/test_net.lua [MODEL]
local cam = require "cam"

local MODEL = arg[1] or "models/fmnist-gap.onnx"

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, raises, max_diff, finish = T.check, T.test, T.raises, T.max_diff, T.finish
local function near(a, b, tol) return T.near(a, b, tol or 1e-5) end

local f = io.open(MODEL, "rb")
if not f then
  check("model present", false, MODEL .. " is missing")
  finish()
end
local model_bytes = f:read("a")
f:close()

local net, msg, code = cam.load(MODEL, { threads = 1 })
check("load", net ~= nil, tostring(msg) .. " " .. tostring(code))
if not net then finish() end

local inputs, outputs = net:inputs(), net:outputs()
test("inputs and outputs", function()
  local s = inputs[1] and inputs[1].shape
  return #inputs == 1 and #outputs >= 1 and s and #s == 4 and s[1] == 1 and inputs[1].dtype == "float32"
      and type(inputs[1].name) == "string" and type(outputs[1].name) == "string", "unexpected io"
end)
local C, H, W = inputs[1].shape[2], inputs[1].shape[3], inputs[1].shape[4]

test("info", function()
  local i = net:info()
  return i.params > 0 and i.macs > 0 and i.nodes > 0 and i.steps > 0 and i.opset > 0 and i.threads == 1
      and i.simd == cam.simd and #i.inputs == 1, "params " .. tostring(i.params)
end)
test("nodes", function()
  local nodes = net:nodes()
  local ops = {}
  for _, n in ipairs(nodes) do ops[n.op] = true end
  return #nodes == net:info().nodes and ops.Conv and (ops.GlobalAveragePool or ops.ReduceMean), "ops missing"
end)
test("tostring", function()
  local s = tostring(net)
  return s:find("cam.net", 1, true) and s:find(inputs[1].name, 1, true), s
end)
test("metadata", function()
  local all = net:metadata()
  local n = 0
  for k, v in pairs(all) do
    n = n + 1
    if net:metadata(k) ~= v then return false, "metadata(" .. k .. ") differs" end
  end
  return net:metadata("no.such.key") == nil and (n == 0 or type(next(all)) == "string"), "bad metadata"
end)
test("labels", function()
  local labels = net:labels()
  local raw = net:metadata("cam.labels")
  if not raw then return labels == nil end
  local count = select(2, raw:gsub("\n", "\n")) + 1
  return #labels == count or #labels == count - 1, #labels .. " labels"
end)

local head, hmsg = net:head()
test("head", function()
  if not head then return false, hmsg end
  local w_ok = head.conv_classifier or (head.weights and head.weights:shape()[1] == head.n_classes
    and head.weights:shape()[2] == head.n_channels)
  return head.n_classes >= 2 and head.n_channels >= 1 and head.pool == "avg" and w_ok
      and type(head.feature) == "string", "bad head"
end)

-- forward on a deterministic input
local x = cam.zeros(C, H, W)
for i = 1, #x do x:set(i, math.sin(i * 0.37)) end
local out1 = net:forward(x)
test("forward single", function()
  return out1 and out1:shape()[1] == 1 and #out1 == head.n_classes, tostring(out1)
end)
test("forward 4-D equals 3-D", function()
  local o = net:forward(x:reshape(1, C, H, W))
  return o == out1, "max diff " .. max_diff(o, out1)
end)
test("output by index and name", function()
  net:forward(x)
  local a = net:output(1)
  local b = net:output(outputs[1].name)
  return a == out1 and b == out1
end)

-- The CAM relations that tie logits, features and the head together
-- (Zhou et al.): S_c = sum_k w_ck * mean(f_k) + b_c.
test("logits from GAP features and head weights", function()
  net:forward(x)
  local feat = net:tensor(head.feature)
  if not feat then return false, "no feature tensor" end
  local k, h, w = feat:shape()[2], feat:shape()[3], feat:shape()[4]
  local gap = {}
  for c = 1, k do gap[c] = feat:slice(1):slice(c):mean() end
  local worst = 0
  for c = 1, head.n_classes do
    local s
    if head.conv_classifier then
      s = gap[c] -- the map of class c is channel c
    else
      s = head.bias and head.bias:get(c) or 0
      for j = 1, k do s = s + head.weights:get(c, j) * gap[j] end
    end
    worst = math.max(worst, math.abs(s - out1:get(1, c)))
  end
  return worst < 1e-3 and h * w > 0, "worst |S - W.gap - b| = " .. worst
end)

-- batched forward: the same results as one at a time
test("forward batched", function()
  local imgs, singles = {}, {}
  for b = 1, 3 do
    local t = x * (b * 0.5) + b
    imgs[b] = t
    singles[b] = net:forward(t)
  end
  local batch = net:forward(imgs)
  if not batch or batch:shape()[1] ~= 3 then return false, "batch shape " .. tostring(batch) end
  for b = 1, 3 do
    local d = max_diff(batch:slice(b), singles[b]:slice(1))
    if d > 1e-4 then return false, "image " .. b .. " differs by " .. d end
  end
  return true
end)

test("forward a list of 4-D tensors", function()
  local a = net:forward { x:reshape(1, C, H, W), (x * 2):reshape(1, C, H, W) }
  return a and a:shape()[1] == 2 and a:slice(1) == out1:slice(1), tostring(a)
end)
test("topk ties and NaN", function()
  local _, idx = cam.tensor({ 0.5, 0 / 0, 0.9, 0.5 }):topk(4)
  return table.concat(idx, ",") == "3,1,4,2", table.concat(idx, ",")
end)

test("threads do not change results", function()
  assert(net:set_threads(2))
  local o2 = net:forward(x)
  assert(net:set_threads(1))
  return net:threads() == 1 and o2 == out1, "max diff " .. max_diff(o2, out1)
end)

test("load from string", function()
  local n2 = assert(cam.load_string(model_bytes, { threads = 1 }))
  local o = n2:forward(x)
  n2:close()
  return o == out1
end)

test("keep option", function()
  local nodes = net:nodes()
  local name = nodes[1].outputs[1]
  local n2 = assert(cam.load(MODEL, { keep = { name }, threads = 1 }))
  n2:forward(x)
  local t, m = n2:tensor(name)
  n2:close()
  return t ~= nil, m
end)

-- failures: nil, message, code
test("missing file", function()
  local n, m, c = cam.load("/nonexistent/model.onnx")
  return n == nil and type(m) == "string" and m ~= "" and c == "CAM_ERR_IO", tostring(c)
end)
test("garbage model", function()
  local n, m, c = cam.load_string("this is not an onnx file")
  return n == nil and type(m) == "string" and c == "CAM_ERR_FORMAT", tostring(c) .. ": " .. tostring(m)
end)
test("truncated model", function()
  local n, m, c = cam.load_string(model_bytes:sub(1, #model_bytes // 2))
  return n == nil and type(m) == "string" and c ~= nil and c:find("^CAM_ERR_"), tostring(c)
end)
test("wrong input shape", function()
  local r, m, c = net:forward(cam.zeros(C + 1, H, W))
  return r == nil and type(m) == "string" and c ~= nil and c:find("^CAM_ERR_"), tostring(c)
end)
test("tensor not found", function()
  local t, m, c = net:tensor("no such tensor")
  return t == nil and type(m) == "string" and c == "CAM_ERR_NOT_FOUND", tostring(c)
end)

-- misuse raises
raises("load needs a string", "string expected", cam.load, {})
raises("load bad option", "threads", cam.load, MODEL, { threads = "many" })
raises("forward needs a tensor", "expected a cam.tensor", function() return net:forward("x") end)
raises("forward arity", "input(s)", function() return net:forward(x, x) end)
raises("output index", "output 9 outside", function() return net:output(9) end)
raises("set_threads negative", "thread count", function() return net:set_threads(-1) end)
raises("method on a non-net", "cam.net expected", function() return net.info(x) end)

-- close and <close>
test("closed net raises", function()
  local n2 = assert(cam.load(MODEL))
  n2:close()
  n2:close() -- idempotent
  local ok, err = pcall(n2.forward, n2, x)
  return not ok and tostring(err):find("net is closed", 1, true) and tostring(n2) == "cam.net(closed)",
      tostring(err)
end)
test("<close> frees the net", function()
  local keep
  do
    local n2 <close> = assert(cam.load(MODEL))
    keep = n2
  end
  return tostring(keep) == "cam.net(closed)"
end)

-- many loads do not leak: resident memory stays flat
local function rss_kib()
  local fh = io.open("/proc/self/statm")
  if not fh then return nil end
  local _, res = fh:read("n", "n")
  fh:close()
  return res * 4
end
-- (under AddressSanitizer freed memory sits in quarantine and valgrind keeps
-- its own books: RSS says nothing there; the sanitizers check leaks instead)
local asan = (os.getenv("LD_PRELOAD") or ""):find("asan", 1, true) or os.getenv("CAM_CHECK_BUILD")
test("no leak over many loads and forwards", function()
  if asan then return true end
  local function round(n)
    for _ = 1, n do
      local n2 = cam.load_string(model_bytes, { threads = 1 })
      n2:forward(x)
      local t = n2:tensor(head.feature)
      if not t then error("no feature tensor") end
    end
    collectgarbage("collect")
    collectgarbage("collect")
  end
  round(20)
  local before = rss_kib()
  if not before then return true end
  round(100)
  local after = rss_kib()
  return after - before < 4096, string.format("RSS grew from %d to %d KiB", before, after)
end)

net:close()
finish()
