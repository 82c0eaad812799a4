package io.sextant.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What this build is, as {@code /api/v1/status/buildinfo} and {@code sextant_build_info} report it, from the
 * Maven build. The git revision and branch are known when {@code bin/sextant} built the jar, else {@code
 * unknown}.
 */
public record BuildInfo(
        String version, String revision, String branch, String buildUser, String buildDate, String javaVersion) {
    public BuildInfo {
        requireNonNull(version, "version is null");
        requireNonNull(revision, "revision is null");
        requireNonNull(branch, "branch is null");
        requireNonNull(buildUser, "buildUser is null");
        requireNonNull(buildDate, "buildDate is null");
        requireNonNull(javaVersion, "javaVersion is null");
    }

    /** The build of the running classes. */
    public static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build.properties", e);
        }
        return new BuildInfo(
                p.getProperty("version", "unknown"),
                p.getProperty("revision", "unknown"),
                p.getProperty("branch", "unknown"),
                p.getProperty("buildUser", "unknown"),
                p.getProperty("buildDate", "unknown"),
                "java" + Runtime.version());
    }
}
