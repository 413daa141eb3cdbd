#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (`gradjudge autograder` made it).
# It installs bubblewrap for the sandbox and, in a virtual environment of its own: the CPU build of torch from
# PyTorch's index, gradjudge's other dependencies at the versions pinned in requirements.txt, and gradjudge
# itself from the source tree bundled in gradjudge/, exactly the version that made the zip. Then it puts
# `gradjudge` on PATH for run_autograder. The root is /autograder, or GRADJUDGE_AUTOGRADER_ROOT.
set -euo pipefail
root="${GRADJUDGE_AUTOGRADER_ROOT:-/autograder}"
source="$root/source"
venv="$root/gradjudge-venv"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq bubblewrap python3 python3-venv >/dev/null

# The pins install on a recent enough Python only; say so plainly rather than let pip find no version.
python3 - "$source/autograder.json" <<'EOF'
import json
import sys

oldest = tuple(json.load(open(sys.argv[1]))["python"])
if sys.version_info[:2] < oldest:
    sys.exit(f"setup.sh: python3 here is {sys.version.split()[0]}, but the pinned packages need Python "
             f"{'.'.join(map(str, oldest))} or newer: choose a base image whose python3 is that new")
EOF

python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet -r "$source/requirements-torch.txt" --index-url https://download.pytorch.org/whl/cpu
"$venv/bin/python" -m pip install --quiet -r "$source/requirements.txt" "$source/gradjudge"
ln -sf "$venv/bin/gradjudge" /usr/local/bin/gradjudge

# What was installed, and which isolation grading will have here, for the image's build log.
"$venv/bin/python" - "$source/autograder.json" <<'EOF'
import json
import sys
from importlib import metadata

from checks.sandbox.isolation import choose

settings = json.load(open(sys.argv[1]))
wanted = settings["gradjudge"]
if metadata.version("gradjudge") != wanted:
    sys.exit(f"setup.sh: gradjudge {metadata.version('gradjudge')} was installed, but the zip was made by {wanted}")
found = choose()
print(f"gradjudge {wanted}, torch {metadata.version('torch')}, numpy {metadata.version('numpy')}; {found.describe()}")
if not found.strong and not settings["allow_process_isolation"]:
    print("setup.sh: this image gives only process isolation, so run_autograder will grade nothing here (each upload "
          "gets a not-graded result that tells staff why); see gradjudge's staff guide")
EOF
