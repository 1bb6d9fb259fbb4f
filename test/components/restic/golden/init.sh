# The restic repository of vps1's gateway state, sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2): made when it does not exist
# yet. One that exists but does not open (the password, the SSH account, the host) fails the step
# with restic's words: a new repository is never made over one that is there.
password='/etc/restic/password' key='/etc/restic/ssh/id_ed25519' known_hosts='/etc/restic/ssh/known_hosts'
restic_() {
  restic --repo 'sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1' \
    --password-file "$password" \
    -o "sftp.args=-F /dev/null -p 22 -i $key -o IdentitiesOnly=yes -o UserKnownHostsFile=$known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=30" \
    --no-cache "$@"
}
if out=$(restic_ cat config 2>&1 >/dev/null); then
  echo "restic repository sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2) exists"
else
  status=$?
  # restic >= 0.17 says 10 for "no repository"; older ones only say it.
  if [ "$status" -eq 10 ] || grep -q 'Is there a repository at the following location' <<<"$out"; then
    restic_ init
    echo "made restic repository sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2)"
  else
    echo "cannot open the restic repository sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1 (on vps2) (restic exited $status):" >&2
    tail -n 15 <<<"$out" >&2
    if [ "$status" -eq 12 ] || grep -q 'wrong password' <<<"$out"; then
      echo "the secret resticPassword does not open it: set the password it was made with, or add this one by hand (restic key add)" >&2
    fi
    exit 1
  fi
fi
