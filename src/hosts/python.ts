/** Debian's interpreter, not a PATH lookup: a pyenv shim on PATH costs a bash script and ~0.1 s per start */
export const PYTHON = '/usr/bin/python3';
