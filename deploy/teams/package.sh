#!/usr/bin/env bash
# Builds the Teams app package (the zip you upload in Teams: Apps > Manage your apps > Upload an app, or in the Teams
# admin center): manifest.json with the bot's app id filled in, plus the two icons, at the root of the zip.
#
#   bash deploy/teams/package.sh [APP_ID] [OUTPUT.zip]
#
# APP_ID defaults to $Teams__AppId (the same Microsoft App ID the service runs with); OUTPUT defaults to
# ./condobot-teams.zip. Edit manifest.json's developer URLs and names for your site before uploading.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
app_id="${1:-${Teams__AppId:-}}"
output="${2:-condobot-teams.zip}"
if [[ -z "$app_id" ]]; then
  echo "usage: $0 APP_ID [OUTPUT.zip]  (or set Teams__AppId)" >&2
  exit 2
fi

python3 - "$here" "$app_id" "$output" <<'PY'
import json, re, struct, sys, zipfile
from pathlib import Path

here, app_id, output = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
if not re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", app_id):
    sys.exit(f"APP_ID must be the bot's Microsoft App ID (a GUID), not {app_id!r}")

manifest = json.loads((here / "manifest.json").read_text())
manifest["id"] = app_id
for bot in manifest["bots"]:
    bot["botId"] = app_id

def png_size(path):
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path} is not a PNG")
    return struct.unpack(">II", header[16:24])

for name, size in (("color", 192), ("outline", 32)):
    found = png_size(here / manifest["icons"][name])
    if found != (size, size):
        sys.exit(f"{manifest['icons'][name]} is {found[0]}x{found[1]}; Teams wants {size}x{size}")

with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
    for name in ("color", "outline"):
        z.write(here / manifest["icons"][name], manifest["icons"][name])
print(f"wrote {output} for app {app_id}")
PY
