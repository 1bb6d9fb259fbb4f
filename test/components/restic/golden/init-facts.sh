password='/etc/restic/password' key='/etc/restic/ssh/id_ed25519' known_hosts='/etc/restic/ssh/known_hosts'
restic_() {
  restic --repo 'sftp:restic-repo@10.0.0.2:/srv/backups/restic/vps1' \
    --password-file "$password" \
    -o "sftp.args=-F /dev/null -p 22 -i $key -o IdentitiesOnly=yes -o UserKnownHostsFile=$known_hosts -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=30 -o ServerAliveInterval=30" \
    --no-cache "$@"
}
if restic_ cat config >/dev/null 2>&1; then echo repository=ready; else echo repository=unreadable; fi
