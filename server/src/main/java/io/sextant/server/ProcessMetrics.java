package io.sextant.server;

import io.sextant.storage.telemetry.Telemetry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process and JVM metrics Prometheus' client libraries export under the same names, plus {@code
 * sextant_build_info}. Values are read when {@code /metrics} is rendered. {@code process_cpu_seconds_total} is
 * exposed with TYPE gauge: {@link Telemetry} has no counter read from a callback.
 */
final class ProcessMetrics {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final Path PROC_FDS = Path.of("/proc/self/fd");

    private ProcessMetrics() {}

    static void register(Telemetry telemetry, BuildInfo build) {
        telemetry.gauge(
                "sextant_build_info",
                "A metric with a constant '1' value labeled by version, revision, branch and Java version.",
                () -> 1,
                "version",
                build.version(),
                "revision",
                build.revision(),
                "branch",
                build.branch(),
                "javaversion",
                build.javaVersion());
        long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        telemetry.gauge(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
                () -> startMillis / 1000.0);
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sunOs) {
            telemetry.gauge(
                    "process_cpu_seconds_total",
                    "Total user and system CPU time spent in seconds.",
                    () -> sunOs.getProcessCpuTime() / 1e9);
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            telemetry.gauge("process_open_fds", "Number of open file descriptors.", unix::getOpenFileDescriptorCount);
            telemetry.gauge(
                    "process_max_fds", "Maximum number of open file descriptors.", unix::getMaxFileDescriptorCount);
        } else if (Files.isDirectory(PROC_FDS)) {
            telemetry.gauge("process_open_fds", "Number of open file descriptors.", ProcessMetrics::countFds);
        }
        if (Files.isReadable(PROC_STATUS)) {
            telemetry.gauge(
                    "process_resident_memory_bytes", "Resident memory size in bytes.", ProcessMetrics::residentBytes);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        String help = "Used bytes of a given JVM memory area.";
        telemetry.gauge(
                "jvm_memory_used_bytes", help, () -> memory.getHeapMemoryUsage().getUsed(), "area", "heap");
        telemetry.gauge(
                "jvm_memory_used_bytes",
                help,
                () -> memory.getNonHeapMemoryUsage().getUsed(),
                "area",
                "nonheap");
    }

    /** VmRSS of /proc/self/status (in kB there), NaN if it cannot be read. */
    private static double residentBytes() {
        try {
            List<String> lines = Files.readAllLines(PROC_STATUS);
            for (String line : lines) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static double countFds() {
        try (var files = Files.list(PROC_FDS)) {
            return files.count();
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
