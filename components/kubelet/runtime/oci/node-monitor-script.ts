// The node's OCI container monitor (conmon's role for every container without a terminal or stdin;
// a constant Perl script, one per kubelet run, its own session, a child subreaper): runs each
// `crun run --detach`, holds the containers' stdout/stderr, writes their CRI logs, reaps them.

/**
 * Usage: `perl node-monitor.pl <syscalls> <hybrid 0|1> <containersDir>` (`syscalls` from
 * oci-syscalls.ts; `hybrid`: each crun it runs gets a mount namespace without the cgroup v2 mount,
 * which crun refuses on a hybrid host). Requests on stdin: `<n>\n` then n bytes of NUL-separated
 * fields `run`, the container's state dir (its name is crun's id), log path, OOM file (or ""),
 * crun on disk (for the final delete), then crun's argv with its global options. Answers on
 * stdout: `ready <id> ok <pid>` or `ready <id> error <message>` once crun exited, and `exited <id>`
 * once the container's exit is recorded. Leaves in the state dir what monitor.pl does (`pid`,
 * `start`, `exit`: "<code> <oomKills> <unixNanos>\n"), so a restarted kubelet adopts either. At EOF
 * (the kubelet is gone) it takes no more requests and exits once its last container is recorded.
 * One fork per container (the child makes raw syscalls and execs crun) instead of a launcher fork
 * plus a monitor process and its fork: each page a forked Perl writes is a copy-on-write fault.
 */
export const nodeMonitorScript = `#!/usr/bin/perl
use strict;

my ($sysarg, $hybrid, $root) = @ARGV;
my %sys;
@sys{qw(setsid prctl unshare mount umount2 clock_gettime exit_group recvmsg dup3 rt_sigaction setpriority)} = split /:/, $sysarg // '';
die "usage: node-monitor.pl syscalls hybrid containersDir\\n" unless defined $sys{setpriority} && defined $root;
$0 = "node-monitor.pl $root";
syscall($sys{setsid});
# PR_SET_CHILD_SUBREAPER: each container's init becomes our child once its crun run --detach exits.
syscall($sys{prctl}, 36, 1, 0, 0, 0);
# Nice -5 (where allowed: root): one process does what a monitor per container did, and on a busy
# node the scheduler gave those 100 processes 100 shares; its crun children go back to 0.
syscall($sys{setpriority}, 0, 0, -5);
$SIG{$_} = 'IGNORE' for qw(PIPE HUP INT TERM);
# SIGCHLD writes a byte here, so a child that ends just before the select still wakes it.
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
fcntl($_, 4, 2048) for $wake_r, $wake_w; # F_SETFL, O_NONBLOCK
$SIG{CHLD} = sub { syswrite($wake_w, 'x'); };
open(my $null, '+<', '/dev/null') or die "open /dev/null: $!";
$| = 1;

my $tsbuf = "\\0" x 16;
sub clock {
  syscall($sys{clock_gettime}, 0, $tsbuf) == 0 or die "clock_gettime: $!";
  return unpack('q q', $tsbuf);
}
sub now { my ($s, $ns) = clock(); return $s + $ns / 1e9; }
sub say_line { syswrite(STDOUT, "$_[0]\\n"); }

my %ctrs;   # id -> container
my %jobs;   # crun pid -> [container, 'run' | 'delete']
my %inits;  # container pid -> container
my %early;  # pid -> [wait status, time]: reaped before its crun said it was the container's
my %streams; # fd -> [container, name, fh, pending text]

# Between fork and exec the child only makes raw syscalls and execs (no %SIG or open: Perl's).
# Descriptors above 2 are close-on-exec (Perl's $^F): no container holds another's pipes.
my $dfl = "\\0" x 32;
sub spawn_crun {
  my ($c, $out, $err, @args) = @_;
  my @argv = (@{$c->{crun}}, "--log=file:$c->{state}/crun.log", @args);
  my @fds = (fileno($null), fileno($out // $null), fileno($err // $null));
  my $pid = fork();
  if (defined $pid && $pid == 0) {
    # SIG_DFL for SIGHUP, SIGINT, SIGPIPE, SIGTERM, SIGCHLD (an ignored signal stays ignored across exec).
    syscall($sys{rt_sigaction}, $_, $dfl, 0, 8) for 1, 2, 13, 15, 17;
    syscall($sys{setpriority}, 0, 0, 0);
    if ($hybrid) {
      # MS_REC|MS_SLAVE: the host's unmounts still reach this copy; then no cgroup v2 mount.
      my ($none, $slash, $unified) = ('none', '/', '/sys/fs/cgroup/unified');
      syscall($sys{unshare}, 0x20000) == 0 or syscall($sys{exit_group}, 126);
      syscall($sys{mount}, $none, $slash, undef, 0x4000 | 0x80000, undef) == 0 or syscall($sys{exit_group}, 126);
      syscall($sys{umount2}, $unified, 2);
    }
    $fds[$_] == $_ or syscall($sys{dup3}, $fds[$_], $_, 0) == $_ or syscall($sys{exit_group}, 125) for 0 .. 2;
    exec { $argv[0] } @argv;
    syscall($sys{exit_group}, 127);
  }
  return defined $pid ? $pid : -1;
}

sub crun_error {
  my ($c, $fallback) = @_;
  open(my $fh, '<', "$c->{state}/crun.log") or return $fallback;
  my @lines = grep { /\\S/ } map { chomp; $_ } <$fh>;
  close($fh);
  return @lines ? $lines[-1] : $fallback;
}

sub write_file {
  my ($path, $text) = @_;
  open(my $fh, '>', "$path.tmp") or return;
  print $fh $text;
  close($fh);
  rename("$path.tmp", $path);
}

sub close_streams {
  my ($c) = @_;
  for my $fd (grep { $streams{$_}[0] == $c } keys %streams) {
    my $st = delete $streams{$fd};
    drain($st, 1) if $c->{logfh};
    close($st->[2]);
  }
  close($c->{logfh}) if $c->{logfh};
  delete $c->{logfh};
}

sub start_failed {
  my ($c, $message) = @_;
  close_streams($c);
  write_file("$c->{state}/start", "error $message\\n");
  delete $ctrs{$c->{id}};
  say_line("ready $c->{id} error $message");
}

sub run {
  my ($state, $log, $oom, $crunbin, @crun) = @_;
  (my $id = $state) =~ s{.*/}{};
  return say_line("ready $id error the request names no crun") unless @crun;
  my $c = { id => $id, state => $state, oom => $oom, crunbin => $crunbin, crun => \\@crun };
  $ctrs{$id} = $c;
  open($c->{logfh}, '>>', $log) or return start_failed($c, "cannot open the log $log: $!");
  my ($out_r, $out_w, $err_r, $err_w);
  pipe($out_r, $out_w) && pipe($err_r, $err_w) or return start_failed($c, "cannot create a pipe: $!");
  fcntl($_, 4, 2048) for $out_r, $err_r;
  $streams{fileno($out_r)} = [$c, 'stdout', $out_r, ''];
  $streams{fileno($err_r)} = [$c, 'stderr', $err_r, ''];
  my $pid = spawn_crun($c, $out_w, $err_w, 'run', '--detach', '--pid-file', "$state/container.pid", '--bundle', $state, $id);
  close($out_w);
  close($err_w);
  return start_failed($c, "cannot fork crun: $!") if $pid < 0;
  $jobs{$pid} = [$c, 'run'];
}

sub run_done {
  my ($c, $status) = @_;
  if ($status != 0) {
    my $code = $status >> 8;
    my $why = $code == 126 ? "cannot set up crun's mount namespace" : "crun exited with status $code";
    return start_failed($c, crun_error($c, $why));
  }
  my $pid;
  if (open(my $fh, '<', "$c->{state}/container.pid")) { $pid = <$fh>; close($fh); }
  return start_failed($c, "crun wrote no container pid") unless defined $pid && $pid =~ /(\\d+)/;
  $pid = $1;
  $c->{pid} = $pid;
  # The kubelet has the pid from the ready line (and keeps it in the container's record): no temp
  # file and rename for these two (ext4 journal work), nobody reads them half-written.
  for (['pid', "$pid\\n"], ['start', "ok\\n"]) {
    if (open(my $fh, '>', "$c->{state}/$_->[0]")) { print $fh $_->[1]; close($fh); }
  }
  $inits{$pid} = $c;
  if (my $gone = delete $early{$pid}) { ended($c, $gone->[0]); }
  say_line("ready $c->{id} ok $pid");
}

sub ended {
  my ($c, $status) = @_;
  delete $inits{$c->{pid}};
  $c->{status} = $status;
  # What the container wrote before its end is still read for 2 s (an orphan may hold the pipe).
  $c->{deadline} = now() + 2;
}

sub stamp {
  my ($s, $ns) = clock();
  my @t = gmtime($s);
  return sprintf('%04d-%02d-%02dT%02d:%02d:%02d.%09dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0], $ns);
}
sub drain {
  my ($st, $final) = @_;
  my $fh = $st->[0]{logfh};
  while (1) {
    my $i = index($st->[3], "\\n");
    if ($i >= 0 && $i <= 16384) {
      syswrite($fh, stamp() . " $st->[1] F " . substr($st->[3], 0, $i) . "\\n");
      substr($st->[3], 0, $i + 1, '');
    } elsif (length($st->[3]) >= 16384) {
      syswrite($fh, stamp() . " $st->[1] P " . substr($st->[3], 0, 16384) . "\\n");
      substr($st->[3], 0, 16384, '');
    } else {
      last;
    }
  }
  if ($final && length $st->[3]) { syswrite($fh, stamp() . " $st->[1] F $st->[3]\\n"); $st->[3] = ''; }
}

# The container ended and its output is drained: kill what is left in its cgroup, remove it and
# crun's state (crun on disk: the kubelet that lent its sealed copy may be gone), then the exit.
sub finish {
  my ($c) = @_;
  close_streams($c);
  delete $c->{deadline};
  my $oom = 0;
  if ($c->{oom} ne '' && open(my $fh, '<', $c->{oom})) {
    while (<$fh>) { $oom = $1 if /^oom_kill (\\d+)/; }
    close($fh);
  }
  $c->{oomkills} = $oom;
  $c->{crun}[0] = $c->{crunbin};
  my $pid = spawn_crun($c, undef, undef, 'delete', '--force', $c->{id});
  if ($pid < 0) { record_exit($c); } else { $jobs{$pid} = [$c, 'delete']; }
}

sub record_exit {
  my ($c) = @_;
  my $status = $c->{status};
  my $code = ($status & 127) ? 128 + ($status & 127) : ($status >> 8);
  my ($s, $ns) = clock();
  write_file("$c->{state}/exit", sprintf("%d %d %d%09d\\n", $code, $c->{oomkills}, $s, $ns));
  delete $ctrs{$c->{id}};
  say_line("exited $c->{id}");
}

sub reap {
  while ((my $pid = waitpid(-1, 1)) > 0) {
    my $status = $?;
    if (my $job = delete $jobs{$pid}) {
      if ($job->[1] eq 'run') { run_done($job->[0], $status); } else { record_exit($job->[0]); }
    } elsif (my $c = $inits{$pid}) {
      ended($c, $status);
    } elsif (grep { $_->[1] eq 'run' } values %jobs) {
      # A container's init may end before its crun did: kept until crun names it.
      $early{$pid} = [$status, now()];
    }
  }
  my $old = now() - 60;
  delete $early{$_} for grep { $early{$_}[1] < $old } keys %early;
}

my $buf = '';
my $input = 1;
while ($input || %ctrs || %jobs) {
  reap();
  my $wait;
  my $t = now();
  for my $c (values %ctrs) {
    next unless defined $c->{deadline};
    my $open = grep { $streams{$_}[0] == $c } keys %streams;
    if (!$open || $c->{deadline} <= $t) { finish($c); next; }
    my $left = $c->{deadline} - $t;
    $wait = $left if !defined $wait || $left < $wait;
  }
  my $rin = '';
  vec($rin, $_, 1) = 1 for keys %streams, fileno($wake_r);
  vec($rin, fileno(STDIN), 1) = 1 if $input;
  my $n = select(my $rout = $rin, undef, undef, $wait);
  next unless $n && $n > 0;
  sysread($wake_r, my $woken, 512) if vec($rout, fileno($wake_r), 1);
  for my $fd (keys %streams) {
    next unless vec($rout, $fd, 1);
    my $st = $streams{$fd};
    my $got = sysread($st->[2], my $data, 65536);
    next if !defined $got && $! == 11; # EAGAIN
    if (!$got) { drain($st, 1); close($st->[2]); delete $streams{$fd}; next; }
    $st->[3] .= $data;
    drain($st, 0);
  }
  next unless $input && vec($rout, fileno(STDIN), 1);
  my $got = sysread(STDIN, $buf, 1 << 20, length $buf);
  if (!$got) { $input = 0; next; }
  while ($buf =~ /^(\\d+)\\n/) {
    my ($len, $head) = ($1, length($1) + 1);
    last if length($buf) < $head + $len;
    my ($op, @fields) = split(/\\0/, substr($buf, $head, $len), -1);
    substr($buf, 0, $head + $len, '');
    if ($op eq 'run') { run(@fields); } else { print STDERR "unknown request $op\\n"; }
  }
}
`;
