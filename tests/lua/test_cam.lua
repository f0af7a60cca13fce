-- The CAM API from Lua: images, preprocessing, classify, maps with every
-- option, boxes, pictures and GAP features, each checked against a direct
-- computation in Lua from the net's own feature tensor and head weights
-- (Zhou et al.: M_c = sum_k w_ck f_k, S_c = mean(M_c) + b_c), plus error paths.
-- Run: LUA_CPATH='build/?.so' lua5.4 tests/lua/test_cam.lua [MODEL [SAMPLES_DIR]]
local cam = require "cam"

local MODEL = arg[1] or "models/fmnist-gap.onnx"
local SAMPLES = arg[2] or "models/samples"

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, raises, max_diff, finish = T.check, T.test, T.raises, T.max_diff, T.finish

-- sample images: every png listed in the folder
local images = {}
do
  local p = io.popen("ls " .. SAMPLES .. "/*.png 2>/dev/null")
  for file in p:lines() do images[#images + 1] = file end
  p:close()
end
check("sample images present", #images >= 2, "no png in " .. SAMPLES)
local net, msg = cam.load(MODEL, { threads = 1 })
check("load model", net ~= nil, msg)
if not net or #images < 2 then finish() end
local head = assert(net:head())

local img = assert(cam.load_image(images[1]))
local iw, ih = img:size()

-- images
test("image load", function()
  local r, g, b = img:get(0, 0)
  return iw > 0 and ih > 0 and r >= 0 and b <= 255 and tostring(img):find("cam.image", 1, true)
end)
test("image from string equals file", function()
  local fh = io.open(images[1], "rb")
  local s = fh:read("a")
  fh:close()
  local i2 = assert(cam.load_image_string(s))
  return i2:bytes() == img:bytes()
end)
test("image png roundtrip", function()
  local tmp = os.tmpname() .. ".png"
  local pic = img:overlay(cam.zeros(2, 2) + 1)
  assert(pic:save(tmp))
  local back = assert(cam.load_image(tmp))
  os.remove(tmp)
  return back:bytes() == pic:bytes()
end)
test("image missing", function()
  local i2, m, c = cam.load_image("/nonexistent.png")
  return i2 == nil and type(m) == "string" and c == "CAM_ERR_IO", tostring(c)
end)
test("image corrupt", function()
  local i2, m, c = cam.load_image_string("\137PNG\r\n\26\n broken")
  return i2 == nil and type(m) == "string" and c == "CAM_ERR_FORMAT", tostring(c)
end)
test("image create and bytes", function()
  local i2 = cam.image(3, 2, { 10, 20, 30 })
  local i3 = cam.image(i2:bytes(), 3, 2)
  local r, g, b = i3:get(2, 1)
  return r == 10 and g == 20 and b == 30 and #i2:bytes() == 18
end)

-- preprocessing
local pp = assert(net:preprocess_params())
local x, tf = net:preprocess(img)
test("preprocess params", function()
  local s = net:inputs()[1].shape
  return pp.width == s[4] and pp.height == s[3] and pp.channels == s[2]
end)
test("preprocess shape and transform", function()
  local s = x:shape()
  return s[1] == pp.channels and s[2] == pp.height and s[3] == pp.width and tf.image_width == iw
      and tf.image_height == ih and tf.input_width == pp.width
end)
test("cam.preprocess equals net:preprocess", function()
  local y = cam.preprocess(img, pp)
  return y == x
end)

-- classify equals forward + softmax + sort
local logits = net:forward(x)
test("classify", function()
  local res = assert(net:classify(img, 3))
  local v, idx = logits:topk(3)
  local sm = logits:softmax()
  for r = 1, 3 do
    if res[r].class ~= idx[r] - 1 or math.abs(res[r].score - v[r]) > 1e-6 or
        math.abs(res[r].prob - sm:get(idx[r])) > 1e-6 then
      return false, "rank " .. r
    end
  end
  return #res == 3 and (res[1].label == nil or type(res[1].label) == "string")
end)
test("classify a tensor", function()
  local res = assert(net:classify(x, 1))
  local _, idx = logits:topk(1)
  return res[1].class == idx[1] - 1
end)
test("scores", function()
  net:forward(x)
  return net:scores() == logits:reshape(#logits)
end)

-- maps at feature resolution against W[c] . F
net:forward(x)
local feat = assert(net:tensor(head.feature)):slice(1) -- K x h x w
local K, fh, fw = feat:dims()
local function manual_map(c, positive)
  -- a 1x1-conv classifier (SqueezeNet): the map of class c is channel c
  if head.conv_classifier then return feat:slice(c + 1) end
  local m = cam.zeros(fh, fw)
  for k = 1, K do
    local w = head.weights:get(c + 1, k)
    if positive and w < 0 then w = 0 end
    if w ~= 0 then m = m + feat:slice(k) * w end
  end
  return m
end
test("maps feature target equal W.F", function()
  local maps, classes, scores = net:maps { classes = { 0, 3, head.n_classes - 1 }, target = "feature" }
  if not maps then return false, classes end
  local worst = 0
  for i = 1, 3 do worst = math.max(worst, max_diff(maps:slice(i), manual_map(classes[i]))) end
  return classes[2] == 3 and maps:shape()[2] == fh and maps:shape()[3] == fw and worst < 1e-4
      and math.abs(scores[2] - logits:get(1, 4)) < 1e-6, "worst " .. worst
end)
test("score equals map mean plus bias", function()
  local maps, classes, scores = net:maps { top = head.n_classes, target = "feature" }
  local worst = 0
  for i = 1, #classes do
    local b = head.bias and head.bias:get(classes[i] + 1) or 0
    worst = math.max(worst, math.abs(maps:slice(i):mean() + b - scores[i]))
  end
  return #classes == head.n_classes and worst < 1e-3, "worst " .. worst
end)
test("top-k maps are sorted by score", function()
  local _, classes, scores = net:maps { top = 3, target = "feature" }
  local _, idx = logits:topk(3)
  return classes[1] == idx[1] - 1 and classes[3] == idx[3] - 1 and scores[1] >= scores[2] and scores[2] >= scores[3]
end)
test("rectify relu", function()
  local a = net:maps { classes = { 1 }, target = "feature" }
  local r = net:maps { classes = { 1 }, target = "feature", rectify = "relu" }
  return r == a:clamp(0), "max diff " .. max_diff(r, a:clamp(0))
end)
test("rectify positive_weights", function()
  local p = net:maps { classes = { 2 }, target = "feature", rectify = "positive_weights" }
  return max_diff(p:slice(1), manual_map(2, true)) < 1e-4
end)
test("normalize minmax and max", function()
  local a = net:maps { classes = { 0 }, target = "feature" }
  local n = net:maps { classes = { 0 }, target = "feature", normalize = "minmax" }
  local m = net:maps { classes = { 0 }, target = "feature", normalize = "max" }
  return max_diff(n, a:normalize("minmax")) < 1e-6 and max_diff(m, a:normalize("max")) < 1e-6 and n:min() == 0
end)
test("target input size and interpolation", function()
  local f = net:maps { classes = { 0 }, target = "feature" }
  local bl = net:maps { classes = { 0 }, target = "input" }
  local nn = net:maps { classes = { 0 }, target = "input", interp = "nearest" }
  local bc = net:maps { classes = { 0 }, target = "input", interp = "bicubic" }
  local s = bl:shape()
  -- nearest takes only values of the feature map; bilinear stays in its range
  local vals = {}
  for i = 1, #f do vals[f:get(i)] = true end
  for i = 1, #nn do if not vals[nn:get(i)] then return false, "nearest made a new value" end end
  return s[2] == pp.height and s[3] == pp.width and bl:max() <= f:max() + 1e-5 and bl:min() >= f:min() - 1e-5
      and bc:shape()[2] == pp.height and max_diff(bl, f:resize(pp.width, pp.height)) < 1e-5
end)
test("target image through the transform", function()
  local a = net:maps { classes = { 0 }, transform = tf }
  local s = a:shape()
  local f = net:maps { classes = { 0 }, target = "feature" }
  if s[2] ~= ih or s[3] ~= iw then return false, "shape " .. tostring(a) end
  if tf.offset_x == 0 and tf.offset_y == 0 then
    -- a stretched input covers the whole image: one resize of the feature map
    return max_diff(a:slice(1), f:slice(1):resize(iw, ih)) < 1e-5, "differs from the resized feature map"
  end
  -- otherwise compare with the input-size map carried onto the image (two
  -- resamplings, so only close)
  local via = net:maps({ classes = { 0 }, target = "input" }):slice(1):resize_to_image(tf)
  return max_diff(a:slice(1), via) < 0.02 * (f:max() - f:min() + 1e-6)
end)
test("normalize order", function()
  local after = net:maps { classes = { 0 }, target = "input", normalize = "minmax" }
  local before = net:maps { classes = { 0 }, target = "input", normalize = "minmax", order = "before_resize" }
  return after:min() == 0 and before:min() >= 0 and before:max() <= 1 + 1e-6
end)
test("net:cam in one call", function()
  local maps, classes, scores, tf2 = net:cam(img, { top = 2 })
  local ref = net:maps { top = 2, transform = tf2 }
  return maps == ref and #classes == 2 and #scores == 2 and tf2.image_width == iw
end)

test("map_compute equals maps at feature resolution", function()
  if head.conv_classifier then return true end
  net:forward(x)
  local m = cam.map_compute(head.weights, net:tensor(head.feature), { 2, 0 })
  local ref = net:maps { classes = { 2, 0 }, target = "feature" }
  local r = cam.map_compute(head.weights, net:tensor(head.feature), { 1 }, "relu")
  return m == ref and r == net:maps { classes = { 1 }, target = "feature", rectify = "relu" }
end)
raises("map_compute class range", "outside 0..", function()
  return cam.map_compute(cam.zeros(3, K), feat, { 3 })
end)
raises("map_compute channel mismatch", "channels", function()
  return cam.map_compute(cam.zeros(3, K + 1), feat, { 0 })
end)

-- boxes: the paper's rule checked against a flood fill in Lua
local function ref_box(map, thr)
  local h, w = map:dims()
  local mx = map:max()
  local keep, seen = {}, {}
  for i = 1, #map do keep[i] = map:get(i) >= thr * mx end
  local best, bestn
  for start = 1, #map do
    if keep[start] and not seen[start] then
      local stack, n = { start }, 0
      seen[start] = true
      local x0, y0, x1, y1 = math.huge, math.huge, -1, -1
      while #stack > 0 do
        local p = table.remove(stack)
        n = n + 1
        local y, x = (p - 1) // w, (p - 1) % w
        x0, y0, x1, y1 = math.min(x0, x), math.min(y0, y), math.max(x1, x), math.max(y1, y)
        for dy = -1, 1 do for dx = -1, 1 do
          local yy, xx = y + dy, x + dx
          if yy >= 0 and yy < h and xx >= 0 and xx < w then
            local q = yy * w + xx + 1
            if keep[q] and not seen[q] then
              seen[q] = true
              stack[#stack + 1] = q
            end
          end
        end end
      end
      if not bestn or n > bestn then best, bestn = { x0, y0, x1, y1 }, n end
    end
  end
  return best, bestn
end
test("boxes match a flood fill", function()
  for i = 1, math.min(#images, 4) do
    local im = assert(cam.load_image(images[i]))
    local maps = net:cam(im, { top = 1 })
    local map = maps:slice(1)
    if map:max() > 0 then
      local boxes, count = map:boxes()
      local ref, n = ref_box(map, 0.2)
      local b = boxes[1]
      if not b or b.x0 ~= ref[1] or b.y0 ~= ref[2] or b.x1 ~= ref[3] or b.y1 ~= ref[4] or b.pixels ~= n or count < 1 then
        return false, string.format("%s: box %s vs %d,%d,%d,%d", images[i],
          b and table.concat({ b.x0, b.y0, b.x1, b.y1 }, ",") or "none", ref[1], ref[2], ref[3], ref[4])
      end
    end
  end
  return true
end)
test("boxes options", function()
  local map = net:cam(img, { top = 1 }):slice(1)
  local tight = map:boxes { threshold = 0.5 }
  local loose = map:boxes(0.2)
  local all, n = map:boxes { threshold = 0.2, max = 100, connectivity = 4 }
  local t, l = tight[1], loose[1]
  return t and l and t.pixels <= l.pixels and #all == n and all[1].pixels >= all[#all].pixels
end)
test("box_at (paper) equals boxes", function()
  for i = 1, math.min(#images, 4) do
    local map = net:cam(assert(cam.load_image(images[i])), { top = 1 }):slice(1)
    local a, n = cam.box_at(map, 0.2)
    local b, count = map:boxes()
    b = b[1]
    if (a and 1 or 0) ~= (b and 1 or 0) or n ~= count or
        (a and (a.x0 ~= b.x0 or a.y0 ~= b.y0 or a.x1 ~= b.x1 or a.y1 ~= b.y1)) then
      return false, images[i]
    end
  end
  local w = cam.box_at(net:cam(img, { top = 1 }):slice(1), 0.5, { convention = "wsol" })
  return w == false or (w.x0 >= 0 and w.x1 < iw)
end)
test("box_iou", function()
  local seed = 7
  local function r(n) seed = (seed * 69069 + 1) % 4294967296; return seed % n end
  for _ = 1, 50 do
    local a = { r(20), r(20), 0, 0 }
    a[3], a[4] = a[1] + r(20), a[2] + r(20)
    local b = { r(20), r(20), 0, 0 }
    b[3], b[4] = b[1] + r(20), b[2] + r(20)
    local iw_ = math.max(0, math.min(a[3], b[3]) - math.max(a[1], b[1]) + 1)
    local ih_ = math.max(0, math.min(a[4], b[4]) - math.max(a[2], b[2]) + 1)
    local inter = iw_ * ih_
    local area = function(x) return (x[3] - x[1] + 1) * (x[4] - x[2] + 1) end
    local want = inter / (area(a) + area(b) - inter)
    if math.abs(cam.box_iou(a, b) - want) > 1e-12 then return false, table.concat(a, ",") .. " " .. table.concat(b, ",") end
  end
  return true
end)
test("ilsvrc boxes", function()
  local maps = net:cam(img, { top = 3 })
  local b = cam.boxes_ilsvrc(maps)
  return #b >= 1 and #b <= 5 and b[1].rank == 1
end)
test("transform box", function()
  local b = cam.transform_box(tf, { 0, 0, pp.width - 1, pp.height - 1 })
  return b and b.x0 >= 0 and b.x1 <= iw - 1 and b.y1 <= ih - 1
end)

-- features (GAP) against the mean of each feature channel, single and batched
test("features equal GAP of the feature tensor", function()
  net:forward(x)
  local f = assert(net:features())
  local worst = 0
  for k = 1, K do worst = math.max(worst, math.abs(f:get(1, k) - feat:slice(k):mean())) end
  local g = assert(net:features("max"))
  return f:shape()[1] == 1 and f:shape()[2] == K and worst < 1e-5 and g:get(1, 1) == feat:slice(1):max(),
      "worst " .. worst
end)
test("batched run and features", function()
  local list = {}
  for i = 1, math.min(#images, 3) do list[i] = assert(cam.load_image(images[i])) end
  local out, tfs = net:run(list)
  if not out then return false, tfs end
  local fb = net:features()
  local m2, c2 = net:maps { image = 2, top = 1, target = "feature" }
  local s2 = net:scores(2)
  net:run(list[2])
  local m1, c1 = net:maps { top = 1, target = "feature" }
  if c2[1] ~= c1[1] or max_diff(m1, m2) > 1e-4 or max_diff(s2, net:scores()) > 1e-4 then
    return false, "image 2 of the batch differs from image 2 alone"
  end
  for i = 1, #list do
    net:run(list[i])
    if max_diff(net:features():slice(1), fb:slice(i)) > 1e-4 then return false, "image " .. i end
  end
  return #tfs == #list and out:shape()[1] == #list
end)

-- backprop saliency (Simonyan et al.), the paper's baseline
test("saliency is max over channels of |gradient|", function()
  local sal, c, tf2 = net:saliency(img)
  if not sal then return false, c end
  local g, c2 = net:gradient(x, c)
  local ch, h, w = g:shape()[2], g:shape()[3], g:shape()[4]
  local worst = 0
  for yy = 1, h do for xx = 1, w do
    local m = 0
    for k = 1, ch do m = math.max(m, math.abs(g:get(1, k, yy, xx))) end
    worst = math.max(worst, math.abs(m - sal:get(yy, xx)))
  end end
  local _, idx = logits:topk(1)
  return c == idx[1] - 1 and c2 == c and tf2.image_width == iw and worst < 1e-6 and sal:shape()[1] == pp.height,
      "worst " .. worst
end)
test("gradient matches finite differences", function()
  -- S_c is piecewise linear in x (ReLU net): central differences with a small
  -- step agree unless a kink lies within the step; demand most pixels agree
  local c = 1
  local g = net:gradient(x, c)
  local eps, good, tried = 1e-3, 0, 0
  local n = #x
  for t = 1, 12 do
    local i = 1 + (t * 7919) % n
    local xp, xm = x:copy(), x:copy()
    xp:set(i, x:get(i) + eps)
    xm:set(i, x:get(i) - eps)
    local fd = (net:forward(xp):get(1, c + 1) - net:forward(xm):get(1, c + 1)) / (2 * eps)
    tried = tried + 1
    if math.abs(fd - g:get(i)) <= 0.05 * math.abs(fd) + 2e-3 then good = good + 1 end
  end
  return good >= tried - 2, good .. " of " .. tried .. " pixels agree"
end)
raises("saliency class out of range", "outside 0..", function() return net:saliency(img, head.n_classes) end)
raises("saliency batch index", "outside 1..", function() return net:saliency(x, nil, 2) end)

-- pictures
test("overlay and grid", function()
  local maps = net:cam(img, { top = 2 })
  local ov = img:overlay(maps:slice(1), 0.5)
  local w, h = ov:size()
  local g = assert(img:grid(maps, { captions = { "a", "b" } }))
  local gw, gh = g:size()
  return w == iw and h == ih and ov:bytes() ~= img:bytes() and gw >= iw and gh >= ih
end)
test("box and text draw in place", function()
  local c = img:copy()
  c:box({ 1, 1, 5, 5 }, { 255, 0, 0 }, 1)
  local r, g, b = c:get(1, 1)
  local _, wdt = c:text(0, 0, "A")
  return r == 255 and g == 0 and b == 0 and wdt > 0
end)
test("jet", function()
  local r0, _, b0 = cam.jet(0)
  local r1, _, b1 = cam.jet(1)
  return b0 > r0 and r1 > b1
end)

-- misuse
raises("class out of range", "outside 0..", function() return net:maps { classes = { head.n_classes } } end)
raises("negative class", "outside 0..", function() return net:maps { classes = { -1 } } end)
raises("bad target", "option 'target'", function() return net:maps { target = "moon" } end)
raises("bad rectify", "option 'rectify'", function() return net:maps { rectify = "yes" } end)
raises("classes and top", "either", function() return net:maps { classes = { 1 }, top = 2 } end)
raises("batch index", "outside 1..", function() return net:scores(5) end)
raises("overlay needs a tensor", "cam.tensor expected", function() return img:overlay("x") end)
raises("pixel out of range", "outside 0..", function() return img:get(iw, 0) end)
raises("bad colour", "colour", function() return img:box({ 0, 0, 1, 1 }, { 300, 0, 0 }) end)
raises("boxes need a map", "h x w", function() return cam.boxes(cam.zeros(2, 3, 4)) end)
raises("threshold range", "threshold", function() return cam.boxes(cam.zeros(3, 3), 2) end)
raises("preprocess needs an image", "cam.image expected", function() return net:preprocess(x) end)

net:close()
finish()
