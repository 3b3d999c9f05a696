# The exported site in a real browser: headless Chromium driven through the
# DevTools protocol over --remote-debugging-pipe (python3, stdlib only).
# Every internal link of every page is followed (the target exists, has a
# <title>, and every #anchor exists in it), the style sheet is applied, no
# page raises a script error, the site's own search finds pages, and two
# screenshots (1280x900 and a 390x844 phone) go to tests/export/out/.
# Skipped when /usr/bin/chromium (or $CHROMIUM) or python3 is missing.
. "$TOP_SRCDIR/tests/cli/lib.sh"

CHROME=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROME" ]; then
	skip "browser checks of the exported site" "no chromium at $CHROME (apt-get install chromium)"
	done_testing
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	skip "browser checks of the exported site" "python3 is missing"
	done_testing
	exit 0
fi
# Screenshots go to tests/export/out/ (git-ignored); a read-only source
# tree (make distcheck) gets them in the temporary folder instead.
SHOTS=${EXPORT_SHOTS:-$TOP_SRCDIR/tests/export/out}
if ! mkdir -p "$SHOTS" 2>/dev/null || [ ! -w "$SHOTS" ]; then
	SHOTS=$TMP/shots
	mkdir -p "$SHOTS"
fi

D="--db $TMP/w.db"
expect "a wiki with the sample pages" 0 $D init
# A second revision (so history, revision and diff pages exist), a page with
# a missing link, duplicate headings and hostile links.
printf '# Home\n\nA new first line.\n\n' >"$TMP/home.md"
"$DOCDAY" $D cat home | sed 1d >>"$TMP/home.md"
expect "a second revision of home" 0 $D save home -m "a new first line <b>" <"$TMP/home.md"
printf '# Odds & Ends\n\nSee [[Nowhere Yet]], [[home#how-to-move-around|moving]], [x](javascript:alert(1)), [[Odds and Ends#Café Über|café]].\n\n## Notes\n\nOne.\n\n## Notes\n\nTwo: [up](#notes).\n\n## Notes\n\nThree <script>alert(2)</script>\n\n## Café Über\n\nUnicode.\n' >"$TMP/odds.md"
expect "a page with odd links" 0 $D save odds-and-ends <"$TMP/odds.md"
expect "export html --with-revisions" 0 $D export html "$TMP/site" --with-revisions --quiet

# The python part continues the TAP numbering and leaves its counts in a file.
python3 - "$CHROME" "$TMP/site" "$SHOTS" "$TMP/chrome" "$_n" "$TMP/counts" <<'PY'
import base64, fcntl, json, os, select, subprocess, sys, time
from urllib.parse import urlsplit, unquote

chrome, site, shots, profile = sys.argv[1:5]
site = os.path.realpath(site)
n = int(sys.argv[5])
counts = sys.argv[6]
failed = 0

def finish():
    with open(counts, "w") as f:
        f.write("%d %d\n" % (n, failed))
    sys.exit(0)

def ok(cond, name, *info):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, name))
    if not cond:
        failed += 1
        for line in info:
            print("#   " + str(line)[:400])
    sys.stdout.flush()
    return cond

def high(fd):
    h = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return h

# Chromium reads the protocol from fd 3 and writes to fd 4, NUL-separated.
to_chrome_r, to_chrome_w = map(high, os.pipe())
from_chrome_r, from_chrome_w = map(high, os.pipe())
args = [chrome, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
        "--user-data-dir=" + profile, "--remote-debugging-pipe", "about:blank"]
def child_fds():
    os.dup2(to_chrome_r, 3)  # both are >= 10: nothing is overwritten
    os.dup2(from_chrome_w, 4)

# Our own descriptors are not inheritable (PEP 446); dup2 makes 3 and 4 so.
proc = subprocess.Popen(args, close_fds=False, preexec_fn=child_fds,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_chrome_r)
os.close(from_chrome_w)
pending = b""
events = []
next_id = 0

def send(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(to_chrome_w, json.dumps(msg).encode() + b"\0")
    return next_id

def read_one(deadline):
    global pending
    while b"\0" not in pending:
        left = deadline - time.time()
        if left <= 0:
            raise TimeoutError("no answer from chromium")
        r, _, _ = select.select([from_chrome_r], [], [], left)
        if r:
            chunk = os.read(from_chrome_r, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            pending += chunk
    msg, pending = pending.split(b"\0", 1)
    return json.loads(msg)

def call(method, params=None, session=None, timeout=20):
    i = send(method, params, session)
    deadline = time.time() + timeout
    while True:
        m = read_one(deadline)
        if m.get("id") == i:
            if "error" in m:
                raise RuntimeError("%s: %s" % (method, m["error"]))
            return m.get("result", {})
        events.append(m)

def wait_event(name, session, timeout=20):
    deadline = time.time() + timeout
    while True:
        for k, m in enumerate(events):
            if m.get("method") == name and m.get("sessionId") == session:
                del events[k]
                return m
        events.append(read_one(deadline))

try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    sess = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for dom in ("Page.enable", "Runtime.enable", "Log.enable"):
        call(dom, session=sess)
except Exception as ex:
    ok(False, "chromium starts and answers the DevTools protocol", ex)
    proc.kill()
    finish()
ok(True, "chromium starts and answers the DevTools protocol")

def problems():
    """Script errors and failed loads reported since the last call."""
    out = []
    for m in list(events):
        meth = m.get("method")
        if meth == "Runtime.exceptionThrown":
            out.append(m["params"]["exceptionDetails"].get("text", "exception"))
        elif meth == "Log.entryAdded" and m["params"]["entry"]["level"] == "error":
            out.append(m["params"]["entry"].get("text", "error"))
    events.clear()
    return out

def load(url):
    events.clear()
    call("Page.navigate", {"url": url}, sess)
    wait_event("Page.loadEventFired", sess)

def js(expr):
    r = call("Runtime.evaluate", {"expression": expr, "returnByValue": True}, sess)
    if "exceptionDetails" in r:
        raise RuntimeError(r["exceptionDetails"].get("text"))
    return r["result"].get("value")

INFO = """JSON.stringify({
  title: document.title,
  links: Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href')),
  ids: Array.from(document.querySelectorAll('[id]'), e => e.id),
  styled: getComputedStyle(document.querySelector('main')).maxWidth,
  width: document.documentElement.scrollWidth
})"""

pages = sorted(f for f in os.listdir(site) if f.endswith(".html"))
info = {}
for f in pages:
    load("file://" + site + "/" + f)
    info[f] = json.loads(js(INFO))
    info[f]["problems"] = problems()
ok(len(pages) >= 10, "the site has its pages (%d HTML files)" % len(pages))
ok(all(i["title"].strip() for i in info.values()), "every page has a <title>",
   *[f for f, i in info.items() if not i["title"].strip()])
ok(all(i["styled"] == "736px" for i in info.values()), "style.css applies to every page (main is 46rem)",
   *["%s: %s" % (f, i["styled"]) for f, i in info.items() if i["styled"] != "736px"])
bad = ["%s: %s" % (f, p) for f, i in info.items() for p in i["problems"]]
ok(not bad, "no page raises a script error or fails to load something", *bad)

broken, checked = [], 0
for f, i in info.items():
    for h in i["links"]:
        u = urlsplit(h)
        if u.scheme in ("http", "https", "mailto"):
            continue
        if u.scheme or h.startswith("/") or not (u.path or u.fragment):
            broken.append("%s: not a relative link: %r" % (f, h))
            continue
        target = unquote(u.path) or f
        checked += 1
        if "/" in target or target not in info:
            broken.append("%s: %s: no such file" % (f, h))
        elif u.fragment and unquote(u.fragment) not in info[target]["ids"]:
            broken.append("%s: %s: no element with that id in %s" % (f, h, target))
ok(checked > 100 and not broken, "all %d internal links and anchors resolve" % checked, *broken)
ok(any("odds-and-ends.html" == f for f in info) and
   "notes-2" in info["odds-and-ends.html"]["ids"], "repeated headings get -1, -2 anchors")
ok(not any(h.lower().startswith(("javascript:", "data:", "vbscript:"))
           for i in info.values() for h in i["links"]), "no javascript:/data:/vbscript: link survives")
load("file://" + site + "/odds-and-ends.html")
ok(js("document.querySelectorAll('script').length") == 0, "raw <script> in a page is not in the HTML")
ok(js("document.querySelector('span.missing') && !document.querySelector('span.missing').closest('a')") is True,
   "a link to a missing page is a span, not a link")

# The site's own search, as a reader uses it: search.html?q=...
def search(q):
    load("file://" + site + "/search.html?q=" + q)
    return json.loads(js("""JSON.stringify({
      status: document.getElementById('search-status').textContent,
      hits: Array.from(document.querySelectorAll('#results a'), a => a.getAttribute('href'))})"""))
r = search("pyrite")
ok(len(r["hits"]) >= 3 and all(h in info for h in r["hits"]),
   "search for 'pyrite' lists pages that exist (%d)" % len(r["hits"]), r)
r = search("Sharing%20wiki")
ok(r["hits"][:1] == ["sharing-a-wiki.html"], "a two-word search ranks the title match first", r)
r = search("quillwortzz")
ok(r["hits"] == [] and "No page" in r["status"], "a search with no match says so", r)
ok(not problems(), "the search page raises no script error")
# Typing into the box searches as you type.
js("var b = document.getElementById('q'); b.value = 'ssh'; b.dispatchEvent(new Event('input')); 0")
ok(js("document.querySelectorAll('#results li').length") >= 1, "typing in the search box shows results")

# Screenshots of a page with a table of contents, desktop and phone.
def shot(name, w, h, mobile, page, dark=False):
    call("Emulation.setDeviceMetricsOverride", {"width": w, "height": h, "deviceScaleFactor": 1,
                                                "mobile": mobile}, sess)
    call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                      "value": "dark" if dark else "light"}]}, sess)
    load("file://" + site + "/" + page)
    time.sleep(0.2)
    wide = js("document.documentElement.scrollWidth")
    data = base64.b64decode(call("Page.captureScreenshot", {"format": "png"}, sess)["data"])
    with open(os.path.join(shots, name), "wb") as out:
        out.write(data)
    return wide, data

wide, data = shot("desktop.png", 1280, 900, False, "home.html")
ok(data[:8] == b"\x89PNG\r\n\x1a\n", "desktop screenshot saved (%d bytes)" % len(data))
wide, data = shot("phone.png", 390, 844, True, "differences-from-cpython.html")
ok(data[:8] == b"\x89PNG\r\n\x1a\n", "phone screenshot saved (%d bytes)" % len(data))
ok(wide <= 390, "at phone width nothing makes the page scroll sideways (tables scroll inside)", wide)
shot("desktop-dark.png", 1280, 900, False, "home.html", dark=True)

try:
    call("Browser.close", timeout=5)
except Exception:
    pass
try:
    proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
finish()
PY
if [ -s "$TMP/counts" ]; then
	read -r n f <"$TMP/counts"
	_failed=$((_failed + f))
	_n=$n
else
	not_ok "the browser checks ran to the end" "python3 stopped early"
fi
done_testing
