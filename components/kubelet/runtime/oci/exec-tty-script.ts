// The terminal relay for `kubectl exec -it` (a constant Perl script, no modules): receives the pty
// master crun sends over --console-socket (SCM_RIGHTS, by a raw recvmsg), copies stdin and stdout
// through it, and applies window sizes written to fd 3 ("<cols> <rows>\n") with TIOCSWINSZ.

/**
 * Usage: `perl exec-tty.pl <recvmsg syscall number> <socket path> -- <crun exec argv with
 * --console-socket <socket path>>`. Exits with crun's exit code (the command's), 126 when the
 * console never arrived. Assumes an LP64 ABI (x86_64 and arm64 share msghdr and cmsghdr layouts).
 */
export const execTtyScript = `#!/usr/bin/perl
use strict;

my ($recvmsg, $sock, $sep, @argv) = @ARGV;
die "usage: exec-tty.pl recvmsg socket -- argv\\n" unless defined $sep && $sep eq '--' && @argv;
$SIG{PIPE} = 'IGNORE';
$SIG{CHLD} = sub { };
socket(my $srv, 1, 1, 0) or die "socket: $!\\n";
unlink($sock);
bind($srv, pack('S Z108', 1, $sock)) or die "bind $sock: $!\\n";
listen($srv, 1) or die "listen: $!\\n";
my $pid = fork();
die "fork: $!\\n" unless defined $pid;
if ($pid == 0) {
  close($srv);
  open(STDIN, '<', '/dev/null');
  exec { $argv[0] } @argv;
  exit(127);
}
sub code_of { my $s = shift; return ($s & 127) ? 128 + ($s & 127) : ($s >> 8); }
my $conn;
while (!$conn) {
  my $rin = '';
  vec($rin, fileno($srv), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, 0.25);
  if ($n && $n > 0) { accept($conn, $srv) or die "accept: $!\\n"; last; }
  if (waitpid($pid, 1) == $pid) { unlink($sock); exit(code_of($?) || 126); }
}
unlink($sock);
my $data = "\\0" x 64;
my $cbuf = "\\0" x 64;
my $iov = pack('Q Q', unpack('Q', pack('p', $data)), length($data));
my $msg = pack('Q L x4 Q Q Q Q L x4', 0, 0, unpack('Q', pack('p', $iov)), 1, unpack('Q', pack('p', $cbuf)), length($cbuf), 0);
syscall($recvmsg, fileno($conn), $msg, 0) >= 0 or die "recvmsg: $!\\n";
my ($clen, $level, $type, $fd) = unpack('Q l l l', $cbuf);
die "no pty received\\n" unless $level == 1 && $type == 1;
open(my $master, '+<&=', $fd) or die "pty: $!\\n";
close($conn);
close($srv);
my $ctl;
open($ctl, '<&=', 3) or undef $ctl;
my %in = (0 => \\*STDIN, fileno($master) => $master);
$in{3} = $ctl if $ctl;
my $ctlbuf = '';
my $status;
while (1) {
  if (!defined $status && waitpid($pid, 1) == $pid) { $status = $?; }
  my $rin = '';
  vec($rin, $_, 1) = 1 for keys %in;
  my $n = select(my $rout = $rin, undef, undef, defined $status ? 0.05 : 0.5);
  if (!$n || $n < 0) { last if defined $status; next; }
  if (vec($rout, fileno($master), 1)) {
    my $got = sysread($master, my $buf, 65536);
    if (!$got) { last; }
    syswrite(STDOUT, $buf);
  }
  if (vec($rout, 0, 1)) {
    my $got = sysread(STDIN, my $buf, 65536);
    if ($got) { syswrite($master, $buf); } else { delete $in{0}; }
  }
  if ($ctl && vec($rout, 3, 1)) {
    my $got = sysread($ctl, my $buf, 4096);
    if (!$got) { delete $in{3}; next; }
    $ctlbuf .= $buf;
    while ($ctlbuf =~ s/^(\\d+) (\\d+)\\n//) {
      ioctl($master, 0x5414, pack('S4', $2, $1, 0, 0));
    }
  }
}
waitpid($pid, 0) unless defined $status;
$status = $? unless defined $status;
exit(code_of($status));
`;
