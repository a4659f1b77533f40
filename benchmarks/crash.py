"""Crash benchmark: a market morning against the real ``marketbot run``, killed with SIGKILL at
random moments and restarted each time (issue 14's "Done when").

About 50 people talk to the bot through a fake Bot API served over HTTP on 127.0.0.1 from this
process: visitors search (unique queries, so each answer names its question) and subscribe to
the market's reminders, vendors register stalls (a five-step flow), the secretary sets the market
days with ``/schedule`` 逢三六九 and broadcasts to everyone by pressing the buttons the bot sent;
the bot's clock (``run --now``) then moves past the evening reminder, which falls due. The
process is killed ``--kills`` times (seeded RNG, random delays), restarted each time, and finally
left to finish. The proof reads the fake API's log and the SQLite file (see
``tests/crash_market.py``): every message answered exactly once (an ``unconfirmed`` reply, in
flight at a kill, may be missing: at most one per kill), the broadcast and the reminder at most
once to each recipient and exactly once to every reachable one, nobody stuck. The last line::

    kills=N lost=N duplicated=N stuck=N

Usage::

    .venv/bin/python benchmarks/crash.py                     # 50 people, 20 kills: ~1 min
    .venv/bin/python benchmarks/crash.py --kills 40 --seed 7
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.crash_market import Morning, run_morning


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendors", type=int, default=15)
    parser.add_argument("--visitors", type=int, default=34)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--window", type=float, default=2.5, help="seconds a kill may wait")
    parser.add_argument("--keep", action="store_true", help="keep the folder (db, bot.log)")
    args = parser.parse_args()
    morning = Morning(
        vendors=args.vendors,
        visitors=args.visitors,
        kills=args.kills,
        seed=args.seed,
        window=args.window,
    )
    folder = Path(tempfile.mkdtemp(prefix="marketbot-crash-"))
    print(
        f"{1 + args.vendors + args.visitors} people (1 secretary, {args.vendors} vendors, "
        f"{args.visitors} visitors), {args.kills} kills, seed {args.seed}, in {folder}"
    )
    result = run_morning(morning, folder, say=lambda line: print("  " + line, flush=True))
    starts = result.restarts_seconds
    print(f"messages sent by people:     {result.messages}")
    print(f"replies queued for them:     {result.replies}")
    print(f"broadcast rows:              {result.broadcast_rows}")
    print(f"reminder rows:               {result.reminder_rows}")
    missing = result.unconfirmed_missing
    print(f"unconfirmed rows:            {result.unconfirmed} (missing: {missing})")
    print(f"progress/report messages:    {result.progress_messages}")
    print(f"people who asked again:      {result.reasks}")
    if starts:
        print(f"start to first poll:         median {statistics.median(starts):.2f} s")
    print(f"took:                        {result.seconds:.1f} s")
    for problem in result.problems:
        print(f"problem: {problem}")
    if not args.keep and not result.problems:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        folder.rmdir()
    print(result.line())
    return 0 if result.problems == [] else 1


if __name__ == "__main__":
    sys.exit(main())
