# Sourced by the set-up scripts: installs the Debian packages of a list that are missing, as root,
# waiting for another apt run rather than failing. Usage: apt_packages "[tag]" pkg...
apt_packages() {
  local tag=$1
  shift
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    echo "$tag Debian packages present: $*"
    return 0
  fi
  if [[ $(id -u) != 0 ]]; then
    echo "$tag ERROR: missing Debian packages (${missing[*]}) and not root to install them" >&2
    return 1
  fi
  echo "$tag installing Debian packages: ${missing[*]}"
  # The lock timeout lets this wait for another apt run instead of failing at once.
  apt-get -o DPkg::Lock::Timeout=900 update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y "${missing[@]}"
}
