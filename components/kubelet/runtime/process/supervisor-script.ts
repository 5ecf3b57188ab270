// The container supervisor (a constant Perl script, one process per container, its own session):
// starts the container in a new session, writes its stdout/stderr to the CRI log, records the exit.

/**
 * Usage: `perl supervisor.pl <stateDir> <logPath> <stdin 0|1> <tty 0|1> <cgroupDirs ":"-joined> -- <argv>`.
 * It outlives the kubelet (so logs are never lost and output never blocks on a dead reader) and
 * leaves in <stateDir>: `pid` ("<pid>\n", the container's pid = its pgid), `start` (written by the
 * init script: "ok" or "error <message>"), and finally `exit` ("<code> <oomKills> <unixNanos>\n").
 * Log lines: `<RFC3339Nano> <stream> <F|P> <text>`, P for a line cut at 16 KiB.
 */
export const supervisorScript = `#!/usr/bin/perl
use strict;
use warnings;
use POSIX qw(setsid strftime WNOHANG _exit dup2);
use Fcntl qw(F_SETFD);
use Time::HiRes qw(time);

my ($state, $log, $want_stdin, $tty, $cgroups, $sep, @argv) = @ARGV;
die "usage: supervisor.pl state log stdin tty cgroups -- argv\\n" unless defined $sep && $sep eq '--' && @argv;
# Our own session: the kubelet's process group, terminal and death do not reach us.
setsid();
$SIG{PIPE} = 'IGNORE';
$SIG{HUP} = 'IGNORE';
$SIG{INT} = 'IGNORE';
$SIG{TERM} = 'IGNORE';
my @cgroups = grep { length } split /:/, $cgroups;

open(my $start, '>', "$state/start") or die "open $state/start: $!";
pipe(my $out_r, my $out_w) or die "pipe: $!";
my ($err_r, $err_w);
pipe($err_r, $err_w) or die "pipe: $!" unless $tty;

my $pid = fork();
die "fork: $!" unless defined $pid;
if ($pid == 0) {
  setsid();
  $SIG{$_} = 'DEFAULT' for qw(PIPE HUP INT TERM);
  for my $cg (@cgroups) {
    if (open(my $fh, '>', "$cg/cgroup.procs")) { print $fh "$$\\n"; close $fh; }
  }
  if ($want_stdin) { open(STDIN, '+<', "$state/stdin") or _exit(128); }
  else { open(STDIN, '<', '/dev/null') or _exit(128); }
  open(STDOUT, '>&', $out_w) or _exit(128);
  open(STDERR, '>&', $tty ? $out_w : $err_w) or _exit(128);
  dup2(fileno($start), 3) or _exit(128);
  # fd 3 ("start") stays open across exec for the init script; perl marks fds above 2 close-on-exec.
  open(my $three, '>&=', 3) or _exit(128);
  fcntl($three, F_SETFD, 0);
  exec { $argv[0] } @argv;
  syswrite($start, "error cannot run $argv[0]: $!\\n");
  _exit(128);
}
close($start);
close($out_w);
close($err_w) if $err_w;
{
  open(my $fh, '>', "$state/pid.tmp") or die "open pid: $!";
  print $fh "$pid\\n";
  close($fh);
  rename("$state/pid.tmp", "$state/pid");
}

open(my $logfh, '>>', $log) or die "open $log: $!";
my %streams = (fileno($out_r) => ['stdout', $out_r, '']);
$streams{fileno($err_r)} = ['stderr', $err_r, ''] if $err_r;

sub stamp {
  my $t = time;
  my $s = int($t);
  return strftime('%Y-%m-%dT%H:%M:%S', gmtime($s)) . sprintf('.%09dZ', int(($t - $s) * 1e9));
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

my ($status, $deadline);
while (1) {
  if (!defined $status) {
    my $r = waitpid($pid, WNOHANG);
    if ($r == $pid) {
      $status = $?;
      kill('KILL', -$pid);
      $deadline = time + 2;
    }
  }
  last if defined $status && (!%streams || time > $deadline);
  my $rin = '';
  vec($rin, $_, 1) = 1 for keys %streams;
  my $n = %streams ? select(my $rout = $rin, undef, undef, 0.1) : select(undef, undef, undef, 0.1);
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
my $now = sprintf('%.0f', time * 1e9);
open(my $fh, '>', "$state/exit.tmp") or die "open exit: $!";
print $fh "$code $oom $now\\n";
close($fh);
rename("$state/exit.tmp", "$state/exit");
`;
