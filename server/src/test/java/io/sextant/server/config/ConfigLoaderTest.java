package io.sextant.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sextant.ingest.IngestLimits;
import io.sextant.promql.eval.EngineOptions;
import io.sextant.promql.parser.ParserOptions;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    /** A valid value for every option that differs from its default. */
    private static final Map<Option, String> OTHER_VALUES = Map.ofEntries(
            Map.entry(Option.DATA_DIR, "/var/lib/sextant"),
            Map.entry(Option.HTTP_ADDRESS, "127.0.0.1"),
            Map.entry(Option.HTTP_PORT, "9999"),
            Map.entry(Option.SHUTDOWN_TIMEOUT, "30s"),
            Map.entry(Option.WAL_SYNC, "batch-interval"),
            Map.entry(Option.WAL_SYNC_INTERVAL, "250ms"),
            Map.entry(Option.WAL_SEGMENT_SIZE, "32MiB"),
            Map.entry(Option.OUT_OF_ORDER_WINDOW, "1h"),
            Map.entry(Option.RETENTION, "30d"),
            Map.entry(Option.RETENTION_5M, "180d"),
            Map.entry(Option.RETENTION_1H, "2y"),
            Map.entry(Option.TENANT_RETENTION, "acme:raw=7d,1h=2y;beta:5m=30d"),
            Map.entry(Option.OBJECT_STORE_TYPE, "s3"),
            Map.entry(Option.OBJECT_STORE_LOCAL_DIR, "/srv/objects"),
            Map.entry(Option.OBJECT_STORE_S3_ENDPOINT, "http://127.0.0.1:9000"),
            Map.entry(Option.OBJECT_STORE_S3_REGION, "eu-west-1"),
            Map.entry(Option.OBJECT_STORE_S3_BUCKET, "metrics"),
            Map.entry(Option.OBJECT_STORE_S3_PREFIX, "sextant/prod"),
            Map.entry(Option.OBJECT_STORE_S3_PATH_STYLE, "false"),
            Map.entry(Option.OBJECT_STORE_S3_ACCESS_KEY, "AKIAEXAMPLE"),
            Map.entry(Option.OBJECT_STORE_S3_SECRET_KEY, "wJalrXUtnFEMI"),
            Map.entry(Option.OBJECT_STORE_CACHE_MAX_SIZE, "8GiB"),
            Map.entry(Option.MAX_FUTURE, "5m"),
            Map.entry(Option.CHECKPOINT_WAL_SIZE, "512MiB"),
            Map.entry(Option.MAX_EXEMPLARS_PER_TENANT, "0"),
            Map.entry(Option.FLUSH_INTERVAL, "5m"),
            Map.entry(Option.HEAD_MAX_MEMORY, "1GiB"),
            Map.entry(Option.MAX_BODY_SIZE, "10MB"),
            Map.entry(Option.MAX_DECOMPRESSED_SIZE, "100MB"),
            Map.entry(Option.MAX_LABELS_PER_SERIES, "32"),
            Map.entry(Option.MAX_LABEL_NAME_LENGTH, "200"),
            Map.entry(Option.MAX_LABEL_VALUE_LENGTH, "2048"),
            Map.entry(Option.MAX_SAMPLES_PER_REQUEST, "5000"),
            Map.entry(Option.QUERY_LOOKBACK_DELTA, "1m"),
            Map.entry(Option.QUERY_MAX_SAMPLES, "1000"),
            Map.entry(Option.QUERY_TIMEOUT, "30s"),
            Map.entry(Option.QUERY_MAX_CONCURRENCY, "4"),
            Map.entry(Option.ENABLE_FEATURE, "promql-experimental-functions,promql-delayed-name-removal"),
            Map.entry(Option.SELF_SCRAPE_INTERVAL, "0"),
            Map.entry(Option.LOG_LEVEL, "debug"));

    private static SextantConfig run(String... args) throws ConfigException {
        ConfigLoader.Command c = ConfigLoader.parse(List.of(args));
        assertThat(c).isInstanceOf(ConfigLoader.Run.class);
        return ((ConfigLoader.Run) c).config();
    }

    private static String[] with(List<String> extra, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(extra);
        return all.toArray(String[]::new);
    }

    private Path yaml(String text) throws IOException {
        Path f = dir.resolve("sextant.yml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void defaultsAreTheModulesDefaults() throws ConfigException {
        SextantConfig c = run();
        assertThat(c.http()).isEqualTo(new SextantConfig.Http("0.0.0.0", 9555, Duration.ofSeconds(10)));
        assertThat(c.storage()).isEqualTo(StoreOptions.defaults(Path.of("./data")));
        assertThat(c.ingest()).isEqualTo(IngestLimits.DEFAULTS);
        assertThat(c.query())
                .isEqualTo(new SextantConfig.Query(
                        Duration.ofMinutes(5), 50_000_000, Duration.ofMinutes(2), 20, Set.of()));
        assertThat(c.query().engineOptions()).isEqualTo(EngineOptions.DEFAULTS);
        assertThat(c.query().parserOptions()).isEqualTo(ParserOptions.DEFAULT);
        assertThat(c.selfScrapeInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.logLevel()).isEqualTo("info");
    }

    @Test
    void everyOptionHasAUniqueFlagAndKeyAndIsInTheHelp() {
        Set<String> flags = new HashSet<>();
        Set<String> keys = new HashSet<>();
        String help = ConfigLoader.help();
        for (Option o : Option.values()) {
            assertThat(flags.add(o.flag)).as(o.flag).isTrue();
            assertThat(keys.add(o.key)).as(o.key).isTrue();
            // dotted like Prometheus' own flags where Sextant takes them over (--query.timeout)
            assertThat(o.flag).matches("--[a-z0-9-]+(\\.[a-z0-9-]+)*");
            assertThat(o.key).matches("[a-z0-9-]+(\\.[a-z0-9-]+)+");
            assertThat(help)
                    .contains("  " + o.flag + " " + o.metavar + "\n")
                    .contains("Config key: " + o.key + ".")
                    .contains("Default: " + o.defaultValue);
        }
        assertThat(help).contains("--config FILE", "--print-config", "--help", "--version");
        assertThat(OTHER_VALUES).containsOnlyKeys(Option.values());
    }

    @Test
    void everyOptionIsSetByItsFlagAndByItsKey() throws Exception {
        SextantConfig defaults = run();
        for (Option o : Option.values()) {
            String value = OTHER_VALUES.get(o);
            // an S3 store is refused without its bucket; the bucket alone changes nothing while the type is local
            List<String> needs = o == Option.OBJECT_STORE_TYPE
                    ? List.of(Option.OBJECT_STORE_S3_BUCKET.flag, OTHER_VALUES.get(Option.OBJECT_STORE_S3_BUCKET))
                    : List.of();
            SextantConfig byFlag = run(with(needs, o.flag, value));
            SextantConfig byFlagEquals = run(with(needs, o.flag + "=" + value));
            SextantConfig byKey =
                    run(with(needs, "--config", yaml(nested(o.key, value)).toString()));
            assertThat(byFlag)
                    .as(o.flag)
                    .isNotEqualTo(run(with(needs)))
                    .isEqualTo(byFlagEquals)
                    .isEqualTo(byKey);
        }
    }

    @Test
    void objectStoreSettingsAreCheckedWithTheKeyAtFaultAndTheSecretIsNeverPrinted() throws Exception {
        Path data = Path.of("/var/lib/sextant");
        assertThat(run().objectStore().toConfig(data).localDir()).isEqualTo(data.resolve("objects"));
        assertThat(run().objectStore().toConfig(data).cacheDir()).isEqualTo(data.resolve("cache"));
        // refused when the configuration is read, before anything is opened (Main exits with status 2)
        assertThatThrownBy(() -> run("--object-store.type", "s3"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("object-store.s3.bucket");
        assertThatThrownBy(() -> run("--object-store.type", "gcs"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("object-store.type");
        assertThatThrownBy(() -> run(
                        "--object-store.type", "s3",
                        "--object-store.s3.bucket", "metrics",
                        "--object-store.s3.endpoint", "http://[broken"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("object-store.s3.endpoint");
        SextantConfig s3 = run(
                "--object-store.type", "s3",
                "--object-store.s3.bucket", "metrics",
                "--object-store.s3.endpoint", "http://127.0.0.1:9000",
                "--object-store.s3.access-key", "AKIAEXAMPLE",
                "--object-store.s3.secret-key", "wJalrXUtnFEMI");
        assertThat(s3.objectStore().toConfig(data).s3().bucket()).isEqualTo("metrics");
        assertThat(s3.objectStore().toConfig(data).s3().secretKey()).isEqualTo("wJalrXUtnFEMI");
        assertThat(s3.toString()).doesNotContain("wJalrXUtnFEMI");
        ConfigLoader.Command printed =
                ConfigLoader.parse(List.of("--object-store.s3.secret-key", "wJalrXUtnFEMI", "--print-config"));
        assertThat(((ConfigLoader.PrintConfig) printed).yaml())
                .doesNotContain("wJalrXUtnFEMI")
                .contains("secret-key: <hidden>");
        assertThatThrownBy(() -> run("--object-store.s3.path-style", "yes")).hasMessageContaining("path-style");
    }

    @Test
    void featuresArePrometheusNamesAndRepeatedFlagsAddUp() throws Exception {
        SextantConfig c = run(
                "--enable-feature",
                "promql-experimental-functions",
                "--enable-feature=promql-extended-range-selectors,promql-binop-fill-modifiers",
                "--enable-feature",
                "promql-delayed-name-removal,promql-duration-expr");
        assertThat(c.query().parserOptions()).isEqualTo(ParserOptions.ALL);
        assertThat(c.query().engineOptions().delayedNameRemoval()).isTrue();
        assertThat(run("--enable-feature", "none").query().features()).isEmpty();
        assertThat(run(
                                "--config",
                                yaml("query:\n  enable-feature: promql-experimental-functions\n")
                                        .toString())
                        .query()
                        .features())
                .containsExactly(QueryFeature.EXPERIMENTAL_FUNCTIONS);
        assertThatThrownBy(() -> run("--enable-feature", "promql-experimental-functions,exemplar-storage"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value \"promql-experimental-functions,exemplar-storage\" for flag --enable-feature"
                        + " (config key query.enable-feature): unknown feature \"exemplar-storage\", expected"
                        + " promql-experimental-functions, promql-delayed-name-removal, promql-extended-range-selectors,"
                        + " promql-binop-fill-modifiers, promql-duration-expr");
        assertThatThrownBy(() -> run("--query.max-concurrency", "0"))
                .hasMessageContaining("--query.max-concurrency")
                .hasMessageEndingWith("must be at least 1");
        assertThatThrownBy(() -> run("--query.timeout", "0")).hasMessageEndingWith("must be greater than 0");
    }

    @Test
    void flagsOverrideTheFileWhichOverridesDefaults() throws Exception {
        Path f = yaml("""
                http:
                  port: 1234
                  address: 127.0.0.1
                storage:
                  retention: 30d
                  wal:
                    sync: batch-interval
                    segment-size: 64MiB
                """);
        SextantConfig c = run("--config", f.toString(), "--http-port", "4321", "--retention=2d");
        assertThat(c.http().port()).isEqualTo(4321);
        assertThat(c.http().address()).isEqualTo("127.0.0.1");
        assertThat(c.storage().retention()).isEqualTo(Duration.ofDays(2));
        assertThat(c.storage().walSync()).isEqualTo(WalOptions.SyncPolicy.BATCH_INTERVAL);
        assertThat(c.storage().walSegmentBytes()).isEqualTo(64L << 20);
        assertThat(c.storage().walSyncInterval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void printConfigRoundTripsThroughTheFile() throws Exception {
        List<String> args = new ArrayList<>();
        OTHER_VALUES.forEach((o, v) -> {
            args.add(o.flag);
            args.add(v);
        });
        SextantConfig fromFlags = run(args.toArray(String[]::new));
        args.add("--print-config");
        ConfigLoader.Command c = ConfigLoader.parse(args);
        assertThat(c).isInstanceOf(ConfigLoader.PrintConfig.class);
        String printed = ((ConfigLoader.PrintConfig) c).yaml();
        assertThat(printed).contains("retention: 30d", "segment-size: 32MiB", "sync: batch-interval");
        // secrets are printed masked; put the one back and everything round-trips
        String secret = OTHER_VALUES.get(Option.OBJECT_STORE_S3_SECRET_KEY);
        assertThat(printed).contains("secret-key: <hidden>").doesNotContain(secret);
        String restored = printed.replace("secret-key: <hidden>", "secret-key: " + secret);
        assertThat(run("--config", yaml(restored).toString())).isEqualTo(fromFlags);
    }

    @Test
    void rawRetentionMustOutliveTheWindowThatIsRolledUp() throws ConfigException {
        assertThatThrownBy(() -> run("--retention", "2h"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "storage.retention (2h) must be at least the 2h compaction window plus"
                                + " storage.out-of-order-window (2h10m): raw blocks would be deleted before they are rolled up");
        assertThatThrownBy(() -> run("--ooo-window", "6h", "--retention", "7h"))
                .hasMessageContaining("storage.retention (7h)")
                .hasMessageContaining("(8h)");
        assertThatThrownBy(() -> run("--tenant-retention", "acme:raw=90m"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("storage.tenant-retention for tenant acme: raw (1h30m)");
        assertThat(run("--retention", "3h").retention().retention("any", RetentionPolicy.Tier.RAW))
                .isEqualTo(Duration.ofHours(3));
        assertThat(run("--tenant-retention", "acme:5m=1h")
                        .retention()
                        .retention("acme", RetentionPolicy.Tier.FIVE_MINUTES))
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badFlagValuesNameTheFlagAndKey() {
        assertThatThrownBy(() -> run("--http-port", "abc"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid value \"abc\" for flag --http-port (config key http.port): not an integer");
        assertThatThrownBy(() -> run("--retention", "15 days"))
                .hasMessageStartingWith(
                        "invalid value \"15 days\" for flag --retention (config key storage.retention): "
                                + "not a duration");
        assertThatThrownBy(() -> run("--retention", "0")).hasMessageEndingWith("must be greater than 0");
        assertThatThrownBy(() -> run("--wal-sync", "sometimes"))
                .hasMessageEndingWith("expected fsync or batch-interval");
        assertThatThrownBy(() -> run("--wal-segment-size", "1KiB")).hasMessageEndingWith("must be at least 4KiB");
        assertThatThrownBy(() -> run("--max-body-size", "4GiB")).hasMessageContaining("--max-body-size");
        assertThatThrownBy(() -> run("--max-body-size", "12XB")).hasMessageContaining("unknown size unit \"XB\"");
        assertThatThrownBy(() -> run("--max-labels-per-series", "0")).hasMessageEndingWith("must be at least 1");
        assertThatThrownBy(() -> run("--http-port", "70000")).hasMessageEndingWith("port out of range 0-65535");
        assertThatThrownBy(() -> run("--log-level", "loud"))
                .hasMessageEndingWith("expected one of trace, debug, info, warn, error");
    }

    @Test
    void badFileValuesNameTheKeyAndFile() throws IOException {
        Path f = yaml("http:\n  port: abc\n");
        assertThatThrownBy(() -> run("--config", f.toString()))
                .hasMessage("invalid value \"abc\" for config key http.port in " + f + ": not an integer");
    }

    @Test
    void unknownKeysAndFlagsAreErrorsWithSuggestions() throws IOException {
        Path f = yaml("http:\n  prot: 1\n");
        assertThatThrownBy(() -> run("--config", f.toString()))
                .hasMessage("unknown config key http.prot in " + f + " (did you mean http.port?)");
        Path g = yaml("storage:\n  wal:\n    fsync: true\n");
        assertThatThrownBy(() -> run("--config", g.toString()))
                .hasMessageStartingWith("unknown config key storage.wal.fsync");
        Path h = yaml("http: 9555\n");
        assertThatThrownBy(() -> run("--config", h.toString())).hasMessageStartingWith("unknown config key http in");
        Path i = yaml("http:\n  port:\n    value: 1\n");
        assertThatThrownBy(() -> run("--config", i.toString()))
                .hasMessage("config key http.port in " + i + " needs a single value, not a mapping");
        assertThatThrownBy(() -> run("--http-prot", "1"))
                .hasMessage("unknown flag --http-prot (did you mean --http-port?); see --help");
        assertThatThrownBy(() -> run("--http-port")).hasMessage("flag --http-port needs a value");
        assertThatThrownBy(() -> run("serve")).hasMessage("unexpected argument \"serve\": flags start with --");
    }

    @Test
    void fileProblemsAreReported() throws Exception {
        assertThatThrownBy(() -> run("--config", dir.resolve("missing.yml").toString()))
                .hasMessageEndingWith("missing.yml does not exist");
        Path bad = yaml("http: [\n");
        assertThatThrownBy(() -> run("--config", bad.toString())).hasMessageContaining("is not valid YAML at line");
        Path empty = yaml("");
        assertThat(run("--config", empty.toString())).isEqualTo(run());
        Path list = yaml("- a\n");
        assertThatThrownBy(() -> run("--config", list.toString())).hasMessageContaining("must hold a mapping");
    }

    @Test
    void helpAndVersionWinOverEverythingElse() throws ConfigException {
        assertThat(ConfigLoader.parse(List.of("--bogus", "--help"))).isInstanceOf(ConfigLoader.Help.class);
        assertThat(ConfigLoader.parse(List.of("-h"))).isInstanceOf(ConfigLoader.Help.class);
        assertThat(ConfigLoader.parse(List.of("--version"))).isInstanceOf(ConfigLoader.ShowVersion.class);
    }

    private static String nested(String key, String value) {
        List<String> parts = Arrays.asList(key.split("\\."));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            sb.append("  ".repeat(i)).append(parts.get(i)).append(':');
            sb.append(i == parts.size() - 1 ? " \"" + value + "\"\n" : "\n");
        }
        return sb.toString();
    }
}
