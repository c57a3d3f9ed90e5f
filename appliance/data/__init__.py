"""Files that smsrelay install puts in place: udev rules, the systemd unit, a default config."""
