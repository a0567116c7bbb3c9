#!/usr/bin/env python3
"""Per-thread CPU of a command, once a second: where the cores are busy and where one is idle.

    python3 bench/threads.py OUT java -Xmx2g -jar analyzer/target/mapleak.jar analyze DUMP --json out.json

Every second it reads /proc/PID/task/*/stat of the command's process (Linux only) and writes one line to OUT:
the seconds since start, the CPU used in that second in hundredths of a core (200 = both cores of a 2-core
machine), and that CPU by thread, threads grouped by name with their numbers dropped (mapleak-read-1 and
mapleak-read-2 count as mapleak-read; G1 and GC threads as GC; C1 and C2 compiler threads as JIT; "java" is the
main thread). PERFORMANCE.md's thread timeline of the 10 GB dump was made with it.
"""
import collections
import os
import re
import subprocess
import sys
import time


def group(name):
    key = re.sub(r'[-#]?\d+$', '', name)
    if key.startswith(('G1', 'GC')):
        return 'GC'
    if key.startswith(('C1', 'C2')):
        return 'JIT'
    return key


def sample(pid):
    ticks = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/stat') as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended meanwhile
        name = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        ticks[tid] = (name, int(fields[11]) + int(fields[12]))  # utime + stime, in clock ticks
    return ticks


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: threads.py OUT COMMAND...')
    out, command = sys.argv[1], sys.argv[2:]
    hz = os.sysconf('SC_CLK_TCK')
    proc = subprocess.Popen(command)
    start = time.time()
    previous = {}
    with open(out, 'w') as f:
        while proc.poll() is None:
            try:
                now = sample(proc.pid)
            except OSError:
                break
            used = collections.Counter()
            for tid, (name, t) in now.items():
                used[group(name)] += t - previous.get(tid, (name, 0))[1]
            previous = now
            total = sum(used.values()) * 100 // hz
            busy = ' '.join(f'{k}={v * 100 // hz}' for k, v in used.most_common() if v * 100 // hz >= 5)
            f.write(f'{time.time() - start:6.1f} total={total:3} {busy}\n')
            f.flush()
            time.sleep(1)
    sys.exit(proc.wait())


if __name__ == '__main__':
    main()
