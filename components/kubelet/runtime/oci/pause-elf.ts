// The pause image's program for an OCI container with a host-tools rootfs: upstream's pause
// (kubernetes/build/pause/linux/pause.c) as a ~330-byte static ELF: SIGTERM/SIGINT exit 0, SIGCHLD
// reaps every child, otherwise it waits in the kernel. One exec, no loader, no second process.

/**
 * Machine code, position independent; the sigaction struct lives on the stack. Assembled with
 * `llvm-mc -filetype=obj` from the source beside each byte group (AT&T syntax for x86-64).
 * struct kernel_sigaction { handler; flags = SA_RESTORER; restorer; mask = 0 } at sp.
 */
const x64Code = [
  "4883ec20", // sub $32, %rsp
  "488d058a000000", // lea restorer(%rip), %rax
  "4889442410", // mov %rax, 16(%rsp)
  "48c744240800000004", // movq $0x04000000, 8(%rsp)   SA_RESTORER
  "48c744241800000000", // movq $0, 24(%rsp)            empty mask
  "488d0547000000", // lea do_exit(%rip), %rax
  "48890424", // mov %rax, (%rsp)
  "bf0f000000", // mov $15, %edi                      SIGTERM
  "4889e6", // mov %rsp, %rsi
  "31d2", // xor %edx, %edx
  "41ba08000000", // mov $8, %r10d
  "b80d000000", // mov $13, %eax                      rt_sigaction
  "0f05", // syscall
  "bf02000000", // mov $2, %edi                       SIGINT
  "b80d000000", // mov $13, %eax
  "0f05", // syscall
  "488d0522000000", // lea on_chld(%rip), %rax
  "48890424", // mov %rax, (%rsp)
  "bf11000000", // mov $17, %edi                      SIGCHLD
  "b80d000000", // mov $13, %eax
  "0f05", // syscall
  "b822000000", // wait: mov $34, %eax                pause
  "0f05", // syscall
  "ebf7", // jmp wait
  "31ff", // do_exit: xor %edi, %edi
  "b8e7000000", // mov $231, %eax                     exit_group(0)
  "0f05", // syscall
  "bfffffffff", // on_chld: mov $-1, %edi
  "31f6", // xor %esi, %esi
  "ba01000000", // mov $1, %edx                       WNOHANG
  "4531d2", // xor %r10d, %r10d
  "b83d000000", // mov $61, %eax                      wait4
  "0f05", // syscall
  "4885c0", // test %rax, %rax
  "7fe5", // jg on_chld
  "c3", // ret
  "b80f000000", // restorer: mov $15, %eax            rt_sigreturn
  "0f05", // syscall
];

const arm64Code = [
  "ff8300d1", // sub sp, sp, #32
  "89040010", // adr x9, restorer
  "e90b00f9", // str x9, [sp, #16]
  "0980a0d2", // mov x9, #0x04000000                   SA_RESTORER
  "e90700f9", // str x9, [sp, #8]
  "ff0f00f9", // str xzr, [sp, #24]                    empty mask
  "69020010", // adr x9, do_exit
  "e90300f9", // str x9, [sp]
  "e00180d2", // mov x0, #15                           SIGTERM
  "e1030091", // mov x1, sp
  "020080d2", // mov x2, #0
  "030180d2", // mov x3, #8
  "c81080d2", // mov x8, #134                          rt_sigaction
  "010000d4", // svc #0
  "400080d2", // mov x0, #2                            SIGINT
  "010000d4", // svc #0
  "89010010", // adr x9, on_chld
  "e90300f9", // str x9, [sp]
  "200280d2", // mov x0, #17                           SIGCHLD
  "010000d4", // svc #0
  "e0630091", // wait: add x0, sp, #24                 the empty mask
  "010180d2", // mov x1, #8
  "a81080d2", // mov x8, #133                          rt_sigsuspend
  "010000d4", // svc #0
  "fcffff17", // b wait
  "000080d2", // do_exit: mov x0, #0
  "c80b80d2", // mov x8, #94                           exit_group(0)
  "010000d4", // svc #0
  "00008092", // on_chld: mov x0, #-1
  "010080d2", // mov x1, #0
  "220080d2", // mov x2, #1                            WNOHANG
  "030080d2", // mov x3, #0
  "882080d2", // mov x8, #260                          wait4
  "010000d4", // svc #0
  "1f0000f1", // cmp x0, #0
  "2cffff54", // b.gt on_chld
  "c0035fd6", // ret
  "681180d2", // restorer: mov x8, #139                rt_sigreturn
  "010000d4", // svc #0
];

const machines: Record<string, { machine: number; code: string[] }> = {
  x64: { machine: 62, code: x64Code },
  arm64: { machine: 183, code: arm64Code },
};

const BASE = 0x400000n;
const EHDR = 64;
const PHDR = 56;

/** The pause program as an ELF64 executable for `arch` (process.arch names), or undefined. */
export function pauseElf(arch: string = process.arch): Uint8Array | undefined {
  const target = machines[arch];
  if (target === undefined) return undefined;
  const code = Buffer.from(target.code.join(""), "hex");
  const start = EHDR + 2 * PHDR;
  const elf = Buffer.alloc(start + code.length);
  // ELF header: 64-bit, little endian, version 1, System V ABI, ET_EXEC.
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
  elf.writeUInt16LE(2, 16);
  elf.writeUInt16LE(target.machine, 18);
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BASE + BigInt(start), 24); // e_entry
  elf.writeBigUInt64LE(BigInt(EHDR), 32); // e_phoff
  elf.writeUInt16LE(EHDR, 52);
  elf.writeUInt16LE(PHDR, 54);
  elf.writeUInt16LE(2, 56); // e_phnum
  // PT_LOAD: the whole file, read + execute.
  elf.writeUInt32LE(1, EHDR);
  elf.writeUInt32LE(5, EHDR + 4);
  elf.writeBigUInt64LE(BASE, EHDR + 16);
  elf.writeBigUInt64LE(BASE, EHDR + 24);
  elf.writeBigUInt64LE(BigInt(elf.length), EHDR + 32);
  elf.writeBigUInt64LE(BigInt(elf.length), EHDR + 40);
  elf.writeBigUInt64LE(0x1000n, EHDR + 48);
  // PT_GNU_STACK: a stack that is not executable.
  elf.writeUInt32LE(0x6474e551, EHDR + PHDR);
  elf.writeUInt32LE(6, EHDR + PHDR + 4);
  elf.writeBigUInt64LE(16n, EHDR + PHDR + 48);
  elf.set(code, start);
  return elf;
}
