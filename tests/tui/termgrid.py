#!/usr/bin/env python3
"""Reads the cell grid of a real terminal for tests/tui/terminals.sh.

  termgrid.py vte COLS ROWS WAIT1 KEYS WAIT2 CMD...
      runs CMD in a VTE widget (GNOME Terminal's) in a GTK window (Xvfb),
      waits until the screen shows WAIT1, types KEYS, waits until it shows
      WAIT2 and prints the grid.
  kitty @ --to SOCKET kitten termgrid.py
      (run inside kitty, as a kitten) prints the grid of kitty's window.
  termgrid.py check GRID EXPECTED
      compares a grid with the expected screen (plain text, one row a line,
      as tmux shows it): the same text on every row, and every '|' of a row
      in the column that wcwidth() gives it.  Prints what differs; exit 1.

A grid is one JSON list a row, one entry a cell: the cell's text (a
character with its combining marks and joiners, as the terminal keeps it),
" " for an empty cell, or null for the right half of a wide character.
"""
import json
import sys
import time


def kitty_grid(screen):
    rows = []
    for y in range(screen.lines):
        line, cells, wide = screen.line(y), [], False
        for x in range(screen.columns):
            text, w = line[x], line.width(x)
            if wide and w == 0:
                cells.append(None)
            else:
                cells.append(' ' if text in ('', '\0') else text)
            wide = w == 2
        rows.append(cells)
    return rows


def main(args):  # a kitten's entry point: nothing to ask the user
    return None


try:
    from kittens.tui.handler import result_handler

    @result_handler(no_ui=True)
    def handle_result(args, answer, target_window_id, boss):
        screen = boss.window_id_map.get(target_window_id).screen
        return '\n'.join(json.dumps(r) for r in kitty_grid(screen))
except ImportError:  # not inside kitty
    pass


def run_vte(cols, rows, wait1, keys, wait2, argv):
    import gi
    import warnings

    warnings.simplefilter('ignore')
    gi.require_version('Gtk', '3.0')
    gi.require_version('Vte', '2.91')
    from gi.repository import GLib, Gtk, Vte

    win, term = Gtk.Window(), Vte.Terminal()
    term.set_size(cols, rows)
    win.add(term)
    win.show_all()
    term.spawn_sync(Vte.PtyFlags.DEFAULT, None, argv, None,
                    GLib.SpawnFlags.SEARCH_PATH, None, None, None)

    def pump(seconds):
        end = time.time() + seconds
        while time.time() < end:
            while Gtk.events_pending():
                Gtk.main_iteration()
            time.sleep(0.02)

    def shown():
        return term.get_text(None, None)[0]

    def wait(text, seconds=10):
        end = time.time() + seconds
        while time.time() < end and text not in shown():
            pump(0.05)
        pump(0.3)  # let it finish drawing
        return text in shown()

    if not wait(wait1):
        sys.exit('VTE: %r never showed; screen:\n%s' % (wait1, shown()))
    term.feed_child(keys.encode())
    if not wait(wait2):
        sys.exit('VTE: %r never showed; screen:\n%s' % (wait2, shown()))
    # get_text gives the visible rows; the ring row of the top one is where
    # the same rows start (get_text_range counts from the ring's start).
    vis = [l.rstrip() for l in shown().split('\n')][:rows]
    cur = term.get_cursor_position()[1]

    def row_text(r):
        return term.get_text_range(r, 0, r, cols, None, None)[0].split('\n')[0].rstrip()

    tops = [t for t in range(max(0, cur - rows + 1), cur + 1)
            if [row_text(t + r) for r in range(rows)] == vis]
    if not tops:
        sys.exit('VTE: cannot find the visible rows')
    grid = []
    for r in range(rows):
        cells = []
        for c in range(cols):
            t = term.get_text_range(tops[0] + r, c, tops[0] + r, c + 1, None, None)[0]
            t = t.split('\n')[0]
            # VTE gives '' for the right half of a wide character and for a
            # cell nothing was written to; the text check tells them apart.
            cells.append(t if t else None)
        grid.append(cells)
    term.feed_child(b'q')
    pump(0.2)
    print('\n'.join(json.dumps(r) for r in grid))


def check(grid_file, expected_file):
    import ctypes
    import locale

    locale.setlocale(locale.LC_ALL, 'C.UTF-8')
    libc = ctypes.CDLL(None)
    libc.wcwidth.argtypes = [ctypes.c_wchar]

    def width(s):
        return sum(max(libc.wcwidth(ch), 0) for ch in s)

    with open(grid_file, encoding='utf-8') as f:
        grid = [json.loads(l) for l in f if l.strip()]
    with open(expected_file, encoding='utf-8') as f:
        want = f.read().split('\n')
    bad = []
    for y, cells in enumerate(grid):
        exp = want[y].rstrip() if y < len(want) else ''
        got = ''.join(c for c in cells if c).rstrip()
        if got != exp:
            bad.append('row %d shows %r, wanted %r' % (y, got, exp))
        bars = [x for x, c in enumerate(cells) if c == '|']
        wbars = [width(exp[:i]) for i, ch in enumerate(exp) if ch == '|']
        if bars != wbars:
            bad.append('row %d %r: "|" in columns %s, wanted %s' % (y, exp, bars, wbars))
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    if len(sys.argv) > 1 and sys.argv[1] == 'vte':
        a = sys.argv[2:]
        run_vte(int(a[0]), int(a[1]), a[2], a[3], a[4], a[5:])
    elif len(sys.argv) == 4 and sys.argv[1] == 'check':
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
