-- Tensor userdata of the Lua binding: construction, shape, element access,
-- conversions, slicing, reductions, arithmetic, correlation, IoU, npy I/O,
-- error paths, <close> and garbage collection.
-- Run: LUA_CPATH='build/?.so' lua5.4 tests/lua/test_tensor.lua
local cam = require "cam"

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, raises, near = T.check, T.test, T.raises, T.near

-- Deterministic pseudo-random numbers (LCG) so failures reproduce.
local seed = 12345
local function rnd()
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648 - 0.5
end
local function random_tensor(...)
  local t = cam.zeros(...)
  for i = 1, #t do t:set(i, rnd()) end
  return t
end

-- construction and shape
test("module table", function()
  return type(cam) == "table" and type(cam.version) == "string" and type(cam.simd) == "string"
      and rawget(_G, "cam") == nil, "module missing fields or set a global"
end)
test("nested table shape", function()
  local t = cam.tensor { { 1, 2, 3 }, { 4, 5, 6 } }
  local s = t:shape()
  return #s == 2 and s[1] == 2 and s[2] == 3 and #t == 6 and t:ndim() == 2 and t:count() == 6,
      "shape " .. table.concat(s, "x")
end)
test("get set 1-based", function()
  local t = cam.tensor { { 1, 2, 3 }, { 4, 5, 6 } }
  t:set(2, 1, 40)
  return t:get(1, 1) == 1 and t:get(2, 3) == 6 and t:get(2, 1) == 40 and t:get(6) == 6, "wrong element"
end)
test("zeros full dims", function()
  local z = cam.zeros(2, 3, 4)
  local f = cam.full({ 2, 2 }, 7)
  local a, b, c = z:dims()
  return a == 2 and b == 3 and c == 4 and z:sum() == 0 and f:sum() == 28 and cam.zeros { 5 }:count() == 5
end)
test("table roundtrip", function()
  local src = { { { 1.5, -2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8.25 } } }
  local back = cam.tensor(src):table()
  for i = 1, 2 do for j = 1, 2 do for k = 1, 2 do
    if back[i][j][k] ~= src[i][j][k] then return false, "element differs" end
  end end end
  return true
end)
test("flat and reshape", function()
  local t = cam.tensor({ 1, 2, 3, 4, 5, 6 }, 2, 3)
  local r = t:reshape(3, -1)
  local f = r:flat()
  return t:get(2, 1) == 4 and r:get(3, 1) == 5 and #f == 6 and f[6] == 6 and r:shape()[2] == 2
end)
test("binary string roundtrip", function()
  local t = random_tensor(3, 5)
  local s = t:bytes()
  local u = cam.tensor(s, 3, 5)
  return #s == 60 and u == t and string.unpack("<f", s, 5) == t:get(2), "bytes differ"
end)
test("copy is independent", function()
  local t = cam.tensor { 1, 2, 3 }
  local c = t:copy()
  c:set(1, 9)
  return t:get(1) == 1 and c:get(1) == 9
end)
test("tostring", function()
  local s = tostring(cam.zeros(2, 3))
  return s:find("cam.tensor", 1, true) and s:find("2x3", 1, true), s
end)

-- slicing: one class map from a maps tensor
test("slice select narrow", function()
  local maps = cam.zeros(4, 3, 2)
  for c = 1, 4 do for y = 1, 3 do for x = 1, 2 do maps:set(c, y, x, c * 100 + y * 10 + x) end end end
  local m3 = maps:slice(3)
  local col = maps:select(3, 2)
  local mid = maps:narrow(1, 2, 3)
  local r = maps:slice(2, 4)
  return m3:ndim() == 2 and m3:get(2, 1) == 321 and col:get(4, 3) == 432 and mid:shape()[1] == 2
      and mid:get(1, 1, 1) == 211 and r:shape()[1] == 3 and r:get(3, 3, 2) == 432, "wrong slice"
end)
test("stack", function()
  local a, b = cam.tensor { 1, 2 }, cam.tensor { 3, 4 }
  local s = cam.stack { a, b }
  return s:shape()[1] == 2 and s:get(2, 1) == 3
end)

-- reductions
test("min max mean sum argmax", function()
  local t = cam.tensor { { 3, -1, 7 }, { 2, 9, 0 } }
  local mx, imx = t:max()
  local mn, imn = t:min()
  local i, j = t:argmax()
  return mx == 9 and imx == 5 and mn == -1 and imn == 2 and t:sum() == 20 and near(t:mean(), 20 / 6)
      and i == 2 and j == 2
end)
test("topk", function()
  local v, idx = cam.tensor { 0.1, 0.9, 0.5, 0.9 }:topk(3)
  return near(v[1], 0.9) and idx[1] == 2 and idx[2] == 4 and idx[3] == 3, table.concat(idx, ",")
end)

-- arithmetic between maps and with scalars
test("arithmetic", function()
  local a, b = random_tensor(4, 5), random_tensor(4, 5)
  local s, d, p, q, n = a + b, a - b, a * b, a / b, -a
  local s2, m2, r2 = a + 1, 2 * a, 1 / a
  for i = 1, #a do
    local x, y = a:get(i), b:get(i)
    local f = function(v) return string.unpack("f", string.pack("f", v)) end
    if s:get(i) ~= f(x + y) or d:get(i) ~= f(x - y) or p:get(i) ~= f(x * y) or q:get(i) ~= f(x / y)
        or n:get(i) ~= -x or s2:get(i) ~= f(x + 1) or m2:get(i) ~= f(2 * x) or r2:get(i) ~= f(1 / x) then
      return false, "element " .. i
    end
  end
  return true
end)
test("clamp map normalize softmax", function()
  local t = cam.tensor { -2, 0, 2, 6 }
  local c = t:clamp(0)
  local sq = t:map(function(x) return x * x end)
  local n = t:normalize("minmax")
  local m = t:normalize("max")
  local sm = t:softmax()
  local z = math.exp(-2) + 1 + math.exp(2) + math.exp(6)
  return c:get(1) == 0 and c:get(4) == 6 and sq:get(1) == 4 and n:get(1) == 0 and n:get(4) == 1
      and near(n:get(3), 0.5) and near(m:get(3), 1 / 3) and near(sm:get(4), math.exp(6) / z, 1e-5)
      and near(sm:sum(), 1, 1e-5)
end)

-- correlation (Pearson), checked against a direct double-precision formula
test("pearson correlation", function()
  local a, b = random_tensor(7, 7), random_tensor(7, 7)
  b = a * 0.5 + b
  local n, sa, sb = #a, 0, 0
  for i = 1, n do sa, sb = sa + a:get(i), sb + b:get(i) end
  local ma, mb, sab, saa, sbb = sa / n, sb / n, 0, 0, 0
  for i = 1, n do
    local x, y = a:get(i) - ma, b:get(i) - mb
    sab, saa, sbb = sab + x * y, saa + x * x, sbb + y * y
  end
  local ref = sab / math.sqrt(saa * sbb)
  return near(a:corr(b), ref, 1e-9) and near(a:corr(a), 1, 1e-12) and near(a:corr(-a), -1, 1e-12),
      a:corr(b) .. " vs " .. ref
end)
test("correlation of a flat map is NaN", function()
  local c = cam.zeros(3, 3):corr(random_tensor(3, 3))
  return c ~= c
end)

-- IoU of thresholded maps, against a direct count
test("iou of thresholded maps", function()
  local a, b = random_tensor(9, 9), random_tensor(9, 9)
  local function mask(t, thr)
    local mx = t:max()
    local m = {}
    for i = 1, #t do m[i] = mx > 0 and t:get(i) >= thr * mx end
    return m
  end
  for _, thr in ipairs { 0.2, 0.5 } do
    local ma, mb = mask(a, thr), mask(b, thr)
    local inter, uni = 0, 0
    for i = 1, #a do
      if ma[i] and mb[i] then inter = inter + 1 end
      if ma[i] or mb[i] then uni = uni + 1 end
    end
    if not near(a:iou(b, thr), inter / uni, 1e-12) then return false, "thr " .. thr end
  end
  local th = a:threshold(0.5)
  local cnt = 0
  for i = 1, #a do if a:get(i) >= 0.5 * a:max() then cnt = cnt + 1 end end
  return a:iou(a) == 1 and th:sum() == cnt and a:iou(b, 0.3, "range") >= 0
end)

-- npy: save, load, and compare with numpy's own reading and writing
local tmp = os.tmpname()
test("npy save and load", function()
  local t = random_tensor(2, 3, 4)
  local ok, msg = t:save(tmp)
  if not ok then return false, msg end
  local u, m2 = cam.load_npy(tmp)
  if not u then return false, m2 end
  return u == t, "loaded tensor differs"
end)
-- without the sanitizer runtime that check-asan preloads into lua5.4
local py = io.open("/usr/bin/python3") and "env -u LD_PRELOAD /usr/bin/python3"
if py then
  test("npy written by numpy", function()
    local f = tmp .. ".py.npy"
    local ok = os.execute(py .. " -c \"import numpy as np; np.save('" .. f ..
      "', np.arange(24, dtype=np.float64).reshape(2,3,4) * 0.5 - 3)\" 2>/dev/null")
    if not ok then return true end -- numpy missing: nothing to compare
    local t, msg = cam.load_npy(f)
    os.remove(f)
    if not t then return false, msg end
    local s = t:shape()
    return s[1] == 2 and s[2] == 3 and s[3] == 4 and t:get(1, 1, 1) == -3 and t:get(2, 3, 4) == 23 * 0.5 - 3
  end)
  test("npy read by numpy", function()
    local t = random_tensor(3, 2)
    assert(t:save(tmp))
    local p = io.popen(py .. " -c \"import numpy as np; a = np.load('" .. tmp ..
      "'); print(a.dtype, a.shape, repr(float(a[2,1])))\" 2>/dev/null")
    local line = p:read("l")
    p:close()
    if not line then return true end
    return line:find("float32 (3, 2)", 1, true) and near(tonumber(line:match("(%S+)$")), t:get(3, 2), 1e-7), line
  end)
end
test("npy from string", function()
  local t = random_tensor(5)
  assert(t:save(tmp))
  local f = io.open(tmp, "rb")
  local s = f:read("a")
  f:close()
  return cam.npy_from_string(s) == t
end)

-- failures return nil, message, code
test("npy missing file", function()
  local t, msg, code = cam.load_npy("/nonexistent/x.npy")
  return t == nil and type(msg) == "string" and code == "CAM_ERR_IO", tostring(code)
end)
test("npy malformed", function()
  local f = io.open(tmp, "wb")
  f:write("\147NUMPY\1\0garbage")
  f:close()
  local t, msg, code = cam.load_npy(tmp)
  local t2, _, code2 = cam.npy_from_string("not an npy file at all")
  return t == nil and type(msg) == "string" and code == "CAM_ERR_FORMAT" and t2 == nil and code2 == "CAM_ERR_FORMAT",
      tostring(code) .. " " .. tostring(code2)
end)
test("npy save to a bad path", function()
  local ok, msg, code = cam.zeros(2):save("/nonexistent/dir/x.npy")
  return ok == nil and type(msg) == "string" and code == "CAM_ERR_IO", tostring(code)
end)
os.remove(tmp)

-- misuse raises with a useful message
raises("get index out of range", "outside 1..3", function() return cam.zeros(2, 3):get(1, 4) end)
raises("get wrong index count", "needs 2 indices", function() return cam.zeros(2, 3):get(1, 1, 1) end)
raises("get flat out of range", "flat index 7", function() return cam.zeros(2, 3):get(7) end)
raises("set non-number", "number expected", function() return cam.zeros(2):set(1, "x") end)
raises("shape mismatch in +", "differs", function() return cam.zeros(2, 3) + cam.zeros(3, 2) end)
raises("add a string", "expected a number or cam.tensor", function() return cam.zeros(2) + {} end)
raises("ragged table", "not rectangular", cam.tensor, { { 1, 2 }, { 3 } })
raises("non-number element", "expected a number", cam.tensor, { 1, "a" })
raises("reshape count", "does not hold", function() return cam.zeros(2, 3):reshape(4, 2) end)
raises("bad string length", "multiple of 4", cam.tensor, "abc")
raises("negative dimension", "non-negative", cam.zeros, 2, -1)
raises("method on wrong type", "cam.tensor expected", function() return cam.zeros(2).sum({}) end)
raises("slice out of range", "index 5 outside 1..4", function() return cam.zeros(4, 2):slice(5) end)
raises("select bad dim", "dimension 3 outside 1..2", function() return cam.zeros(4, 2):select(3, 1) end)
raises("corr shape", "differs", function() return cam.zeros(2, 2):corr(cam.zeros(3)) end)
raises("threshold mode", "invalid option", function() return cam.zeros(2):threshold(0.2, "bogus") end)
raises("stack of mixed shapes", "another shape", cam.stack, { cam.zeros(2), cam.zeros(3) })
raises("too large", "too large", cam.zeros, 1 << 20, 1 << 20, 1 << 20)

-- <close> and garbage collection
test("close variable", function()
  do
    local t <close> = cam.zeros(10)
    t:set(1, 1)
  end
  return true
end)
test("gc of large tensors", function()
  collectgarbage("collect")
  local base = collectgarbage("count")
  local peak = 0
  -- the loop runs in its own function so that no dead stack slot keeps the
  -- last tensors alive when we measure
  local function churn()
    for i = 1, os.getenv("CAM_CHECK_BUILD") and 40 or 200 do
      local t = cam.zeros(1024, 1024) -- 4 MiB each, 1.6 GiB allocated in all
      t:set(1, i)
      local u = t * 2
      if u:get(1) ~= 2 * i then error("bad value") end
      peak = math.max(peak, collectgarbage("count"))
    end
  end
  churn()
  collectgarbage("collect")
  local after = collectgarbage("count")
  -- The GC sees each tensor's full size, so it keeps at most a few alive,
  -- and nothing stays once they are unreachable.
  return after - base < 1024 and peak - base < 100 * 1024,
      string.format("base %.0f KiB, peak %.0f KiB, after %.0f KiB", base, peak, after)
end)

T.finish()
