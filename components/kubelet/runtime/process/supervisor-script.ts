// The container supervisor (a constant Perl script, one process per container, its own session):
// sets the container up (netns, mount/UTS namespaces, mounts, cwd, user, env), logs its output, records the exit.

/**
 * Usage: `perl supervisor.pl <stateDir> <logPath> <stdin 0|1> <tty 0|1> <cgroupDirs ":"-joined>
 * <syscalls> <netns> <mntns 0|1> <hostname> <workingDir> <uid> <gid> <PATH> <n> (<host> <container>
 * <rw|ro>){n} <m> (<K=V>){m} --|--pause <argv>` (empty strings for what is unset; `syscalls` from
 * linux-syscalls.ts). The forked child does what nsenter, unshare, mount, setpriv and `env -i` did,
 * with raw syscalls and no Perl module (a module costs milliseconds per start), then execs argv:
 * it fails like runc when argv[0] is missing or not executable.
 * The supervisor outlives the kubelet (so logs are never lost and output never blocks on a dead
 * reader) and leaves in <stateDir>: `pid` ("<pid>\n", the container's pid = its pgid), `start` ("ok"
 * or "error <message>"), and finally `exit` ("<code> <oomKills> <unixNanos>\n").
 * Log lines: `<RFC3339Nano> <stream> <F|P> <text>`, P for a line cut at 16 KiB.
 * Run as a program it supervises at once; loaded with `do` (launcher.pl) it only defines
 * `supervise()`, which reads @ARGV and must run once per process (its named subs share its variables).
 */
export const supervisorScript = `#!/usr/bin/perl
use strict;

# One call per process: the launcher loads this file once and calls supervise() in each forked child.
sub supervise {
my ($state, $log, $want_stdin, $tty, $cgroups, $sys, $netns, $mntns, $hostname, $wd, $uid, $gid,
  $path, $nmounts, @rest) = @ARGV;
my %sys;
@sys{qw(setsid setns unshare mount setgroups setresgid setresuid clock_gettime exit_group sethostname)} = split /:/, $sys // '';
my @mounts = splice(@rest, 0, 3 * ($nmounts // 0));
my @env = splice(@rest, 0, shift(@rest) // 0);
my ($sep, @argv) = @rest;
die "usage: supervisor.pl state log stdin tty cgroups syscalls netns mntns hostname wd uid gid path n mounts m env -- argv\\n"
  unless defined $sep && ($sep eq '--' || $sep eq '--pause') && @argv && defined $sys{exit_group};
# '--pause': the argv is the pause image's (wait, exit 0 on TERM or INT); this child does that
# itself after the same set-up, as upstream's /pause binary would, instead of exec'ing sh and sleep.
my $pause = $sep eq '--pause';
# The pause without stdin or terminal is this process itself (below): no pipes, no handlers. Not
# with a user to become: it then could not write its exit record into the state directory.
my $single = $pause && !$want_stdin && !$tty && $uid eq '' && $gid eq '';
# Our own session: the kubelet's process group, terminal and death do not reach us.
syscall($sys{setsid});
$SIG{PIPE} = 'IGNORE';
unless ($single) {
  $SIG{HUP} = 'IGNORE';
  $SIG{INT} = 'IGNORE';
  $SIG{TERM} = 'IGNORE';
  # Wakes the select below when the container ends.
  $SIG{CHLD} = sub { };
}
my @cgroups = grep { length } split /:/, $cgroups;

my $tsbuf = "\\0" x 16;
sub clock {
  syscall($sys{clock_gettime}, 0, $tsbuf) == 0 or die "clock_gettime: $!";
  return unpack('q q', $tsbuf);
}
sub now { my ($s, $ns) = clock(); return $s + $ns / 1e9; }

open(my $start, '>', "$state/start") or die "open $state/start: $!";
my ($out_r, $out_w, $err_r, $err_w);
pipe($out_r, $out_w) or die "pipe: $!" unless $single;
pipe($err_r, $err_w) or die "pipe: $!" unless $tty || $single;

sub fail {
  truncate($start, 0);
  sysseek($start, 0, 0);
  syswrite($start, "error $_[0]\\n");
  syscall($sys{exit_group}, 128);
}
sub mkpath {
  my $p = '';
  for my $part (split m{/}, $_[0]) {
    $p .= "$part/";
    next if $part eq '';
    mkdir($p) or -d $p or return 0;
  }
  return 1;
}

# The pid file, one write(2) into a new file: a reader sees it empty (not yet) or whole.
sub write_pid {
  open(my $fh, '>', "$state/pid") or die "open pid: $!";
  syswrite($fh, "$_[0]\\n");
  close($fh);
}
# Forked by launcher.pl with a ready line asked for: \`ready <id> <pid>\` once the start file is
# final, instead of a pid file (one inode less per start). False when there is no one to tell.
sub ready {
  return 0 unless $main::ready_fh;
  my $told = syswrite($main::ready_fh, "ready $main::ready_id $_[0]\\n");
  close($main::ready_fh);
  undef $main::ready_fh;
  return $told;
}

# The container's own set-up, in the process that becomes the container: its cgroups, the pod's
# netns, its mount and UTS namespaces, the mounts, cwd, user. Stdio is the caller's.
my $setup = sub {
  for my $cg (@cgroups) {
    if (open(my $fh, '>', "$cg/cgroup.procs")) { print $fh "$$\\n"; close $fh; }
  }
  if ($netns ne '') {
    open(my $ns, '<', "/run/netns/$netns") or fail("cannot open the network namespace $netns: $!");
    syscall($sys{setns}, fileno($ns), 0x40000000) == 0 or fail("cannot enter the network namespace $netns: $!");
    close($ns);
  }
  if ($mntns) {
    # CLONE_NEWNS, and CLONE_NEWUTS with a hostname; then MS_REC|MS_PRIVATE on / (unshare --propagation private).
    syscall($sys{unshare}, 0x20000 | ($hostname ne '' ? 0x4000000 : 0)) == 0 or fail("cannot unshare namespaces: $!");
    my ($none, $root) = ('none', '/');
    syscall($sys{mount}, $none, $root, undef, 0x4000 | 0x40000, undef) == 0 or fail("cannot make / private: $!");
  }
  if ($hostname ne '') {
    # sethostname(2): in a user namespace (rootless kube) /proc/sys/kernel/hostname is not writable.
    syscall($sys{sethostname}, $hostname, length($hostname)) == 0 or fail("cannot set the hostname $hostname: $!");
  }
  while (my ($src, $dst, $mode) = splice(@mounts, 0, 3)) {
    -e $src or fail("mount source $src does not exist");
    if (-d $src) {
      -d $dst or mkpath($dst) or fail("cannot create mount point $dst");
    } elsif (!-e $dst) {
      (my $parent = $dst) =~ s{/[^/]*$}{};
      (mkpath($parent) && open(my $fh, '>', $dst)) or fail("cannot create mount point $dst");
    }
    # MS_BIND, then MS_REMOUNT|MS_BIND|MS_RDONLY for a read-only mount.
    syscall($sys{mount}, $src, $dst, undef, 4096, undef) == 0 or fail("cannot bind-mount $src at $dst: $!");
    if ($mode eq 'ro') {
      my $none = 'none';
      syscall($sys{mount}, $none, $dst, undef, 4096 | 32 | 1, undef) == 0 or fail("cannot make $dst read-only: $!");
    }
  }
  if ($wd ne '') {
    -d $wd or mkpath($wd) or fail("cannot create workingDir $wd");
    chdir($wd) or fail("cannot enter workingDir $wd");
  }
  if ($uid ne '' || $gid ne '') {
    syscall($sys{setgroups}, 0, undef) == 0 or fail("cannot clear the supplementary groups: $!");
    if ($gid ne '') { my $g = $gid + 0; syscall($sys{setresgid}, $g, $g, $g) == 0 or fail("cannot set group $gid: $!"); }
    if ($uid ne '') { my $u = $uid + 0; syscall($sys{setresuid}, $u, $u, $u) == 0 or fail("cannot set user $uid: $!"); }
  }
};

# The pause (no stdin, no terminal, no output to log): this process is the container, as
# upstream's /pause is one process: no second fork, whose copy-on-write faults and fork were
# ~40% of a supervisor's CPU in a 100-pod start (perf). Its end is its own: TERM or INT records
# exit 0; a kill is seen by the kubelet through the launcher's wait status.
if ($single) {
  $setup->();
  $0 = '/pause';
  $SIG{TERM} = $SIG{INT} = sub {
    my ($s, $ns) = clock();
    if (open(my $fh, '>', "$state/exit.tmp")) {
      printf $fh "0 0 %d%09d\\n", $s, $ns;
      close($fh);
      rename("$state/exit.tmp", "$state/exit");
    }
    syscall($sys{exit_group}, 0);
  };
  syswrite($start, "ok\\n");
  close($start);
  write_pid($$) unless ready($$);
  sleep while 1;
}

# Close-on-exec (above fd 2): its EOF says the child execed the container or ended.
pipe(my $exec_r, my $exec_w) or die "pipe: $!";
my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
  close($exec_r);
  close($main::ready_fh) if $main::ready_fh;
  syscall($sys{setsid});
  $SIG{$_} = 'DEFAULT' for qw(PIPE HUP INT TERM CHLD);
  if ($want_stdin) { open(STDIN, '+<', "$state/stdin") or fail("cannot open stdin: $!"); }
  else { open(STDIN, '<', '/dev/null') or fail("cannot open /dev/null: $!"); }
  open(STDOUT, '>&', $out_w) or fail("cannot redirect stdout: $!");
  open(STDERR, '>&', $tty ? $out_w : $err_w) or fail("cannot redirect stderr: $!");
  $setup->();
  if ($pause) {
    # Named and TERM-ready before the start is reported: a caller reading /proc/PID/cmdline or
    # stopping the pod right after the start sees the pause, not this script.
    $0 = '/pause';
    $SIG{TERM} = $SIG{INT} = sub { syscall($sys{exit_group}, 0); };
    syswrite($start, "ok\\n");
    close($start);
    close($exec_w);
    sleep while 1;
  }
  my $cmd = $argv[0];
  my $exe;
  if (index($cmd, '/') >= 0) {
    -e $cmd or fail("exec: \\"$cmd\\": stat $cmd: no such file or directory");
    (-f $cmd && -x _) or fail("exec: \\"$cmd\\": permission denied");
    $exe = $cmd;
  } else {
    for my $dir (split /:/, $path) {
      $dir = '.' if $dir eq '';
      if (-f "$dir/$cmd" && -x _) { $exe = "$dir/$cmd"; last; }
    }
    defined $exe or fail("exec: \\"$cmd\\": executable file not found in \\$PATH");
  }
  # Exactly the container's environment.
  %ENV = ();
  for my $pair (@env) {
    my ($name, $value) = split /=/, $pair, 2;
    $ENV{$name} = $value if length $name;
  }
  syswrite($start, "ok\\n");
  exec { $exe } @argv;
  fail("cannot run $cmd: $!");
}
close($start);
close($out_w);
close($err_w) if $err_w;
write_pid($pid) unless $main::ready_fh;
close($exec_w);
# The start file is final once the exec pipe ends.
if ($main::ready_fh) {
  sysread($exec_r, my $ignored, 1);
  write_pid($pid) unless ready($pid);
}
close($exec_r);

open(my $logfh, '>>', $log) or die "open $log: $!";
my %streams = (fileno($out_r) => ['stdout', $out_r, '']);
$streams{fileno($err_r)} = ['stderr', $err_r, ''] if $err_r;

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

# SIGCHLD or output wakes the loop; the timeout only covers a SIGCHLD that raced the select.
my ($status, $deadline);
while (1) {
  if (!defined $status) {
    my $r = waitpid($pid, 1);
    if ($r == $pid) {
      $status = $?;
      kill('KILL', -$pid);
      $deadline = now() + 2;
    }
  }
  my $wait = defined $status ? $deadline - now() : 1;
  last if defined $status && (!%streams || $wait <= 0);
  my $rin = '';
  vec($rin, $_, 1) = 1 for keys %streams;
  my $n = %streams ? select(my $rout = $rin, undef, undef, $wait) : select(undef, undef, undef, $wait);
  next unless $n && $n > 0;
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

# Sweep what is left in the container's cgroups (processes that escaped its process group).
my $oom = 0;
for my $cg (@cgroups) {
  for (1 .. 50) {
    open(my $fh, '<', "$cg/cgroup.procs") or last;
    my @left = grep { /^\\d+$/ } map { chomp; $_ } <$fh>;
    close($fh);
    last unless @left;
    kill('KILL', @left);
    select(undef, undef, undef, 0.02);
  }
  if (open(my $fh, '<', "$cg/memory.oom_control")) {
    while (<$fh>) { $oom = $1 if /^oom_kill (\\d+)/; }
    close($fh);
  }
}
for my $cg (@cgroups) {
  for (1 .. 50) { last if rmdir($cg) || !-d $cg; select(undef, undef, undef, 0.02); }
}
my $code = ($status & 127) ? 128 + ($status & 127) : ($status >> 8);
my ($s, $ns) = clock();
open(my $fh, '>', "$state/exit.tmp") or die "open exit: $!";
printf $fh "%d %d %d%09d\\n", $code, $oom, $s, $ns;
close($fh);
rename("$state/exit.tmp", "$state/exit");
}

supervise() unless caller;
`;
