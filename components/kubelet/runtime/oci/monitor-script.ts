// The OCI container monitor (conmon's role; a constant Perl script, one process per container, its
// own session, a child subreaper): runs `crun run --detach`, holds the container's stdio, writes the
// CRI log, reaps the container, records the exit and OOM kills, then deletes the crun container.

/**
 * Usage: `perl monitor.pl <stateDir> <logPath> <stdin 0|1> <console> <syscalls> <hybrid 0|1> <oomFile>
 * <crunBinary> -- <crun argv ...>` (`crunBinary`: crun on disk for the final delete, the argv's first
 * element being the kubelet's sealed copy, gone if the kubelet is; `console`: for a tty container, the socket path crun sends the pty master to
 * (--console-socket; received by a raw recvmsg, LP64 layout), then the log gets the pty's output, the
 * stdin FIFO feeds it and `<stateDir>/resize` (a FIFO of "<cols> <rows>" lines) sizes it; "" without a
 * tty. `syscalls` from oci-syscalls.ts; `hybrid`: hide the cgroup v2 mount from crun,
 * which refuses hybrid hierarchies; `oomFile`: the container's memory cgroup file with oom_kill, or
 * ""). The crun argv is run as `<argv> run --detach --pid-file <stateDir>/container.pid --bundle
 * <stateDir> <id>` (the id is the state dir's name); its errors go to <stateDir>/crun.log.
 * Leaves in <stateDir>: `pid`, `start` ("ok" or "error <message>"), then `exit` ("<code> <oomKills>
 * <unixNanos>\n"), the same files as the process runtime's supervisor. Log lines:
 * `<RFC3339Nano> <stream> <F|P> <text>`, P for a line cut at 16 KiB.
 */
export const monitorScript = `#!/usr/bin/perl
use strict;

# One call per process: the launcher loads this file once and calls monitor() in each forked child.
sub monitor {
my ($state, $log, $want_stdin, $console, $sys, $hybrid, $oomfile, $crunbin, $sep, @crun) = @ARGV;
my %sys;
@sys{qw(setsid prctl unshare mount umount2 clock_gettime exit_group recvmsg dup3 rt_sigaction)} = split /:/, $sys // '';
die "usage: monitor.pl state log stdin console syscalls hybrid oomfile crunbin -- crun...\\n"
  unless defined $sep && $sep eq '--' && @crun && defined $sys{rt_sigaction};
(my $id = $state) =~ s{.*/}{};
# Named in ps (and for a test's leftover sweep) as run directly or forked by the node's launcher.
$0 = "monitor.pl $state";
syscall($sys{setsid});
# PR_SET_CHILD_SUBREAPER: the container's init becomes our child once crun run --detach exits.
syscall($sys{prctl}, 36, 1, 0, 0, 0);
$SIG{PIPE} = 'IGNORE';
$SIG{HUP} = 'IGNORE';
$SIG{INT} = 'IGNORE';
$SIG{TERM} = 'IGNORE';
# SIGCHLD writes a byte here: Perl runs the handler between ops, so a child that ends just before the
# main loop's select still wakes it, and the loop blocks without a timeout while the container runs.
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
fcntl($_, 4, 2048) for $wake_r, $wake_w; # F_SETFL, O_NONBLOCK
$SIG{CHLD} = sub { syswrite($wake_w, 'x'); };

my $tsbuf = "\\0" x 16;
sub clock {
  syscall($sys{clock_gettime}, 0, $tsbuf) == 0 or die "clock_gettime: $!";
  return unpack('q q', $tsbuf);
}
sub now { my ($s, $ns) = clock(); return $s + $ns / 1e9; }

open(my $start, '>', "$state/start") or die "open $state/start: $!";
# Forked by launcher.pl with a ready line asked for: says the start file is final (no polling).
sub ready {
  return unless $main::ready_fh;
  syswrite($main::ready_fh, "ready $main::ready_id\\n");
  close($main::ready_fh);
  undef $main::ready_fh;
}
sub fail {
  truncate($start, 0);
  sysseek($start, 0, 0);
  syswrite($start, "error $_[0]\\n");
  ready();
  syscall($sys{exit_group}, 128);
}
if ($hybrid) {
  # A mount namespace of our own without /sys/fs/cgroup/unified: crun then sees cgroup v1 only.
  # MS_REC|MS_SLAVE, not private: the host's unmounts (ip netns del, other containers' overlays)
  # still reach our copy, so this long-lived namespace pins no netns or rootfs.
  my ($none, $root, $unified) = ('none', '/', '/sys/fs/cgroup/unified');
  syscall($sys{unshare}, 0x20000) == 0 or fail("cannot unshare the mount namespace: $!");
  syscall($sys{mount}, $none, $root, undef, 0x4000 | 0x80000, undef) == 0 or fail("cannot make / a slave: $!");
  syscall($sys{umount2}, $unified, 2);
}
sub crun_error {
  open(my $fh, '<', "$state/crun.log") or return $_[0];
  my @lines = grep { /\\S/ } map { chomp; $_ } <$fh>;
  close($fh);
  return @lines ? $lines[-1] : $_[0];
}
# Between fork and exec the child only makes raw syscalls and execs (no %SIG or open: Perl's): each
# page a forked Perl writes costs a copy-on-write fault (~50 us on a paravirtualized guest), and the
# child's own open() calls wrote ~50 pages more. Descriptors above 2 are close-on-exec (Perl's $^F).
sub start_crun {
  my ($out, $err, @args) = @_;
  my @argv = (@crun, "--log=file:$state/crun.log", @args);
  open(my $null, '+<', '/dev/null') or return -1;
  my $fifo;
  if ($want_stdin && $out) { open($fifo, '+<', "$state/stdin") or fail("cannot open $state/stdin: $!"); }
  my @fds = (fileno($fifo // $null), fileno($out // $null), fileno($err // $null));
  my $dfl = "\\0" x 32;
  my $pid = fork();
  if (defined $pid && $pid == 0) {
    # SIG_DFL for SIGHUP, SIGINT, SIGPIPE, SIGTERM, SIGCHLD (an ignored signal stays ignored across exec).
    syscall($sys{rt_sigaction}, $_, $dfl, 0, 8) for 1, 2, 13, 15, 17;
    $fds[$_] == $_ or syscall($sys{dup3}, $fds[$_], $_, 0) == $_ or syscall($sys{exit_group}, 125) for 0 .. 2;
    exec { $argv[0] } @argv;
    syscall($sys{exit_group}, 127);
  }
  close($fifo) if $fifo;
  close($null);
  return defined $pid ? $pid : -1;
}
sub run_crun {
  my $pid = start_crun(@_);
  return -1 if $pid < 0;
  waitpid($pid, 0);
  return $?;
}
# The pty master crun sends over the console socket (SCM_RIGHTS in a raw recvmsg).
sub receive_master {
  my ($conn) = @_;
  my $data = "\\0" x 64;
  my $cbuf = "\\0" x 64;
  my $iov = pack('Q Q', unpack('Q', pack('p', $data)), length($data));
  my $msg = pack('Q L x4 Q Q Q Q L x4', 0, 0, unpack('Q', pack('p', $iov)), 1, unpack('Q', pack('p', $cbuf)), length($cbuf), 0);
  # Retried on EINTR: crun's exit (SIGCHLD) often lands while its message is read.
  my $got;
  do { $got = syscall($sys{recvmsg}, fileno($conn), $msg, 0); } while ($got < 0 && $! == 4);
  return undef if $got < 0;
  my ($clen, $level, $type, $fd) = unpack('Q l l l', $cbuf);
  return undef unless $level == 1 && $type == 1;
  open(my $m, '+<&=', $fd) or return undef;
  return $m;
}

my @run = ('run', '--detach', '--pid-file', "$state/container.pid", '--bundle', $state);
my ($out_r, $out_w, $err_r, $err_w, $master, $rc);
if ($console ne '') {
  socket(my $srv, 1, 1, 0) or fail("cannot create the console socket: $!");
  unlink($console);
  bind($srv, pack('S Z108', 1, $console)) or fail("cannot bind the console socket $console: $!");
  listen($srv, 1) or fail("cannot listen on the console socket: $!");
  my $crun = start_crun(undef, undef, @run, '--console-socket', $console, $id);
  fail("cannot fork crun: $!") if $crun < 0;
  while (!defined $rc) {
    my $rin = '';
    vec($rin, fileno($srv), 1) = 1 unless $master;
    my $n = select(my $rout = $rin, undef, undef, 0.05);
    if ($n && $n > 0 && !$master && accept(my $conn, $srv)) { $master = receive_master($conn); close($conn); }
    $rc = $? if waitpid($crun, 1) == $crun;
  }
  # crun sent the master before it exited: a connection still queued (its exit woke us first).
  if (!$master) {
    my $rin = '';
    vec($rin, fileno($srv), 1) = 1;
    if (select(my $rout = $rin, undef, undef, 0) > 0 && accept(my $conn, $srv)) { $master = receive_master($conn); close($conn); }
  }
  close($srv);
  unlink($console);
  fail("crun sent no terminal") if $rc == 0 && !$master;
} else {
  pipe($out_r, $out_w) or die "pipe: $!";
  pipe($err_r, $err_w) or die "pipe: $!";
  $rc = run_crun($out_w, $err_w, @run, $id);
  close($out_w);
  close($err_w);
}
if ($rc != 0) {
  fail(crun_error($rc == -1 ? "cannot fork crun: $!" : "crun exited with status " . ($rc >> 8)));
}
# The FIFOs open before the start is told: a resize written right after it has a reader.
my %streams;
my %inputs;
if ($master) {
  %streams = (fileno($master) => ['stdout', $master, '']);
  if ($want_stdin && open(my $in, '+<', "$state/stdin")) { $inputs{fileno($in)} = ['stdin', $in]; }
  if (open(my $rs, '+<', "$state/resize")) { $inputs{fileno($rs)} = ['resize', $rs, '']; }
} else {
  %streams = (fileno($out_r) => ['stdout', $out_r, ''], fileno($err_r) => ['stderr', $err_r, '']);
}
my $pid;
if (open(my $fh, '<', "$state/container.pid")) { $pid = <$fh>; close($fh); }
$pid = defined $pid && $pid =~ /(\\d+)/ ? $1 : fail("crun wrote no container pid");
{
  open(my $fh, '>', "$state/pid.tmp") or die "open pid: $!";
  print $fh "$pid\\n";
  close($fh);
  rename("$state/pid.tmp", "$state/pid");
}
syswrite($start, "ok\\n");
close($start);
ready();

open(my $logfh, '>>', $log) or die "open $log: $!";

sub stamp {
  my ($s, $ns) = clock();
  my @t = gmtime($s);
  return sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%09dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0], $ns);
}
sub emit {
  my ($name, $tag, $text) = @_;
  syswrite($logfh, stamp() . " $name $tag $text\\n");
}
sub drain {
  my ($st, $final) = @_;
  while (1) {
    my $i = index($st->[2], "\\n");
    if ($i >= 0 && $i <= 16384) {
      emit($st->[0], 'F', substr($st->[2], 0, $i));
      substr($st->[2], 0, $i + 1, '');
    } elsif (length($st->[2]) >= 16384) {
      emit($st->[0], 'P', substr($st->[2], 0, 16384));
      substr($st->[2], 0, 16384, '');
    } else {
      last;
    }
  }
  if ($final && length $st->[2]) { emit($st->[0], 'F', $st->[2]); $st->[2] = ''; }
}

# SIGCHLD or output wakes the loop; as a subreaper we also reap the container's orphans.
my ($status, $deadline);
while (1) {
  if (!defined $status) {
    while ((my $r = waitpid(-1, 1)) > 0) {
      if ($r == $pid) { $status = $?; $deadline = now() + 2; last; }
    }
  }
  my $wait = defined $status ? $deadline - now() : undef;
  last if defined $status && (!%streams || $wait <= 0);
  my $rin = '';
  vec($rin, $_, 1) = 1 for keys %streams;
  vec($rin, $_, 1) = 1 for (defined $status ? () : (keys %inputs, fileno($wake_r)));
  my $n = select(my $rout = $rin, undef, undef, $wait);
  next unless $n && $n > 0;
  sysread($wake_r, my $woken, 512) if vec($rout, fileno($wake_r), 1);
  # Sizes before input: a program that reads its input and then asks its size sees the new one.
  for my $fd (sort { ($inputs{$b}[0] eq 'resize') <=> ($inputs{$a}[0] eq 'resize') } keys %inputs) {
    next unless vec($rout, $fd, 1);
    my $in = $inputs{$fd};
    my $got = sysread($in->[1], my $buf, 65536);
    if (!$got) { delete $inputs{$fd}; next; }
    if ($in->[0] eq 'stdin') { syswrite($master, $buf); next; }
    $in->[2] .= $buf;
    while ($in->[2] =~ s/^(\\d+) (\\d+)\\n//) { ioctl($master, 0x5414, pack('S4', $2, $1, 0, 0)); }
  }
  for my $fd (keys %streams) {
    next unless vec($rout, $fd, 1);
    my $st = $streams{$fd};
    my $got = sysread($st->[1], my $buf, 65536);
    if (!$got) { drain($st, 1); delete $streams{$fd}; next; }
    $st->[2] .= $buf;
    drain($st, 0);
  }
}
drain($_, 1) for values %streams;
close($logfh);

my $oom = 0;
if ($oomfile ne '' && open(my $fh, '<', $oomfile)) {
  while (<$fh>) { $oom = $1 if /^oom_kill (\\d+)/; }
  close($fh);
}
# Kills what is left in the container's cgroup and removes it with crun's state (crun on disk: the
# kubelet that lent its sealed copy may be gone).
$crun[0] = $crunbin;
run_crun(undef, undef, 'delete', '--force', $id);
1 while waitpid(-1, 1) > 0;
my $code = ($status & 127) ? 128 + ($status & 127) : ($status >> 8);
my ($s, $ns) = clock();
open(my $fh, '>', "$state/exit.tmp") or die "open exit: $!";
printf $fh "%d %d %d%09d\\n", $code, $oom, $s, $ns;
close($fh);
rename("$state/exit.tmp", "$state/exit");
}
monitor() unless caller;
`;
