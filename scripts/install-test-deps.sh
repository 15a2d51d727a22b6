#!/usr/bin/env bash
# Installs what the tests need beyond npm packages: Debian's Chromium (Playwright drives it; it cannot
# download its own browser here), pcscd + vsmartcard-vpcd and the PC/SC clients used for interop tests
# (yubico-piv-tool, OpenSC, ykman), pcsc-tools (its ATR list is a test corpus), openssl, and the PC/SC
# headers (libpcsclite-dev) that the optional `smartcard` addon of the PC/SC bridge compiles against, and
# PostgreSQL (the relay store's tests start a private cluster with its initdb and pg_ctl; no service is used).
# Only missing packages are installed; run as root or with sudo available.
set -euo pipefail

PACKAGES=(chromium pcscd vsmartcard-vpcd yubico-piv-tool opensc yubikey-manager pcsc-tools openssl libpcsclite-dev postgresql)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "Debian packages: all present."
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing Debian packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
