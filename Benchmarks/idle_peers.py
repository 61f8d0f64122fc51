"""The idle peers of `jobctl run` with 1,000 jobs (bench-scheduler.sh), each reading the same
crontab-like file (lines "M H DOM MON DOW name command=..."; TZ= lines ignored, UTC assumed):

  idle_peers.py apscheduler JOBS.CONF   APScheduler 3's BlockingScheduler, one CronTrigger a job
  idle_peers.py croniter JOBS.CONF      a plain loop: croniter's next fire of every job, sleep
                                        until the earliest, run what is due, again

Each runs `true` as a child process when a job fires, like jobctl's command jobs. Both stop on
SIGTERM. Run with the venv of `make bench-deps` (.build/bench/venv).
"""
import datetime
import signal
import subprocess
import sys
import time


def entries(path):
    jobs = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and "=" not in parts[0] and not line.startswith("#"):
                jobs.append((" ".join(parts[:5]), parts[5]))
    return jobs


def run_true():
    subprocess.run(["true"], check=False)


def apscheduler(path):
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BlockingScheduler(timezone=datetime.timezone.utc)
    for expression, name in entries(path):
        scheduler.add_job(run_true, CronTrigger.from_crontab(expression, timezone=datetime.timezone.utc),
                          id=name, name=name)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    scheduler.start()


def croniter_loop(path):
    from croniter import croniter

    now = datetime.datetime.now(datetime.timezone.utc)
    iters = [(croniter(expression, now), name) for expression, name in entries(path)]
    upcoming = [it.get_next(datetime.datetime) for it, _ in iters]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        earliest = min(upcoming)
        delay = (earliest - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        if delay > 0:
            time.sleep(min(delay, 3600))
            continue
        for i, (it, _) in enumerate(iters):
            if upcoming[i] <= earliest:
                run_true()
                upcoming[i] = it.get_next(datetime.datetime)


if __name__ == "__main__":
    {"apscheduler": apscheduler, "croniter": croniter_loop}[sys.argv[1]](sys.argv[2])
