-- cam.evaluator: the localization metrics from Lua equal `cam eval`'s on the
-- same images (paper convention: maps bilinear onto the image, >= tau * max,
-- largest 8-connected component), plus its error paths and <close>.
-- Run: LUA_CPATH='build/?.so' CAM_BIN=build/cam lua5.4 tests/lua/test_eval.lua [MODEL [SAMPLES_DIR]]
local cam = require "cam"

local MODEL = arg[1] or "models/fmnist-gap.onnx"
local SAMPLES = arg[2] or "models/samples"
local CAM_BIN = os.getenv("CAM_BIN") or "build/cam"

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, raises, finish, q, run = T.check, T.test, T.raises, T.finish, T.q, T.run

local net, msg = cam.load(MODEL, { threads = 1 })
check("model loads", net ~= nil, msg)
if not net then finish() end

-- samples.csv rows: image,label,x0,y0,x1,y1 (one box per image here)
local rows = {}
for line in io.lines(SAMPLES .. "/samples.csv") do
  local img, label, x0, y0, x1, y1 = line:match("^([^,]+),(%d+),(%d+),(%d+),(%d+),(%d+)$")
  if img then
    rows[#rows + 1] = { img = img, label = tonumber(label),
                        box = { tonumber(x0), tonumber(y0), tonumber(x1), tonumber(y1) } }
  end
end
check("samples listed", #rows >= 4, #rows .. " rows")

local function field(js, key)
  return tonumber(js:match('"' .. key .. '":%s*([-%d.eE+]+)'))
end

test("evaluator equals cam eval on the samples", function()
  local ev <close> = assert(cam.evaluator())
  for _, r in ipairs(rows) do
    local img = assert(cam.load_image(SAMPLES .. "/" .. r.img))
    local top, classes = net:cam(img, { top = 5 })          -- maps of the 5 best classes
    local scores = net:scores()
    local guesses = {}
    for k = 1, #classes do
      local b = top:slice(k):boxes()[1]
      if b then guesses[#guesses + 1] = { class = classes[k], box = b } end
    end
    local own = net:cam(img, { classes = { r.label } })      -- the true class's map
    assert(ev:add { label = r.label, scores = scores, gt = { r.box }, guesses = guesses,
                    map = own:slice(1) })
  end
  local s = ev:summary()
  local js, ok = run((os.getenv("RUN_PREFIX") or "") .. " " .. q(CAM_BIN) .. " eval " .. q(MODEL) .. " " ..
                     q(SAMPLES .. "/samples.csv") .. " --threads 1 --quiet --json")
  if not ok then return false, "cam eval failed: " .. js end
  local keys = { "top1_cls", "top5_cls", "top1_loc", "top5_loc", "gt_known_loc", "maxboxacc", "maxboxacc_v2",
                 "best_tau" }
  for _, k in ipairs(keys) do
    local theirs = field(js, k)
    if not theirs or math.abs(theirs - s[k]) > 1e-5 then
      return false, string.format("%s: lua %s, cam eval %s", k, tostring(s[k]), tostring(theirs))
    end
  end
  return s.images == #rows, "images " .. s.images
end)

test("hand-made sample: right class and box", function()
  local ev <close> = assert(cam.evaluator { tau = 0.5 })
  local map = cam.zeros(8, 8)
  for y = 3, 6 do for x = 2, 5 do map:set(y, x, 1) end end  -- 1-based rows 3..6, cols 2..5
  assert(ev:add { label = 1, scores = { 0.1, 0.9, 0.0 }, gt = { { 1, 2, 4, 5 } },
                  guesses = { { class = 1, box = { x0 = 1, y0 = 2, x1 = 4, y1 = 5 } } }, map = map })
  local s = ev:summary()
  return s.top1_cls == 0 and s.top1_loc == 0 and s.gt_known_loc == 1 and s.maxboxacc == 1,
      string.format("cls %g loc %g known %g maxbox %g", s.top1_cls, s.top1_loc, s.gt_known_loc, s.maxboxacc)
end)

test("wrong class counts as a localization error", function()
  local ev <close> = assert(cam.evaluator())
  assert(ev:add { label = 0, scores = { 0.1, 0.9 }, gt = { { 0, 0, 3, 3 } },
                  guesses = { { class = 1, box = { 0, 0, 3, 3 } } } })
  local s = ev:summary()
  return s.top1_cls == 1 and s.top1_loc == 1, string.format("cls %g loc %g", s.top1_cls, s.top1_loc)
end)

raises("add needs a label", "label", function()
  local ev <close> = cam.evaluator()
  ev:add {}
end)
raises("bad box raises", "box needs integer", function()
  local ev <close> = cam.evaluator()
  ev:add { label = 0, gt = { { "a" } } }
end)
raises("bad convention raises", "convention", function() cam.evaluator { convention = "nope" } end)
raises("closed evaluator raises", "closed", function()
  local ev = cam.evaluator()
  ev:close()
  ev:summary()
end)
test("tostring", function()
  local ev <close> = cam.evaluator()
  return tostring(ev) == "cam.evaluator(0 images)", tostring(ev)
end)

net:close()
finish()
