-- The Lua environment of record UDFs (a subset of mod-lua): list, map, bytes,
-- record and aerospike. Returns the metatables so the server can recognise values.
local List = { __name = "List" }
local Map = { __name = "Map" }
local Bytes = { __name = "Bytes" }
local Rec = { __name = "Record" }

Map.__len = function(m) local n = 0 for _ in next, m do n = n + 1 end return n end
Bytes.__len = function(b) return #rawget(b, "__data") end

local function mklist(t) return setmetatable(t, List) end
local function mkmap(t) return setmetatable(t, Map) end

list = setmetatable({}, { __call = function(_, t)
  local l = {}
  if t then for i, v in ipairs(t) do l[i] = v end end
  return mklist(l)
end })
function list.create(n) return mklist({}) end
function list.size(l) return #l end
function list.append(l, v) l[#l + 1] = v end
function list.prepend(l, v) table.insert(l, 1, v) end
function list.insert(l, i, v) table.insert(l, i, v) end
function list.remove(l, i) table.remove(l, i) end
function list.iterator(l) local i = 0 return function() i = i + 1 return l[i] end end
function list.clone(l) local r = {} for i = 1, #l do r[i] = l[i] end return mklist(r) end
function list.take(l, n) local r = {} for i = 1, math.min(n, #l) do r[i] = l[i] end return mklist(r) end
function list.drop(l, n) local r = {} for i = n + 1, #l do r[#r + 1] = l[i] end return mklist(r) end
function list.trim(l, n) for i = #l, n + 1, -1 do l[i] = nil end end
function list.concat(a, b) for i = 1, #b do a[#a + 1] = b[i] end end
function list.merge(a, b) local r = list.clone(a) list.concat(r, b) return r end

map = setmetatable({}, { __call = function(_, t)
  local m = {}
  if t then for k, v in pairs(t) do m[k] = v end end
  return mkmap(m)
end })
function map.create(n) return mkmap({}) end
function map.size(m) return #m end
function map.pairs(m) return next, m, nil end
function map.keys(m) local k = nil return function() k = next(m, k) return k end end
function map.values(m) local k, v = nil, nil return function() k, v = next(m, k) return v end end
function map.remove(m, k) m[k] = nil end
function map.clone(m) local r = {} for k, v in next, m do r[k] = v end return mkmap(r) end
function map.merge(a, b, f)
  local r = map.clone(a)
  for k, v in next, b do
    if f and r[k] ~= nil then r[k] = f(r[k], v) else r[k] = v end
  end
  return r
end
function map.diff(a, b)
  local r = {}
  for k, v in next, a do if b[k] == nil then r[k] = v end end
  for k, v in next, b do if a[k] == nil then r[k] = v end end
  return mkmap(r)
end

bytes = setmetatable({}, { __call = function(_, n)
  return setmetatable({ __data = string.rep("\0", n or 0), __ptype = 4 }, Bytes)
end })
function bytes.size(b) return #rawget(b, "__data") end
function bytes.get_byte(b, i) return string.byte(rawget(b, "__data"), i) end
function bytes.set_byte(b, i, v)
  local d = rawget(b, "__data")
  rawset(b, "__data", d:sub(1, i - 1) .. string.char(v) .. d:sub(i + 1))
end
function bytes.get_string(b, i, n) return rawget(b, "__data"):sub(i, i + n - 1) end
function bytes.get_type(b) return rawget(b, "__ptype") end
function bytes.set_type(b, t) rawset(b, "__ptype", t) end

Rec.__index = function(r, k) return rawget(r, "__bins")[k] end
Rec.__newindex = function(r, k, v) rawget(r, "__bins")[k] = v end

local function meta(r) return rawget(r, "__meta") end
local function snapshot(r) local s = {} for k, v in next, rawget(r, "__bins") do s[k] = v end return s end

record = {}
function record.ttl(r) return meta(r).ttl end
function record.gen(r) return meta(r).gen end
function record.set_ttl(r, t) meta(r).set_ttl = t end
function record.digest(r) return meta(r).digest end
function record.key(r) return meta(r).key end
function record.setname(r) return meta(r).set end
function record.last_update_time(r) return meta(r).lut end
function record.drop_key(r) meta(r).key = nil end
function record.numbins(r) local n = 0 for _ in next, rawget(r, "__bins") do n = n + 1 end return n end
function record.bin_names(r)
  local l = {}
  for k in next, rawget(r, "__bins") do l[#l + 1] = k end
  return mklist(l)
end

aerospike = {}
function aerospike:exists(r) return meta(r).exists end
function aerospike:create(r)
  local m = meta(r)
  if m.exists then return 1 end
  m.exists, m.op, m.saved = true, "write", snapshot(r)
  return 0
end
function aerospike:update(r)
  local m = meta(r)
  m.exists, m.op, m.saved = true, "write", snapshot(r)
  return 0
end
function aerospike:remove(r)
  local m = meta(r)
  m.exists, m.op = false, "remove"
  rawset(r, "__bins", {})
  return 0
end
function aerospike:log(...) end
function trace(...) end
function info(...) end
function warn(...) end

return { List = List, Map = Map, Bytes = Bytes, Rec = Rec }
