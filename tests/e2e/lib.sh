# Shared by the end-to-end scripts: a copy of the demo configuration that sends every alert to a
# local webhook receiver and does not depend on the time of day, and a bounded daemon stop.

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# demo_config DIR HOOK_PORT: the demo in DIR, feed at full speed, state in DIR/state, every
# person on duty around the clock (the demo's shift hours would send everything to the desk at
# night), and the desk, people and crisis alerts all on the webhook sink `hook`.
demo_config() {
    local dir=$1 port=$2
    cp -r "$source_dir/config/demo/." "$dir/"
    python3 - "$dir" "$port" <<'PY'
import re, sys
directory, port = sys.argv[1], sys.argv[2]
people = open(f"{directory}/people.yaml").read()
people = people.replace("chat: {console:", "chat: {hook:")
people = re.sub(r"hours: \{[^}]*\}", 'hours: {daily: "00:00-24:00"}', people)
open(f"{directory}/people.yaml", "w").write(people)
config = open(f"{directory}/spreekbuis.yaml").read()
config = re.sub(r"state_dir: .*", "state_dir: state", config)
config = config.replace("rate: 25", "rate: 0")
config = config.replace("sinks:\n", "sinks:\n  - name: hook\n    type: webhook\n"
                        f"    url: http://127.0.0.1:{port}/alerts\n"
                        "    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n", 1)
config = config.replace("routing:\n", 'routing:\n  desk: {sink: hook, address: "#webcare-desk"}\n', 1)
open(f"{directory}/spreekbuis.yaml", "w").write(config)
PY
}

# wait_started ERRLOG: until the daemon says it runs (its signal handlers are then in place;
# a SIGINT before that is ignored by a background job of a non-interactive shell).
wait_started() {
    for _ in $(seq 200); do
        grep -q "spreekbuis running" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "FAIL: the daemon did not start"
    exit 1
}

# stop_daemon PID: SIGINT, then at most 30 s for the drain.
stop_daemon() {
    kill -INT "$1"
    for _ in $(seq 300); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"
            return
        fi
        sleep 0.1
    done
    kill -9 "$1"
    echo "FAIL: the daemon did not stop within 30 s of SIGINT"
    exit 1
}
