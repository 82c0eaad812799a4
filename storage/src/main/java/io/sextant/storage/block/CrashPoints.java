package io.sextant.storage.block;

/**
 * Named points in block publishing where a crash test can kill the process: the JVM halts at the point named
 * by the system property {@code sextant.crash.at}, as {@code kill -9} would stop it, without shutdown hooks
 * or buffered writes. Unset in production, where a check costs one field read.
 */
public final class CrashPoints {
    private static final String AT = System.getProperty("sextant.crash.at", "");

    private CrashPoints() {}

    public static void reach(String point) {
        if (!AT.isEmpty() && AT.equals(point)) {
            System.err.println("crash point reached: " + point);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
