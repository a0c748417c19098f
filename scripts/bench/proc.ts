// Process and machine facts from /proc: which workerd belongs to which Miniflare, and its CPU time.
import { execSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const TICKS_PER_SECOND = Number(execSync("getconf CLK_TCK").toString().trim()) || 100;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  cpuSeconds: number;
}

function readStat(pid: number, path = `/proc/${pid}/stat`): ProcStat | null {
  try {
    const text = readFileSync(path, "utf8");
    // comm is in parentheses and may hold spaces: split after the last ')'.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const rest = text.slice(close + 2).split(" ");
    // rest[0] = state (field 3); utime = field 14, stime = field 15 → rest[11], rest[12].
    return { pid, comm, ppid: Number(rest[1]), cpuSeconds: (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** workerd processes started (directly or not) by this Node process. */
export function workerdPids(): number[] {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readStat(Number(d)))
    .filter((s): s is ProcStat => s !== null);
  const byPid = new Map(all.map((s) => [s.pid, s]));
  const mine = (s: ProcStat) => {
    for (let p: ProcStat | undefined = s; p; p = byPid.get(p.ppid)) if (p.pid === process.pid) return true;
    return false;
  };
  return all.filter((s) => s.comm === "workerd" && mine(s)).map((s) => s.pid);
}

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid: number): number {
  return readStat(pid)?.cpuSeconds ?? Number.NaN;
}

/** CPU seconds of each thread of a process, by thread id (is workerd's work on one thread?). */
export function threadCpuSeconds(pid: number): Map<string, number> {
  try {
    return new Map(
      readdirSync(`/proc/${pid}/task`).map((t) => [t, readStat(pid, `/proc/${pid}/task/${t}/stat`)?.cpuSeconds ?? 0]),
    );
  } catch {
    return new Map();
  }
}

export function machine() {
  const cpu = cpus()[0]?.model ?? "unknown";
  const nproc = execSync("nproc").toString().trim();
  const memGiB = (totalmem() / 2 ** 30).toFixed(1);
  return { nproc, cpu, memGiB, node: process.version, kernel: execSync("uname -r").toString().trim() };
}
