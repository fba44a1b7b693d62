#!/usr/bin/env python3
"""campaign: kdx's fault campaign (issue #20.10). Runs tests/e2e/runbooks/failover-lite.kdx
against moto_server through faultproxy.py, many times, and judges every run by the world
boto3 reads straight from moto (state.py), never by kdx's word:

  random    seeded random faults (throttling, 5xx, connections dropped before and after the
            request reached moto) at each --rates, for --seeds seeds; odd seeds also fail
            the validation (a local endpoint answering 500), so rollbacks run under faults
  targeted  every mutating request (and Route 53's GetChange) answered with a fault after
            it took effect (after-drop, after-500), with and without a failing validation
  kill      SIGKILL (KDX_CRASH_AT) at journal write N of the apply (odd N, and N > 12, with
            a failing validation: a passing apply writes 12 records, a failing one 23, so
            1..23 is every write of both and covers the apply's own rollback), then SIGKILL
            again during the resume or the rollback that follows (at its write 1 + N % 5),
            then that command once more
  damage    the apply killed half way (write 7: traffic not yet moved back), then its
            journal damaged at --damage-points offsets spread over the file (a flipped byte
            there, or a cut there, alternately), then `kdx rollback -journal J`: kdx
            must refuse damage without touching the world or the journal (a torn tail is
            cut and the rollback goes on), and whatever it claims is judged as usual

A run that ends `rollback_incomplete`, `paused` or `degraded` names the command that
finishes it; the campaign runs it (`kdx rollback -journal J`, faults still on) and counts
an operator intervention. Totals (JSON on stdout, one line per run on stderr with -v):
runs, converged (ok and the world moved), rolled_back (and the world verified back),
refused (a damaged journal refused with the world and the journal left as they were), half
states (the world neither at the start nor at the goal when kdx is done, follow-ups
included), false statuses (ok / rolled_back while the world says otherwise), hangs (a kdx
process over its time limit), interventions.

Usage: campaign.py --kdx KDX --moto URL --work DIR [--seeds N] [--rates 0.2,0.5]
                   [--modes random,targeted,kill] [--kill-points N,M,...] [-v]
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
RB = os.path.join(HERE, 'runbooks')
GOAL = ('w:eu-west-1=10 w:us-east-1=0 w:us-west-2=90 asg:us-east-1=2 alarm:us-east-1=OK '
        'asg:us-west-2=2 alarm:us-west-2=OK asg:eu-west-1=1 alarm:eu-west-1=OK')
LIMIT = 180  # seconds a kdx process may take before it counts as a hang


class Campaign:
    def __init__(self, a):
        self.a = a
        self.env = dict(os.environ, AWS_ENDPOINT_URL=a.moto)
        self.t = dict(runs=0, converged=0, rolled_back=0, refused=0, half_states=0, false_statuses=0,
                      hangs=0, interventions=0, irreversible_twice=0)
        self.bad = []
        self.health = None

    def state(self):
        return subprocess.run([sys.executable, os.path.join(RB, 'state.py'), 'kaldrix.test'],
                              env=self.env, capture_output=True, text=True, check=True).stdout.strip()

    def reset(self):
        req = urllib.request.Request(self.a.moto + '/moto-api/reset', method='POST')
        urllib.request.urlopen(req).read()
        subprocess.run([sys.executable, os.path.join(RB, 'setup_failover.py'), 'kaldrix.test'],
                       env=self.env, capture_output=True, check=True)
        return self.state()

    def proxy(self, d, args):
        pf = os.path.join(d, 'proxy.port')
        p = subprocess.Popen([sys.executable, os.path.join(HERE, 'faultproxy.py'), '--upstream',
                              self.a.moto, '--port-file', pf, '--log', os.path.join(d, 'proxy.log')]
                             + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(pf):
                break
            time.sleep(0.05)
        return p, 'http://127.0.0.1:' + open(pf).read().strip()

    def kdx(self, d, url, argv, extra_env=None):
        env = dict(self.env, AWS_ENDPOINT_URL=url, NO_COLOR='1', **(extra_env or {}))
        try:
            r = subprocess.run([self.a.kdx] + argv, cwd=d, env=env, capture_output=True,
                               text=True, timeout=LIMIT)
        except subprocess.TimeoutExpired:
            return None, ''
        return r.returncode, r.stdout + r.stderr

    def journal(self, d):
        js = sorted(os.listdir(os.path.join(d, '.kdx'))) if os.path.isdir(os.path.join(d, '.kdx')) else []
        js = [j for j in js if j.endswith('.jsonl')]
        return os.path.join('.kdx', js[-1]) if js else None

    def one(self, name, proxy_args, validate_fails, crash=None, damage=None):
        """One run; returns its verdict line. crash = (N, command, M): SIGKILL the apply at
        journal write N, then COMMAND at its write M, then COMMAND again. damage = (offset,
        how): after the crash, damage the journal there before COMMAND runs."""
        d = os.path.join(self.a.work, name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        shutil.copy(os.path.join(RB, 'failover-lite.kdx'), d)
        start = self.reset()
        p, url = self.proxy(d, proxy_args)
        argv = ['apply', '-auto-approve', 'failover-lite.kdx']
        if validate_fails:
            argv[2:2] = ['-var', 'health_url=' + self.health]
        try:
            rc, out = self.kdx(d, url, argv, {'KDX_CRASH_AT': str(crash[0])} if crash else None)
            hang = rc is None
            follow = 0
            refused = False
            if crash and rc == -9:  # killed: resume or roll back, killed again, then again
                cmd = crash[1]
                jr = self.journal(d)
                if damage:
                    refused = self.damage(d, url, jr, cmd, damage)
                    rc = None if refused is None else 0
                    hang = hang or refused is None
                    out = refused if isinstance(refused, str) else ''
                    refused = refused is True
                else:
                    rc, out = self.kdx(d, url, [cmd, '-journal', jr], {'KDX_CRASH_AT': str(crash[2])})
                    hang = hang or rc is None
                if not damage and (rc == -9 or rc is None):
                    rc, out = self.kdx(d, url, [cmd, '-journal', jr])
                    hang = hang or rc is None
            m = re.findall(r'(?:run|resume:|rollback:) (ok|degraded|rolled_back|rollback_incomplete|paused|aborted)', out)
            status = m[-1] if m else ('hang' if hang else 'none')
            claimed = status
            world = world0 = self.state()
            # the command the run names for what it left behind
            while status in ('rollback_incomplete', 'paused', 'degraded', 'aborted') and follow < 3:
                jr = self.journal(d)
                if not jr:
                    break
                follow += 1
                rc, out2 = self.kdx(d, url, ['rollback', '-journal', jr])
                hang = hang or rc is None
                m = re.findall(r'rollback: (\w+)', out2)
                status = m[-1] if m else status
                world = self.state()
        finally:
            p.terminate()
            p.wait()
        t = self.t
        t['runs'] += 1
        t['hangs'] += hang
        t['interventions'] += follow > 0
        # a status that says more than the world shows (read before any follow-up)
        false = (claimed == 'ok' and world0 != GOAL) or (claimed == 'rolled_back' and world0 != start)
        t['false_statuses'] += false
        if refused:
            t['refused'] += 1
        elif world == GOAL:
            t['converged'] += 1
        elif world == start:
            t['rolled_back'] += 1
        else:
            t['half_states'] += 1
        verdict = 'refused' if refused else 'converged' if world == GOAL else 'back' if world == start else 'HALF'
        line = f'{name}: {claimed}{" -> " + status if follow else ""} ({follow} follow-ups): {verdict}{" FALSE" if false else ""}{" HANG" if hang else ""}'
        if verdict == 'HALF' or false or hang:
            self.bad.append(line + ' | ' + world)
        if self.a.v:
            print(line, file=sys.stderr, flush=True)
        shutil.rmtree(d, ignore_errors=True)
        return line

    def damage(self, d, url, jr, cmd, damage):
        """Damage journal JR at damage = (fraction, how) of its length and run CMD on it.
        True: refused, nothing changed (world and journal as before); None: a hang; else
        kdx's output (it went on: a torn tail cut, judged by the caller like any run).
        A refusal that changed the world or the journal is not a refusal: its output goes
        back to be judged, and the unchanged-world check there catches it."""
        path = os.path.join(d, jr)
        data = bytearray(open(path, 'rb').read())
        off = min(int(len(data) * damage[0]), len(data) - 1)
        if damage[1] == 'cut':
            data = data[:off]
        else:
            data[off] ^= 0x20 if data[off] != 0x0a else 0x01
        open(path, 'wb').write(bytes(data))
        before = self.state()
        rc, out = self.kdx(d, url, [cmd, '-journal', jr])
        if rc is None:
            return None
        if rc != 0 and not re.search(r'(?:resume:|rollback:) \w+', out):
            same = open(path, 'rb').read() == bytes(data) and self.state() == before
            if same and 'journal' in out:
                return True
            return out + '\n(refused but changed the world or the journal)'
        return out

    def run(self):
        a = self.a
        hs = subprocess.Popen([sys.executable, os.path.join(RB, 'http500.py')],
                              stdout=subprocess.PIPE, text=True)
        try:
            self.health = 'http://127.0.0.1:%s/health' % hs.stdout.readline().strip()
            modes = a.modes.split(',')
            if 'random' in modes:
                for rate in [float(x) for x in a.rates.split(',')]:
                    for seed in range(1, a.seeds + 1):
                        self.one(f'random-{rate}-{seed}', ['--random', str(rate), '--seed', str(seed)],
                                 seed % 2 == 1)
            if 'targeted' in modes:
                pairs = [('after-drop', True), ('after-500', True)] if a.quick else \
                    [(f, vf) for f in ('after-drop', 'after-500') for vf in (False, True)]
                for k, pat in enumerate(('Action=UpdateAutoScalingGroup', '/rrset', '/change/')):
                    for fault, vf in pairs[k % 2:k % 2 + 1] if a.quick else pairs:
                            self.one(f'targeted-{pat.split("=")[-1].strip("/")}-{fault}-{int(vf)}',
                                     ['--rule', f'{pat}={fault}*1'], vf)
            if 'kill' in modes:
                for n in [int(x) for x in a.kill_points.split(',')]:
                    # past --kill-both-upto, resume and rollback take turns (time)
                    both = a.kill_both_upto <= 0 or n <= a.kill_both_upto
                    for cmd in ('resume', 'rollback') if both else (('resume', 'rollback')[n % 2],):
                        self.one(f'kill-{n}-{cmd}', [], (n % 2 == 1 or n > 12) and not a.quick,
                                 (n, cmd, 3 if a.quick else 1 + n % 5))
            if 'damage' in modes:
                k = a.damage_points
                for i in range(k):
                    how = 'flip' if i % 2 == 0 else 'cut'
                    cmd = 'rollback' if i % 4 < 2 else 'resume'
                    self.one(f'damage-{i}-{how}-{cmd}', [], False, (7, cmd, 0), ((i + 0.5) / k, how))
        finally:
            hs.terminate()
            hs.wait()
        self.t['bad'] = self.bad
        print(json.dumps(self.t))
        return 0 if not (self.t['half_states'] or self.t['false_statuses'] or self.t['hangs']) else 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kdx', required=True)
    ap.add_argument('--moto', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--seeds', type=int, default=2)
    ap.add_argument('--rates', default='0.2,0.5')
    ap.add_argument('--modes', default='random,targeted,kill,damage')
    ap.add_argument('--kill-points', default='6,12')
    ap.add_argument('--kill-both-upto', type=int, default=0,
                    help='kill mode: both resume and rollback up to this write, then one of them in turn (0: both everywhere)')
    ap.add_argument('--damage-points', type=int, default=8,
                    help='damage mode: this many offsets spread over the killed journal')
    ap.add_argument('--quick', action='store_true',
                    help='targeted: one fault per request, with a failing validation')
    ap.add_argument('-v', action='store_true')
    return Campaign(ap.parse_args()).run()


if __name__ == '__main__':
    sys.exit(main())
