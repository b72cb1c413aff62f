"""Realistic traffic for `make bench BENCH_MIX=1`: many URLs with a skewed popularity, visitors and
signed-in people of every role, and some writes, driven by wrk with a Lua script.

- **URLs**: every input (thread), consultation, tracking code, certificate and scorecard page of the
  generated city, plus the lists. Each kind gets a share of the reads (SHARES) and, within a kind,
  the URLs a Zipf-like popularity: the URL of rank r is read in proportion to 1 / r ** ZIPF_S, the
  ranks shuffled with a fixed seed (so the most read thread is not simply the first one).
- **People**: 80 % of the reads are visitors who are not logged in (no cookie: the page cache may
  answer), 20 % are signed in, spread evenly over a citizen, an organisation member, a host ASN and a
  moderator (their session cookies, rendered on every request).
- **Writes**: one per WRITE_EVERY reads, in turn a reply, a support, a complaint and an input, posted
  through the real forms with the person's CSRF token; each one gives its pages a new revision, so
  the cache is emptied for them as it would be in a living city.
- **Counted**: wrk's requests per second and latency percentiles, and per response what the page
  cache did (X-Bench-Cache, set by bench/wsgi.py: hit, miss, or none for a signed-in page or a write),
  and any status other than 200 for a read or a redirect for a write.
"""
import json
import os
import random
import re
import subprocess

ZIPF_S = 1.1
WRITE_EVERY = 50
SIGNED_IN_SHARE = 0.2
SHARES = {"thread": 0.35, "consultation": 0.15, "lists": 0.05, "tracking": 0.20, "certificate": 0.10,
          "scorecard": 0.15}
SEED = 20261202


def _zipf_weights(n):
    return [1 / (rank ** ZIPF_S) for rank in range(1, n + 1)]


def read_urls(url, list_pages=1):
    """{kind: [path, ...]} for every page of the generated city the mix reads."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.connect() as conn:
        def column(sql):
            return [row[0] for row in conn.execute(text(sql))]
        inputs = column("SELECT id FROM forum_input ORDER BY id")
        slugs = column("SELECT slug FROM consultation ORDER BY id")
        codes = column("SELECT tracking_code FROM complaint ORDER BY id")
        certificates = column("SELECT code FROM certificate ORDER BY id")
        units = column("SELECT id FROM unit ORDER BY id")
        open_inputs = column("SELECT fi.id FROM forum_input fi JOIN consultation c ON c.id = fi.consultation_id "
                             "WHERE c.stage = 'open' ORDER BY fi.id")
        open_slug = conn.execute(text("SELECT slug FROM consultation WHERE stage = 'open' ORDER BY id LIMIT 1")).scalar()
    engine.dispose()
    return {
        "thread": [f"/forum/masukan/{i}" for i in inputs],
        "consultation": [f"/forum/konsultasi/{s}" for s in slugs],
        "lists": ["/", "/forum/", "/forum/tindak-lanjut", "/pengaduan/publik"]
                 + [f"/forum/?page={n}" for n in range(2, list_pages + 1)],
        "tracking": [f"/pengaduan/lacak/{c}" for c in codes],
        "certificate": [f"/pelatihan/sertifikat/{c}" for c in certificates],
        "scorecard": ["/rapor", "/rapor/cara-penilaian"] + [f"/rapor/unit/{u}" for u in units]
                     + [f"/pengaduan/publik/unit/{u}" for u in units],
    }, open_inputs, open_slug


def _lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_script(path, urls, open_inputs, open_slug, cookies, member_organisation):
    """The Lua script: cumulative weights per URL, the people, the writes; prints one JSON line."""
    rnd = random.Random(SEED)
    paths, cumulative, total = [], [], 0.0
    for kind, share in SHARES.items():
        kind_urls = list(urls[kind])
        rnd.shuffle(kind_urls)
        weights = _zipf_weights(len(kind_urls))
        scale = share / sum(weights)
        for path_, weight in zip(kind_urls, weights):
            total += weight * scale
            paths.append(path_)
            cumulative.append(total)
    targets = open_inputs[:]
    rnd.shuffle(targets)
    targets = targets[:2000]
    roles = list(cookies)
    table_path = path + ".urls"
    with open(table_path, "w") as fh:  # read by the script (one Lua table constructor can't hold 150,000)
        fh.writelines(f"{c:.9g}\t{p}\n" for c, p in zip(cumulative, paths))
    lines = [f"local url_table = {_lua_string(table_path)}",
             f"local total = {total:.9g}",
             "local roles = {" + ",".join(_lua_string("session=" + cookies[r][0]) for r in roles) + "}",
             "local tokens = {" + ",".join(_lua_string(cookies[r][1]) for r in roles) + "}",
             "local role_of = {" + ",".join(_lua_string(r) for r in roles) + "}",
             "local targets = {" + ",".join(str(t) for t in targets) + "}",
             f"local open_slug = {_lua_string(open_slug)}",
             f"local member_org = {member_organisation}",
             f"local write_every = {WRITE_EVERY}",
             f"local signed_in_share = {SIGNED_IN_SHARE}",
             LUA_BODY]
    with open(path, "w") as fh:
        fh.write("\n".join(lines))


LUA_BODY = r'''
local paths, cumulative = {}, {}
for line in io.lines(url_table) do
  local c, p = line:match("^([^\t]+)\t(.+)$")
  cumulative[#cumulative + 1] = tonumber(c)
  paths[#paths + 1] = p
end

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local counter, kinds = 0, {}
hit, miss, none, reads, writes, bad_reads, bad_writes = 0, 0, 0, 0, 0, 0, 0
function init(args)
  math.randomseed(20261202 + id)
end

local function pick()
  local r = math.random() * total
  local lo, hi = 1, #cumulative
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cumulative[mid] < r then lo = mid + 1 else hi = mid end
  end
  return paths[lo]
end

local function role_index(name)
  for i, r in ipairs(role_of) do if r == name then return i end end
  return 1
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local WRITES = {"reply", "support", "complaint", "input"}

function request()
  counter = counter + 1
  if counter % (write_every + 1) == 0 then
    local kind = WRITES[math.floor(counter / (write_every + 1)) % #WRITES + 1]
    local target = targets[math.random(#targets)]
    local who, path, body
    local csrf_field = "csrf_token"
    if kind == "reply" then
      who = role_index("organisation member")
      path = "/forum/masukan/" .. target .. "/balas"
      csrf_field = "reply-csrf_token"  -- the reply form's fields carry its prefix
      body = "reply-body=" .. urlencode("Balasan beban nomor " .. counter)
    elseif kind == "support" then
      who = role_index("citizen")
      path = "/forum/masukan/" .. target .. "/dukung"
      body = ""
    elseif kind == "complaint" then
      who = role_index("citizen")
      path = "/pengaduan/baru"
      body = "title=" .. urlencode("Lampu jalan mati " .. counter) ..
             "&description=" .. urlencode("Lampu penerangan jalan mati sejak seminggu, gelap dan rawan.") ..
             "&classification=pengaduan&category=infrastruktur&unit_id="
    else
      who = role_index("organisation member")
      path = "/forum/konsultasi/" .. open_slug .. "/masukan"
      body = "organisation_id=" .. member_org .. "&title=" .. urlencode("Masukan beban " .. counter) ..
             "&body=" .. urlencode("Mohon jam layanan diperpanjang sampai sore (" .. counter .. ").")
    end
    body = csrf_field .. "=" .. urlencode(tokens[who]) .. (body ~= "" and ("&" .. body) or "")
    return wrk.format("POST", path, {["Cookie"] = roles[who],
      ["Content-Type"] = "application/x-www-form-urlencoded"}, body)
  end
  if math.random() < signed_in_share then
    return wrk.format("GET", pick(), {["Cookie"] = roles[math.random(#roles)]})
  end
  return wrk.format("GET", pick())
end

function response(status, headers, body)
  -- Responses come back on four connections in any order: bench/wsgi.py says which were writes.
  if headers["X-Bench-Method"] == "POST" then
    writes = writes + 1
    if status ~= 302 and status ~= 303 then bad_writes = bad_writes + 1 end
    return
  end
  reads = reads + 1
  if status ~= 200 then bad_reads = bad_reads + 1 end
  local c = headers["X-Bench-Cache"]
  if c == "hit" then hit = hit + 1 elseif c == "miss" then miss = miss + 1 else none = none + 1 end
end

function done(summary, latency, requests)
  local t = threads[1]
  local out = string.format('{"hit": %d, "miss": %d, "none": %d, "reads": %d, "writes": %d, ' ..
    '"bad_reads": %d, "bad_writes": %d, "requests": %d, "p50_us": %d, "p99_us": %d, "duration_us": %d}',
    t:get("hit"), t:get("miss"), t:get("none"), t:get("reads"), t:get("writes"), t:get("bad_reads"),
    t:get("bad_writes"), summary.requests, latency:percentile(50), latency:percentile(99), summary.duration)
  io.write("MIX " .. out .. "\n")
end
'''


def run(base, url, cookies, member_organisation, seconds, connections, data_dir, list_pages):
    """Run the mix for `seconds`; returns the counts, req/s and latencies."""
    urls, open_inputs, open_slug = read_urls(url, list_pages)
    script = os.path.join(data_dir, "mix.lua")
    write_script(script, urls, open_inputs, open_slug, cookies, member_organisation)
    # One wrk thread: the Lua counters live in it, and the order of reads and writes is kept.
    out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                          "-s", script, base], capture_output=True, text=True, timeout=seconds + 120)
    found = re.search(r"^MIX (\{.*\})$", out.stdout, re.M)
    if not found:
        raise SystemExit(f"the mix printed no summary:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    result = json.loads(found.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["p50"], result["p99"] = result["p50_us"] / 1000, result["p99_us"] / 1000
    result["urls"] = {kind: len(paths) for kind, paths in urls.items()}
    socket_errors = re.search(r"Socket errors:.*", out.stdout)
    result["socket_errors"] = socket_errors.group(0) if socket_errors else ""
    return result
