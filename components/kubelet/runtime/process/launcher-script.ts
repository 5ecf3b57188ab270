// The node's supervisor launcher (a constant Perl script, one per kubelet): forks each container's
// supervisor from an interpreter already running, instead of the kubelet spawning `perl` per container.

/**
 * Requests on stdin: `<n>\n` then n bytes of NUL-separated fields: request id, output file (the
 * supervisor's stdout and stderr, appended), script path, entry (a sub the script defines without
 * running it when loaded with `do`; empty: run the whole script), the script's arguments. The
 * launcher loads an entry's script once; the forked child calls the entry (or runs the script) with
 * those arguments in @ARGV: supervisor.pl, in its own session, immune to the kubelet's and the
 * launcher's death. Answers on stdout, one line each: `started <id> <pid>`,
 * `failed <id> <message>`, and `exited <pid> <wait status>` when a supervisor ends. An id starting
 * with `r` asks for `ready <id>` too: the child gets a dup of stdout as `$main::ready_fh` (with
 * `$main::ready_id`), and supervisor.pl writes the line once its container execed or failed, so the
 * kubelet needs no polling. It exits at EOF (the kubelet is gone); the supervisors keep running, and
 * a restarted kubelet adopts them. Its arguments: the syscall numbers it calls raw
 * (launcherSyscalls() of linux-syscalls.ts), then cgroup directories each forked child moves itself
 * into first (the node's pods group), while the launcher stays where it is.
 * Between the fork and the entry the child makes raw syscalls only (rt_sigaction, openat, write,
 * dup3, close), no Perl `open` or `%SIG`: each page Perl writes after a fork is a copy-on-write
 * fault (~50 µs on a PVM guest), and that set-up was ~58 of them per child (O4, O5).
 */
export const launcherScript = `#!/usr/bin/perl
use strict;

$SIG{INT} = 'IGNORE';
$SIG{PIPE} = 'IGNORE';
# Wakes the select below when a supervisor ends.
$SIG{CHLD} = sub { };
$| = 1;
my %sys;
@sys{qw(rt_sigaction openat write close dup3 sched_setaffinity sched_getaffinity)} = split /:/, shift(@ARGV);
# On one CPU (the last it may use), its children back on all: a copy-on-write fault of a process
# that ran on several CPUs flushes the others' TLBs by IPI, ~28% of this launcher's CPU (perf).
my $cpus = "\\0" x 128;
my $pinned = 0;
{
  my $n = syscall($sys{sched_getaffinity}, 0, length $cpus, $cpus);
  my @on = $n > 0 ? grep { vec($cpus, $_, 1) } 0 .. 8 * $n - 1 : ();
  if (@on > 1) {
    my $one = "\\0" x length $cpus;
    vec($one, $on[-1], 1) = 1;
    $pinned = syscall($sys{sched_setaffinity}, 0, length $one, $one) == 0;
  }
}
# The pods group's directories (one per cgroup controller): each child joins them.
my @groups = map { "$_/cgroup.procs" } @ARGV;
# Opened once: each child's stdin. SIG_DFL as struct sigaction (handler, flags, restorer, mask).
open(my $devnull, '<', '/dev/null') or die "open /dev/null: $!";
my $devnull_fd = fileno($devnull);
my $dfl = "\\0" x 32;
# O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC.
my $append = 1 | 0100 | 02000 | 02000000;

sub reap {
  while ((my $pid = waitpid(-1, 1)) > 0) { print "exited $pid $?\\n"; }
}

# Scripts loaded here once (compiling the supervisor costs ~7 ms): "<path>\\0<entry>" -> loaded.
my %loaded;
sub load {
  my ($script, $entry) = @_;
  my $key = "$script\0$entry";
  return $loaded{$key} if exists $loaded{$key};
  # The script defines $entry and runs it only when it is the main program.
  do $script;
  no strict 'refs';
  return $loaded{$key} = (!$@ && defined(&{"main::$entry"})) ? 1 : 0;
}

# The child splits the script's arguments: each value this process makes between two forks
# dirties pages its children share.
sub launch {
  my ($id, $out, $script, $entry, $rest) = split(/\\0/, $_[0], 5);
  my $preloaded = $entry ne '' && load($script, $entry);
  my $pid = fork();
  if (!defined $pid) { print "failed $id fork: $!\\n"; return; }
  if ($pid == 0) {
    # SIGINT, SIGPIPE, SIGCHLD back to SIG_DFL.
    syscall($sys{rt_sigaction}, $_, $dfl, 0, 8) for 2, 13, 17;
    syscall($sys{sched_setaffinity}, 0, length $cpus, $cpus) if $pinned;
    my @args = !defined $rest ? () : $rest eq '' ? ('') : split(/\\0/, $rest, -1);
    my $me = "$$\n";
    for my $procs (@groups) {
      my $fd = syscall($sys{openat}, -100, $procs, 1, 0);
      if ($fd >= 0) { syscall($sys{write}, $fd, $me, length $me); syscall($sys{close}, $fd); }
    }
    # Above fd 2, so close-on-exec: the container never holds the kubelet's pipe.
    if ($id =~ /^r/ && open(my $ready, '>&', *STDOUT)) {
      $main::ready_fh = $ready;
      $main::ready_id = $id;
    }
    my $fd = syscall($sys{openat}, -100, $out, $append, 0644);
    exit(125) if $fd < 0;
    syscall($sys{dup3}, $devnull_fd, 0, 0) >= 0 or exit(125);
    syscall($sys{dup3}, $fd, 1, 0) >= 0 or exit(125);
    syscall($sys{dup3}, $fd, 2, 0) >= 0 or exit(125);
    syscall($sys{close}, $fd);
    $0 = "supervisor.pl $args[0]";
    @ARGV = @args;
    if ($preloaded) {
      no strict 'refs';
      eval { &{"main::$entry"}(); };
      if ($@) { print STDERR $@; exit(1); }
      exit(0);
    }
    -r $script or do { print STDERR "cannot read $script: $!\n"; exit(127); };
    do $script;
    if ($@) { print STDERR $@; exit(1); }
    exit(0);
  }
  print "started $id $pid\\n";
}

my $buf = '';
while (1) {
  reap();
  my $rin = '';
  vec($rin, fileno(STDIN), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, 1);
  reap();
  next unless $n && $n > 0;
  my $got = sysread(STDIN, $buf, 1 << 20, length $buf);
  last unless $got;
  while ($buf =~ /^(\\d+)\\n/) {
    my ($len, $head) = ($1, length($1) + 1);
    last if length($buf) < $head + $len;
    my $request = substr($buf, $head, $len);
    substr($buf, 0, $head + $len, '');
    launch($request);
  }
}
`;
