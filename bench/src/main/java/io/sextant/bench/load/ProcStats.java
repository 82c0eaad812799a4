package io.sextant.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a process from Linux' /proc. */
public final class ProcStats {
    private ProcStats() {}

    private static long clockTick = -1;

    /** Clock ticks per second, from {@code getconf CLK_TCK} (100 on nearly every Linux). */
    static synchronized long clockTick() {
        if (clockTick < 0) {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK")
                        .redirectErrorStream(true)
                        .start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                p.waitFor();
                clockTick = Long.parseLong(out);
            } catch (IOException | InterruptedException | NumberFormatException e) {
                throw new IllegalStateException("cannot run getconf CLK_TCK", e);
            }
        }
        return clockTick;
    }

    /** utime + stime of the process (all its threads) in microseconds. */
    public static long cpuMicros(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.US_ASCII);
            // the command name is in parentheses and may contain spaces: fields start after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // after ')' come field 3 (state) onwards; utime is field 14, stime field 15
            long utime = Long.parseLong(f[14 - 3]);
            long stime = Long.parseLong(f[15 - 3]);
            return (utime + stime) * 1_000_000L / clockTick();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat (is the process running?)", e);
        }
    }

    /** A field of /proc/PID/status in kB (VmRSS, VmHWM), or -1. */
    static long statusKb(String pid, String field) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc", pid, "status"), StandardCharsets.US_ASCII)) {
                if (l.startsWith(field + ":")) {
                    String v = l.substring(field.length() + 1).trim();
                    return Long.parseLong(v.split("\\s+")[0]);
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Busy CPU time of the whole machine (all cores, everything but idle and iowait) in microseconds. */
    public static long machineBusyMicros() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)
                    .get(0);
            String[] f = first.trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest is inside user
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 1_000_000L / clockTick();
        } catch (IOException e) {
            return -1;
        }
    }

    static boolean alive(String pid) {
        return Files.exists(Path.of("/proc", pid, "stat"));
    }

    public static String selfPid() {
        return Long.toString(ProcessHandle.current().pid());
    }
}
