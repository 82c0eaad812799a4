package io.sextant.server;

import io.sextant.server.config.ConfigException;
import io.sextant.server.config.ConfigLoader;
import io.sextant.server.config.SextantConfig;
import io.sextant.storage.head.MetricsStore;
import io.sextant.storage.telemetry.Telemetry;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sextant [flags]}: reads the configuration, then starts the HTTP server before replaying the WAL, so
 * {@code /-/healthy} answers during a long replay while {@code /-/ready} says 503 until it is done. SIGTERM and
 * SIGINT stop it gracefully. Exit status 2 for a bad command line or configuration, 1 when startup fails.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ConfigLoader.Command command;
        try {
            command = ConfigLoader.parse(List.of(args));
        } catch (ConfigException e) {
            System.err.println("sextant: " + e.getMessage());
            System.err.println("Run 'sextant --help' for the flags.");
            System.exit(2);
            return;
        }
        if (command instanceof ConfigLoader.Help help) {
            System.out.print(help.text());
        } else if (command instanceof ConfigLoader.ShowVersion) {
            BuildInfo b = BuildInfo.current();
            System.out.println("sextant " + b.version() + " (revision " + b.revision() + ", branch " + b.branch()
                    + ", built " + b.buildDate() + ", " + b.javaVersion() + ")");
        } else if (command instanceof ConfigLoader.PrintConfig print) {
            System.out.print(print.yaml());
        } else if (command instanceof ConfigLoader.Run run) {
            configureLogging(run.config().logLevel());
            try {
                start(run);
            } catch (Throwable t) {
                LoggerFactory.getLogger(Main.class).error("startup failed", t);
                System.exit(1);
            }
        }
    }

    /** slf4j-simple reads its settings once, when the first logger is created: this must run before that. */
    private static void configureLogging(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
        // Jetty's info lines (versions, connector start) add nothing to Sextant's own
        if (!level.equals("debug") && !level.equals("trace")) {
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
            // parquet-java logs every codec it borrows from its pool
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.hadoop", "warn");
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.parquet", "warn");
        }
    }

    private static void start(ConfigLoader.Run run) throws Exception {
        Logger log = LoggerFactory.getLogger(Main.class);
        SextantConfig config = run.config();
        BuildInfo build = BuildInfo.current();
        log.info(
                "starting Sextant {} (revision {}, {}), config {}",
                build.version(),
                build.revision(),
                build.javaVersion(),
                run.configFile().map(Object::toString).orElse("none (defaults and flags)"));
        Telemetry telemetry = new Telemetry();
        MetricsStore store = MetricsStore.open(config.storage(), telemetry);
        Sextant sextant;
        try {
            sextant = new Sextant(config, store, telemetry, build);
            Runtime.getRuntime().addShutdownHook(new Thread(sextant::close, "shutdown"));
            sextant.startHttp();
        } catch (Throwable t) {
            store.close();
            throw t;
        }
        log.info(
                "Sextant {} listening on {}:{}, data dir {}, WAL sync {}",
                build.version(),
                config.http().address(),
                sextant.port(),
                config.storage().dataDir().toAbsolutePath(),
                config.storage().walSync().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        sextant.replay();
        sextant.startBackgroundJobs();
    }
}
