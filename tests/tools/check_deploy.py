#!/usr/bin/env python3
"""The `deploy_files` test: deploy/ cannot fall behind the binary.

- deploy/eventd.env names every EVENTD_ variable that `eventd --help` lists (and no other),
  each with the binary's own default on its "# default:" line;
- deploy/eventd.service passes `systemd-analyze verify` (with the built binary in place of
  /usr/local/bin/eventd) and keeps its sandboxing options;
- deploy/nginx.conf keeps the settings the cluster test relies on, and never lets nginx
  resend a POST (no `non_idempotent`).

Usage: check_deploy.py --eventd BINARY --deploy DEPLOY_DIR
       check_deploy.py --self-test
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

# CLI11 shows a default as "TEXT=value" (2.3) or "TEXT [value]" (other versions).
HELP_OPTION = re.compile(r"--[\w-]+ \w+(?:=(?P<default>\S*)| \[(?P<bracketed>[^\]]*)\])? \(Env:(?P<name>EVENTD_\w+)\)")
ENV_LINE = re.compile(r"^#?(?P<name>EVENTD_\w+)=(?P<value>.*)$")
DEFAULT_LINE = re.compile(r"^# default: (?P<value>.*)$")


def binary_options(help_text):
    """{variable: default} from `eventd --help` (CLI11 shows a non-empty default in brackets)."""
    return {m.group("name"): m.group("default") or m.group("bracketed") or "" for m in HELP_OPTION.finditer(help_text)}


def documented_options(env_text):
    """{variable: documented default}; a default written "(empty...)" or "(none...)" is ""."""
    found, errors, pending_default = {}, [], None
    for number, line in enumerate(env_text.splitlines(), 1):
        default = DEFAULT_LINE.match(line)
        if default:
            pending_default = default.group("value").strip()
            continue
        variable = ENV_LINE.match(line)
        if not variable:
            continue
        name = variable.group("name")
        if name in found:
            errors.append(f"line {number}: {name} appears twice")
            continue
        if pending_default is None:
            errors.append(f"line {number}: {name} has no '# default:' line above it")
            continue
        value = "" if pending_default.startswith(("(empty", "(none")) else pending_default
        if line.startswith("#") and variable.group("value") != value:
            errors.append(f"line {number}: {name} is commented out with '{variable.group('value')}', "
                          f"not its default '{value}'")
        found[name] = value
        pending_default = None
    return found, errors


def compare(binary, documented):
    errors = []
    for name, default in sorted(binary.items()):
        if name not in documented:
            errors.append(f"{name}: read by eventd, missing from deploy/eventd.env")
        elif documented[name] != default:
            errors.append(f"{name}: eventd's default is '{default}', deploy/eventd.env says '{documented[name]}'")
    for name in sorted(set(documented) - set(binary)):
        errors.append(f"{name}: in deploy/eventd.env, but eventd does not read it")
    return errors


def check_env(eventd, deploy):
    help_text = subprocess.run([eventd, "--help"], stdout=subprocess.PIPE, text=True, check=True).stdout
    binary = binary_options(help_text)
    if len(binary) < 10:
        return [f"found only {len(binary)} variables in `eventd --help`: has its format changed?"]
    with open(os.path.join(deploy, "eventd.env"), encoding="utf-8") as f:
        documented, errors = documented_options(f.read())
    print(f"eventd.env: {len(binary)} variables in eventd --help, {len(documented)} documented")
    return errors + compare(binary, documented)


REQUIRED_SANDBOXING = ["User=eventd", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                       "PrivateTmp=yes", "EnvironmentFile=/etc/eventd/eventd.env", "ExecStartPre=/usr/local/bin/eventd migrate"]


def check_unit(eventd, deploy):
    with open(os.path.join(deploy, "eventd.service"), encoding="utf-8") as f:
        unit = f.read()
    lines = set(unit.splitlines())
    errors = [f"eventd.service: '{option}' is missing" for option in REQUIRED_SANDBOXING if option not in lines]
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        return errors + ["systemd-analyze is not installed (scripts/lib.sh installs systemd)"]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "eventd.service")
        with open(path, "w", encoding="utf-8") as f:
            f.write(unit.replace("/usr/local/bin/eventd", os.path.abspath(eventd)))
        done = subprocess.run([analyze, "verify", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Other units of this machine may draw warnings of their own: only ours count.
        ours = [line for line in done.stdout.splitlines() if "eventd.service" in line]
        if done.returncode != 0 and ours:
            errors += [f"systemd-analyze verify: {line}" for line in ours]
        elif done.returncode != 0:
            errors.append(f"systemd-analyze verify failed: {done.stdout.strip()[:500]}")
    print("eventd.service: systemd-analyze verify passed" if not errors else "eventd.service: problems")
    return errors


def check_nginx(deploy):
    with open(os.path.join(deploy, "nginx.conf"), encoding="utf-8") as f:
        text = f.read()
    directives = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    directives = [d for d in directives if d]
    errors = []
    for wanted in ("proxy_http_version 1.1;", 'proxy_set_header Connection "";',
                   "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                   "proxy_set_header X-Real-IP $remote_addr;", "proxy_next_upstream error timeout;"):
        if wanted not in directives:
            errors.append(f"nginx.conf: '{wanted}' is missing")
    if not any(d.startswith("keepalive ") for d in directives):
        errors.append("nginx.conf: the upstream keeps no idle connections (keepalive)")
    if any("non_idempotent" in d for d in directives):
        errors.append("nginx.conf: non_idempotent would let nginx send a POST twice")
    print("nginx.conf: checked" if not errors else "nginx.conf: problems")
    return errors


def self_test():
    help_text = ("  --listen TEXT=127.0.0.1:8080 (Env:EVENTD_LISTEN)\n  --grace TEXT [20] (Env:EVENTD_GRACE)\n"
                 "  --threads TEXT (Env:EVENTD_THREADS)\n  --gone TEXT [1] (Env:EVENTD_NEW)\n")
    binary = binary_options(help_text)
    assert binary == {"EVENTD_LISTEN": "127.0.0.1:8080", "EVENTD_GRACE": "20", "EVENTD_THREADS": "",
                      "EVENTD_NEW": "1"}, binary
    del binary["EVENTD_GRACE"]
    env = ("# default: 127.0.0.1:8080\nEVENTD_LISTEN=127.0.0.1:9000\n"
           "# default: (empty: cores)\n#EVENTD_THREADS=\n# default: 5\n#EVENTD_OLD=5\n")
    documented, errors = documented_options(env)
    assert not errors, errors
    problems = compare(binary, documented)
    assert any("EVENTD_NEW" in p and "missing" in p for p in problems), problems
    assert any("EVENTD_OLD" in p and "does not read" in p for p in problems), problems
    assert len(problems) == 2, problems
    _, errors = documented_options("# default: 5\n#EVENTD_X=6\nEVENTD_Y=1\n")
    assert len(errors) == 2, errors
    changed = compare({"EVENTD_X": "5"}, {"EVENTD_X": "6"})
    assert changed and "default" in changed[0], changed
    print("self-test passed")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eventd")
    parser.add_argument("--deploy")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    errors = check_env(args.eventd, args.deploy) + check_unit(args.eventd, args.deploy) + check_nginx(args.deploy)
    for error in errors:
        print(f"FAIL {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
