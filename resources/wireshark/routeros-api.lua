-- routeros-api.lua: a Wireshark dissector for the MikroTik RouterOS API (TCP 8728).
--
-- Part of Tikscope (MIT licence). Written for Tikscope from the wire rules in the team's
-- protocol notes (protocol.md §2 length prefixes, §3 sentences, §4 client words, §5 reply words,
-- §7 tags); see docs/wireshark.md for installing it and the fields it defines.
--
-- Install: copy this file into Wireshark's personal Lua plugins folder (Help > About Wireshark >
-- Folders > Personal Lua Plugins), or run `tshark -X lua_script:routeros-api.lua`. Traffic on TCP
-- 8728 is decoded at once; for another port use Analyze > Decode As > TCP port > ROUTEROS.

local proto = Proto("routeros", "MikroTik RouterOS API")

local REDACTED = "********"

local f = {
  sentence = ProtoField.string("routeros.sentence", "Sentence"),
  word = ProtoField.string("routeros.word", "Word", base.UNICODE),
  word_length = ProtoField.uint32("routeros.word.length", "Word length", base.DEC),
  prefix = ProtoField.bytes("routeros.word.prefix", "Length prefix"),
  command = ProtoField.string("routeros.command", "Command"),
  reply = ProtoField.string("routeros.reply", "Reply"),
  tag = ProtoField.string("routeros.tag", "Tag"),
  attr_name = ProtoField.string("routeros.attr.name", "Attribute name"),
  attr_value = ProtoField.string("routeros.attr.value", "Attribute value", base.UNICODE),
  query = ProtoField.string("routeros.query", "Query word"),
  words = ProtoField.uint32("routeros.sentence.words", "Words", base.DEC),
  request_in = ProtoField.framenum("routeros.request_in", "Command in frame", base.NONE, frametype.REQUEST),
  response_time = ProtoField.relative_time("routeros.response_time", "Time since the command"),
}
proto.fields = {
  f.sentence, f.word, f.word_length, f.prefix, f.command, f.reply, f.tag,
  f.attr_name, f.attr_value, f.query, f.words, f.request_in, f.response_time,
}

local ef = {
  trap = ProtoExpert.new("routeros.trap", "Trap: the command failed", expert.group.RESPONSE_CODE, expert.severity.WARN),
  fatal = ProtoExpert.new("routeros.fatal", "Fatal: the router closes the connection", expert.group.RESPONSE_CODE,
    expert.severity.ERROR),
  non_minimal = ProtoExpert.new("routeros.prefix.non_minimal", "Length prefix longer than needed", expert.group.PROTOCOL,
    expert.severity.NOTE),
  reserved = ProtoExpert.new("routeros.prefix.reserved", "Reserved control byte where a length prefix belongs",
    expert.group.MALFORMED, expert.severity.ERROR),
  partial = ProtoExpert.new("routeros.partial", "Sentence continues beyond the captured data", expert.group.MALFORMED,
    expert.severity.WARN),
}
proto.experts = { ef.trap, ef.fatal, ef.non_minimal, ef.reserved, ef.partial }

-- Length prefix (protocol.md §2): the first byte's high bits give the prefix size; multi-byte
-- prefixes are big-endian. 0xF0 is followed by a 4-byte length; 0xF1-0xFF are not lengths (0xF8-0xFF
-- are the manual's reserved control bytes, 0xF1-0xF7 an extension RouterOS does not send).
-- Returns prefix size and word length, or nil and 0 when more bytes are needed, or nil and -1 for a
-- byte that cannot start a prefix.
local function read_prefix(tvb, offset, available)
  if available < 1 then return nil, 0 end
  local b = tvb(offset, 1):uint()
  local size
  if b < 0x80 then
    return 1, b
  elseif b < 0xC0 then
    size = 2
  elseif b < 0xE0 then
    size = 3
  elseif b < 0xF0 then
    size = 4
  elseif b == 0xF0 then
    size = 5
  else
    return nil, -1
  end
  if available < size then return nil, 0 end
  if size == 5 then return 5, tvb(offset + 1, 4):uint() end
  -- Lua numbers are doubles here: arithmetic, not bit operators, keeps 28-bit values exact.
  local mask = ({ [2] = 0x40, [3] = 0x200000, [4] = 0x10000000 })[size]
  return size, tvb(offset, size):uint() % mask
end

-- The shortest prefix for a length (protocol.md §2 "Minimal form"): a longer one is legal on the
-- wire (every peer decoder reads it) but worth a note.
local function minimal_size(n)
  if n < 0x80 then return 1 elseif n < 0x4000 then return 2 elseif n < 0x200000 then return 3
  elseif n < 0x10000000 then return 4 else return 5 end
end

-- Property names whose values are secrets; the same list Tikscope redacts in its traces, so the
-- dissector shows a Tikscope export and a live capture alike.
local SECRET_NAMES = { "password", "passphrase", "secret", "psk", "private-key", "shared-key" }

local function is_secret(name, login)
  local lname = name:lower()
  if login and lname == "response" then return true end
  for _, s in ipairs(SECRET_NAMES) do
    if lname:find(s, 1, true) then return true end
  end
  return false
end

-- Splits `=name=value` (and the query forms `?name=value`, `?=name=value`, `?<name=value`,
-- `?>name=value`) into name and value, or nil.
local function split_attribute(text)
  local name, value = text:match("^=([^=]+)=(.*)$")
  if name then return name, value end
  return nil
end

-- Commands waiting for their replies, per TCP conversation (protocol.md §7.1): tagged ones by tag,
-- untagged ones in order (the router answers those one after another). Filled on the first pass
-- only; every sentence's result is kept by frame and offset so later passes show the same.
local conversations = {}
local results = {}

function proto.init()
  conversations = {}
  results = {}
end

local tcp_stream = Field.new("tcp.stream")

local function conversation(pinfo)
  local key
  local s = tcp_stream()
  if s then
    key = "tcp" .. tostring(s.value)
  else
    -- Decoded over TLS or another carrier: the address pair, in either direction.
    local a = tostring(pinfo.src) .. ":" .. tostring(pinfo.src_port)
    local b = tostring(pinfo.dst) .. ":" .. tostring(pinfo.dst_port)
    key = a < b and (a .. "|" .. b) or (b .. "|" .. a)
  end
  local c = conversations[key]
  if not c then
    c = { tagged = {}, untagged = {} }
    conversations[key] = c
  end
  return c
end

-- Which command a sentence belongs to, and when it was sent; recorded on the first pass.
local function correlate(pinfo, key, first, tag)
  local r = results[key]
  if r or pinfo.visited then return r end
  local c = conversation(pinfo)
  r = {}
  if first:sub(1, 1) ~= "!" then
    -- Relative time: a double holds it to the nanosecond; absolute epoch seconds only to ~0.2 µs.
    local entry = { command = first, frame = pinfo.number, time = pinfo.rel_ts }
    if tag then c.tagged[tag] = entry else table.insert(c.untagged, entry) end
  else
    local entry
    if tag then entry = c.tagged[tag] else entry = c.untagged[1] end
    if entry then
      r.command, r.frame, r.time = entry.command, entry.frame, entry.time
      -- `!done` and `!fatal` end a command (`!trap` and `!empty` are followed by `!done`).
      if first == "!done" or first == "!fatal" then
        if tag then c.tagged[tag] = nil else table.remove(c.untagged, 1) end
      end
    end
  end
  results[key] = r
  return r
end

-- Parses one sentence at `offset`. Returns the bytes it takes, or a negative number: more bytes are
-- needed (-1) or the data cannot be a sentence (-2).
local function scan(tvb, offset)
  local len = tvb:len()
  local o = offset
  local words = {}
  while true do
    local size, n = read_prefix(tvb, o, len - o)
    if not size then
      if n == 0 then return -1 end
      return -2, words, o
    end
    if n == 0 then
      -- The empty word ends the sentence (protocol.md §3).
      return o + size - offset, words, { offset = o, size = size }
    end
    if len - o - size < n then return -1 end
    table.insert(words, { prefix = o, size = size, start = o + size, length = n })
    o = o + size + n
  end
end

local function seconds_to_nstime(d)
  local s = math.floor(d)
  return NSTime.new(s, math.floor((d - s) * 1e9 + 0.5))
end

local function summary(first, tag, message)
  local s = first
  if tag then s = s .. " [" .. tag .. "]" end
  if message then s = s .. " " .. message end
  return s
end

local function dissect_sentence(tvb, pinfo, root, offset, taken, words, ending)
  local texts = {}
  local login = false
  for i, w in ipairs(words) do
    local text = tvb(w.start, w.length):string(ENC_UTF_8)
    if i == 1 and text == "/login" then login = true end
    texts[i] = text
  end
  local first = texts[1] or ""
  local tag, message
  for i = 2, #texts do
    local t = texts[i]
    local name, value = split_attribute(t)
    if name and is_secret(name, login) then texts[i] = "=" .. name .. "=" .. REDACTED end
    if t:sub(1, 5) == ".tag=" then tag = t:sub(6) end
    if name == "message" then message = value end
  end
  local shown = {}
  for i, t in ipairs(texts) do shown[i] = t end

  local is_reply = first:sub(1, 1) == "!"
  local sub = root:add(f.sentence, tvb(offset, taken), table.concat(shown, " "))
  sub:set_text((is_reply and "Reply: " or "Command: ") .. summary(first, tag, message))
  sub:add(f.words, #words):set_generated()
  -- TCP may call the dissector twice for one frame (a reassembled sentence, then the rest of the
  -- segment): the buffer's length and the offset tell those calls apart.
  local key = tostring(pinfo.number) .. ":" .. tostring(tvb:len()) .. ":" .. tostring(offset)
  local r = correlate(pinfo, key, first, tag)

  if #words == 0 then
    sub:set_text("Empty sentence")
  elseif is_reply then
    sub:add(f.reply, tvb(words[1].start, words[1].length), first)
    if r and r.command then
      sub:add(f.command, r.command):set_generated()
      sub:add(f.request_in, r.frame):set_generated()
      sub:add(f.response_time, seconds_to_nstime(pinfo.rel_ts - r.time)):set_generated()
    end
    if first == "!trap" then
      sub:add_proto_expert_info(ef.trap, "Trap" .. (message and (": " .. message) or ""))
    elseif first == "!fatal" then
      -- `!fatal` carries its reason as a bare word (protocol.md §5.2), not as =message=.
      local reason = message or texts[2]
      sub:add_proto_expert_info(ef.fatal, "Fatal" .. (reason and (": " .. reason) or ""))
    end
  else
    sub:add(f.command, tvb(words[1].start, words[1].length), first)
  end
  if tag then sub:add(f.tag, tag) end

  for i, w in ipairs(words) do
    local text = texts[i]
    local wi = sub:add(f.word, tvb(w.prefix, w.size + w.length), text)
    local prefix = wi:add(f.prefix, tvb(w.prefix, w.size))
    wi:add(f.word_length, tvb(w.prefix, w.size), w.length)
    if w.size > minimal_size(w.length) then
      prefix:add_proto_expert_info(ef.non_minimal,
        string.format("Length prefix of %d bytes for %d (%d would do)", w.size, w.length, minimal_size(w.length)))
    end
    if i > 1 then
      local name, value = split_attribute(text)
      if name then
        -- Byte positions from the wire bytes: the text may hold replacement characters where the
        -- bytes were not UTF-8 (a code-page router, protocol.md §9), so its lengths can differ.
        local eq = tvb:raw(w.start + 1, w.length - 1):find("=", 1, true)
        if eq then
          wi:add(f.attr_name, tvb(w.start + 1, eq - 1), name)
          wi:add(f.attr_value, tvb(w.start + 1 + eq, w.length - 1 - eq), value)
        end
      elseif text:sub(1, 1) == "?" then
        wi:add(f.query, tvb(w.start, w.length), text)
      end
    end
  end
  local e = sub:add(tvb(ending.offset, ending.size), "End of sentence (empty word)")
  if ending.size > 1 then
    e:add_proto_expert_info(ef.non_minimal, string.format("Length prefix of %d bytes for 0 (1 would do)", ending.size))
  end
  return summary(first, tag, first == "!trap" and message or nil)
end

function proto.dissector(tvb, pinfo, tree)
  local len = tvb:len()
  if len == 0 then return 0 end
  local offset = 0
  local summaries = {}
  local root
  while offset < len do
    local taken, words, ending = scan(tvb, offset)
    if taken == -1 then
      -- The sentence goes on in a later segment (protocol.md §1): ask TCP for more.
      if pinfo.can_desegment > 0 then
        pinfo.desegment_offset = offset
        pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
        break
      end
      root = root or tree:add(proto, tvb(offset))
      root:add_proto_expert_info(ef.partial)
      offset = len
      break
    elseif taken == -2 then
      root = root or tree:add(proto, tvb(offset))
      local bad = ending
      root:add(tvb(bad, 1), "Not a length prefix"):add_proto_expert_info(ef.reserved,
        string.format("Byte 0x%02X cannot start a length prefix", tvb(bad, 1):uint()))
      offset = len
      break
    end
    root = root or tree:add(proto, tvb(offset))
    table.insert(summaries, dissect_sentence(tvb, pinfo, root, offset, taken, words, ending))
    offset = offset + taken
  end
  if #summaries > 0 then
    pinfo.cols.protocol = "RouterOS API"
    pinfo.cols.info = table.concat(summaries, ", ")
  end
  return len
end

DissectorTable.get("tcp.port"):add(8728, proto)
-- API-SSL (8729) once Wireshark decrypts it (a TLS key log file): the same sentences inside.
pcall(function() DissectorTable.get("tls.port"):add(8729, proto) end)
