-- Linear SVMs on GAP features from Lua (the paper's generic localization):
-- train, predict, save/load in liblinear's format, read a model written by
-- liblinear's own `train`, and turn the SVM weights into class activation maps.
-- Run: LUA_CPATH='build/?.so' lua5.4 tests/lua/test_svm.lua [MODEL [SAMPLES_DIR]]
local cam = require "cam"

local MODEL = arg[1] or "models/fmnist-gap.onnx"
local SAMPLES = arg[2] or "models/samples"

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, raises, finish, q = T.check, T.test, T.raises, T.finish, T.q

local net = cam.load(MODEL, { threads = 1 })
check("model loads", net ~= nil, MODEL)
local rows = {}
local first = true
for line in (io.open(SAMPLES .. "/samples.csv") and io.lines(SAMPLES .. "/samples.csv") or function() end) do
  if not first then
    local p, label = line:match("^([^,]+),(%d+)")
    if p then rows[#rows + 1] = { img = assert(cam.load_image(SAMPLES .. "/" .. p)), label = tonumber(label) } end
  end
  first = false
end
check("samples present", #rows >= 3, SAMPLES .. "/samples.csv")
if not net or #rows < 3 then finish() end

-- GAP features of the samples, labelled 1 for the first sample's class, else 2
local imgs, y = {}, {}
for i, r in ipairs(rows) do
  imgs[i] = r.img
  y[i] = r.label == rows[1].label and 1 or 2
end
net:run(imgs)
local feats = net:features()
local D = feats:shape()[2]

local svm, msg = cam.svm_train(feats, y, { C = 1 })
check("train", svm ~= nil, msg)
if not svm then finish() end

test("info", function()
  local i = svm:info()
  return i.classes == 2 and i.features == D and i.labels[1] == 1 and i.labels[2] == 2 and i.bias == 1,
      tostring(svm)
end)
test("predict separates the training set", function()
  local labels, dec = svm:predict(feats)
  for i = 1, #y do
    if labels[i] ~= y[i] then return false, "row " .. i end
    if (dec[i][1] > 0) ~= (y[i] == 1) then return false, "decision sign of row " .. i end
  end
  local one, d1 = svm:predict(feats:slice(1))
  return one == y[1] and #d1 == 1
end)

-- the decision value is w . x + b with the weights cam_weights gives
test("cam_weights give the decision values", function()
  local w, b, labels = svm:cam_weights()
  local _, dec = svm:predict(feats)
  for i = 1, #y do
    local s = b:get(1)
    for k = 1, D do s = s + w:get(1, k) * feats:get(i, k) end
    if math.abs(s - dec[i][1]) > 1e-3 * math.max(1, math.abs(s)) then
      return false, string.format("row %d: %g vs %g", i, s, dec[i][1])
    end
  end
  return labels[1] == 1 and w:shape()[1] == 2 and math.abs(w:get(2, 1) + w:get(1, 1)) < 1e-6
end)

-- maps for the SVM's class (the paper's generic localization)
test("maps from svm weights", function()
  local head = net:head()
  net:run(rows[1].img)
  local feature = net:tensor(head.feature)
  local w = svm:cam_weights()
  local maps = cam.map_compute(w, feature, { 0, 1 })
  local s = maps:shape()
  -- the mean of the map is the decision value less the bias
  local _, dec = svm:predict(net:features():slice(1))
  local _, b = svm:cam_weights()
  return s[1] == 2 and s[2] == feature:shape()[3] and math.abs(maps:slice(1):mean() + b:get(1) - dec[1]) < 1e-3
      and maps:slice(1) == -maps:slice(2)
end)

-- save and load in liblinear's format; liblinear's own train where installed
local tmp = os.tmpname()
test("save and load", function()
  assert(svm:save(tmp))
  local s2, m = cam.svm_load(tmp)
  if not s2 then return false, m end
  local a = svm:predict(feats)
  local b = s2:predict(feats)
  local fh = io.open(tmp)
  local text = fh:read("a")
  fh:close()
  local s3 = assert(cam.svm_load_string(text))
  return table.concat(a, ",") == table.concat(b, ",") and text:find("solver_type", 1, true)
      and s3:info().features == D
end)
local trainer = os.execute("command -v liblinear-train >/dev/null 2>&1") and "liblinear-train"
if trainer then
  test("reads a model from liblinear's train", function()
    local data = tmp .. ".svm"
    local fh = io.open(data, "w")
    for i = 1, #y do
      local parts = { tostring(y[i]) }
      for k = 1, D do
        local v = feats:get(i, k)
        if v ~= 0 then parts[#parts + 1] = string.format("%d:%.9g", k, v) end
      end
      fh:write(table.concat(parts, " "), "\n")
    end
    fh:close()
    local ok = os.execute(string.format("env -u LD_PRELOAD %s -s 1 -B 1 -q %s %s >/dev/null 2>&1", trainer, q(data), q(tmp .. ".model")))
    os.remove(data)
    if not ok then return false, "liblinear-train failed" end
    local ll, m = cam.svm_load(tmp .. ".model")
    os.remove(tmp .. ".model")
    if not ll then return false, m end
    local a = ll:predict(feats)
    return table.concat(a, ",") == table.concat(y, ","), "liblinear's model predicts " .. table.concat(a, ",")
  end)
end
os.remove(tmp)

-- failures and misuse
test("load missing", function()
  local s, m, c = cam.svm_load("/nonexistent.model")
  return s == nil and type(m) == "string" and c == "CAM_ERR_IO", tostring(c)
end)
test("load malformed", function()
  local s, m, c = cam.svm_load_string("solver_type L2R_L2LOSS_SVC_DUAL\nnr_class two\n")
  return s == nil and type(m) == "string" and c == "CAM_ERR_FORMAT", tostring(c)
end)
raises("labels count", "labels for", cam.svm_train, feats, { 1 })
raises("label type", "not an integer", cam.svm_train, feats:narrow(1, 1, 2), { 1, "b" })
raises("solver", "solver", cam.svm_train, feats, y, { solver = 2 })
raises("predict width", "features", function() return svm:predict(cam.zeros(D + 1)) end)
test("close", function()
  local s2 = assert(cam.svm_train(feats, y))
  s2:close()
  s2:close()
  local ok, err = pcall(s2.info, s2)
  do
    local s3 <close> = assert(cam.svm_train(feats, y))
  end
  return not ok and tostring(err):find("closed", 1, true) and tostring(s2) == "cam.svm(closed)"
end)

net:close()
finish()
