// The exec entry script (a constant Perl script, no modules): joins a running container's cgroups
// and namespaces, takes its user, cwd and exact env, then execs the command (nsenter+setpriv+env in one).

/**
 * Usage: `perl enter.pl <syscalls> <pid> <cgroupDirs ":"-joined> <workingDir> <uid> <gid> <tty 0|1>
 * <m> (<K=V>){m} -- <argv>` (empty strings for what is unset; `syscalls` from linux-syscalls.ts;
 * no pid: stay in the host's namespaces). tty merges stderr into stdout (there is no pty). A command
 * that cannot run exits 127 (126 when not permitted), as `env` reports it.
 */
export const enterScript = `#!/usr/bin/perl
use strict;

my ($sys, $pid, $cgroups, $wd, $uid, $gid, $tty, $nenv, @rest) = @ARGV;
my %sys;
@sys{qw(setsid setns unshare mount setgroups setresgid setresuid clock_gettime exit_group)} = split /:/, $sys // '';
my @env = splice(@rest, 0, $nenv // 0);
my ($sep, @argv) = @rest;
die "usage: enter.pl syscalls pid cgroups wd uid gid tty m env -- argv\\n" unless defined $sep && $sep eq '--' && @argv;
for my $cg (grep { length } split /:/, $cgroups) {
  if (open(my $fh, '>', "$cg/cgroup.procs")) { print $fh "$$\\n"; close $fh; }
}
if ($pid ne '') {
  # Open every namespace first (/proc is the host's until the mount namespace changes), as nsenter does.
  my @ns;
  for my $kind (qw(uts net mnt)) {
    open(my $fh, '<', "/proc/$pid/ns/$kind") or die "cannot open the $kind namespace of pid $pid: $!\\n";
    push @ns, [$kind, $fh];
  }
  for (@ns) {
    syscall($sys{setns}, fileno($_->[1]), 0) == 0 or die "cannot enter the $_->[0] namespace of pid $pid: $!\\n";
    close($_->[1]);
  }
}
if ($wd ne '') { chdir($wd) or die "cannot enter $wd: $!\\n"; }
if ($uid ne '' || $gid ne '') {
  syscall($sys{setgroups}, 0, undef) == 0 or die "cannot clear the supplementary groups: $!\\n";
  if ($gid ne '') { my $g = $gid + 0; syscall($sys{setresgid}, $g, $g, $g) == 0 or die "cannot set group $gid: $!\\n"; }
  if ($uid ne '') { my $u = $uid + 0; syscall($sys{setresuid}, $u, $u, $u) == 0 or die "cannot set user $uid: $!\\n"; }
}
open(STDERR, '>&', \\*STDOUT) or die "cannot merge stderr: $!\\n" if $tty;
%ENV = ();
for my $pair (@env) {
  my ($name, $value) = split /=/, $pair, 2;
  $ENV{$name} = $value if length $name;
}
exec { $argv[0] } @argv;
my $denied = $!{EACCES};
print STDERR "exec: $argv[0]: $!\\n";
exit($denied ? 126 : 127);
`;
