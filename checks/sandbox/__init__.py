"""Running untrusted submissions: hostile files read safely, a worker shut in a sandbox, replies checked."""
