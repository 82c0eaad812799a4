package io.sextant.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.sextant.ingest.IngestLimits;
import io.sextant.storage.RetentionPolicy;
import io.sextant.storage.SextantException;
import io.sextant.storage.block.Compactor;
import io.sextant.storage.head.StoreOptions;
import io.sextant.storage.text.Durations;
import io.sextant.storage.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the configuration: defaults, overridden by the YAML file given with {@code --config}, overridden by
 * the flags. Every setting has both a flag and a key ({@link Option}); an unknown key or flag and a bad value
 * are errors that name the key or flag.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private ConfigLoader() {}

    /** What the command line asks for. */
    public sealed interface Command permits Run, Help, PrintConfig, ShowVersion {}

    /** Start the server with this configuration. */
    public record Run(SextantConfig config, Optional<Path> configFile) implements Command {}

    /** Print the usage text. */
    public record Help(String text) implements Command {}

    /** Print the effective configuration as YAML. */
    public record PrintConfig(String yaml) implements Command {}

    /** Print the version. */
    public record ShowVersion() implements Command {}

    /** @throws ConfigException naming the flag, key or file that is wrong */
    public static Command parse(List<String> args) throws ConfigException {
        if (args.contains("--help") || args.contains("-h")) {
            return new Help(help());
        }
        Map<Option, String> flagValues = new EnumMap<>(Option.class);
        Path configFile = null;
        boolean printConfig = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--version")) {
                return new ShowVersion();
            }
            if (arg.equals("--print-config")) {
                printConfig = true;
                continue;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ConfigException("unexpected argument \"" + arg + "\": flags start with --");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            Option option = null;
            if (!name.equals("--config")) {
                option = byFlag(name);
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException("flag " + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (option == null) {
                configFile = Path.of(value);
            } else if (option.kind == Option.Kind.FEATURES && flagValues.containsKey(option)) {
                // Prometheus users repeat --enable-feature; the lists add up
                flagValues.put(option, flagValues.get(option) + "," + value);
            } else {
                flagValues.put(option, value);
            }
        }

        Map<Option, String> text = new EnumMap<>(Option.class);
        Map<Option, String> source = new EnumMap<>(Option.class);
        for (Option o : Option.values()) {
            text.put(o, o.defaultValue);
            source.put(o, "the default of " + o.key);
        }
        if (configFile != null) {
            readFile(configFile, text, source);
        }
        flagValues.forEach((o, v) -> {
            text.put(o, v);
            source.put(o, "flag " + o.flag + " (config key " + o.key + ")");
        });

        Map<Option, Object> values = new EnumMap<>(Option.class);
        for (Option o : Option.values()) {
            try {
                values.put(o, o.parse(text.get(o)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(
                        "invalid value \"" + text.get(o) + "\" for " + source.get(o) + ": " + e.getMessage());
            }
        }
        SextantConfig config = build(values);
        checkObjectStore(config);
        requireRollupsCanBeBuilt(config.retention(), config.storage().outOfOrderWindow());
        return printConfig ? new PrintConfig(toYaml(values)) : new Run(config, Optional.ofNullable(configFile));
    }

    private static Option byFlag(String flag) throws ConfigException {
        for (Option o : Option.values()) {
            if (o.flag.equals(flag)) {
                return o;
            }
        }
        throw new ConfigException("unknown flag " + flag + suggestion(flag, true) + "; see --help");
    }

    private static void readFile(Path file, Map<Option, String> text, Map<Option, String> source)
            throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr();
            throw new ConfigException(
                    "config file " + file + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + " must hold a mapping of keys, not a "
                    + root.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        flatten(file, "", root, text, source);
    }

    private static void flatten(
            Path file, String prefix, JsonNode node, Map<Option, String> text, Map<Option, String> source)
            throws ConfigException {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey();
            JsonNode value = f.getValue();
            Option option = byKey(key);
            if (value.isObject()) {
                if (option != null) {
                    throw new ConfigException(
                            "config key " + key + " in " + file + " needs a single value, not a mapping");
                }
                if (!isSection(key)) {
                    throw unknownKey(key, file);
                }
                flatten(file, key, value, text, source);
            } else if (option == null) {
                throw unknownKey(key, file);
            } else if (value.isArray()) {
                throw new ConfigException("config key " + key + " in " + file + " needs a single value, not a list");
            } else if (!value.isNull()) {
                text.put(option, value.asText());
                source.put(option, "config key " + key + " in " + file);
            }
        }
    }

    private static Option byKey(String key) {
        for (Option o : Option.values()) {
            if (o.key.equals(key)) {
                return o;
            }
        }
        return null;
    }

    private static boolean isSection(String key) {
        for (Option o : Option.values()) {
            if (o.key.startsWith(key + ".")) {
                return true;
            }
        }
        return false;
    }

    private static ConfigException unknownKey(String key, Path file) {
        return new ConfigException("unknown config key " + key + " in " + file + suggestion(key, false));
    }

    /** ", did you mean X?" for the closest flag or key, if it is close. */
    private static String suggestion(String given, boolean flag) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Option o : Option.values()) {
            String candidate = flag ? o.flag : o.key;
            int d = distance(given, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * The object store's settings only make sense together (an S3 type needs a bucket, an endpoint must be a
     * URI): checked here so that a bad combination is a configuration error, before anything is opened.
     */
    private static void checkObjectStore(SextantConfig config) throws ConfigException {
        try {
            config.objectStore().toConfig(config.storage().dataDir());
        } catch (SextantException | IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * The cold tier rolls up a 2h window once it is compacted, after the out-of-order window has passed its end;
     * raw blocks deleted before then would never reach the rollups. This is the floor, not a comfortable margin.
     */
    private static void requireRollupsCanBeBuilt(RetentionPolicy retention, Duration ooo) throws ConfigException {
        Duration floor = Duration.ofMillis(Compactor.WINDOWS[0]).plus(ooo);
        String why = " must be at least the 2h compaction window plus " + Option.OUT_OF_ORDER_WINDOW.key + " ("
                + Durations.format(floor) + "): raw blocks would be deleted before they are rolled up";
        Duration raw = retention.defaults().get(RetentionPolicy.Tier.RAW);
        if (raw.compareTo(floor) < 0) {
            throw new ConfigException(Option.RETENTION.key + " (" + Durations.format(raw) + ")" + why);
        }
        for (Map.Entry<String, Map<RetentionPolicy.Tier, Duration>> t :
                retention.tenants().entrySet()) {
            Duration d = t.getValue().get(RetentionPolicy.Tier.RAW);
            if (d != null && d.compareTo(floor) < 0) {
                throw new ConfigException(Option.TENANT_RETENTION.key + " for tenant " + t.getKey() + ": raw ("
                        + Durations.format(d) + ")" + why);
            }
        }
    }

    private static SextantConfig build(Map<Option, Object> v) {
        return new SextantConfig(
                new SextantConfig.Http(
                        (String) v.get(Option.HTTP_ADDRESS), (Integer) v.get(Option.HTTP_PORT), (Duration)
                                v.get(Option.SHUTDOWN_TIMEOUT)),
                new StoreOptions(
                        (Path) v.get(Option.DATA_DIR),
                        (WalOptions.SyncPolicy) v.get(Option.WAL_SYNC),
                        (Duration) v.get(Option.WAL_SYNC_INTERVAL),
                        (Long) v.get(Option.WAL_SEGMENT_SIZE),
                        (Duration) v.get(Option.OUT_OF_ORDER_WINDOW),
                        (Duration) v.get(Option.RETENTION),
                        (Duration) v.get(Option.MAX_FUTURE),
                        (Long) v.get(Option.CHECKPOINT_WAL_SIZE),
                        (Integer) v.get(Option.MAX_EXEMPLARS_PER_TENANT),
                        (Duration) v.get(Option.FLUSH_INTERVAL),
                        (Long) v.get(Option.HEAD_MAX_MEMORY)),
                new IngestLimits(
                        (Integer) v.get(Option.MAX_BODY_SIZE),
                        (Integer) v.get(Option.MAX_DECOMPRESSED_SIZE),
                        (Integer) v.get(Option.MAX_LABELS_PER_SERIES),
                        (Integer) v.get(Option.MAX_LABEL_NAME_LENGTH),
                        (Integer) v.get(Option.MAX_LABEL_VALUE_LENGTH),
                        (Integer) v.get(Option.MAX_SAMPLES_PER_REQUEST)),
                new SextantConfig.Query(
                        (Duration) v.get(Option.QUERY_LOOKBACK_DELTA),
                        (Integer) v.get(Option.QUERY_MAX_SAMPLES),
                        (Duration) v.get(Option.QUERY_TIMEOUT),
                        (Integer) v.get(Option.QUERY_MAX_CONCURRENCY),
                        features(v.get(Option.ENABLE_FEATURE))),
                (Duration) v.get(Option.SELF_SCRAPE_INTERVAL),
                (String) v.get(Option.LOG_LEVEL),
                new RetentionPolicy(
                        Map.of(
                                RetentionPolicy.Tier.RAW,
                                (Duration) v.get(Option.RETENTION),
                                RetentionPolicy.Tier.FIVE_MINUTES,
                                (Duration) v.get(Option.RETENTION_5M),
                                RetentionPolicy.Tier.ONE_HOUR,
                                (Duration) v.get(Option.RETENTION_1H)),
                        Option.castOverrides(v.get(Option.TENANT_RETENTION))),
                new SextantConfig.ObjectStore(
                        (String) v.get(Option.OBJECT_STORE_TYPE),
                        (String) v.get(Option.OBJECT_STORE_LOCAL_DIR),
                        (String) v.get(Option.OBJECT_STORE_S3_ENDPOINT),
                        (String) v.get(Option.OBJECT_STORE_S3_REGION),
                        (String) v.get(Option.OBJECT_STORE_S3_BUCKET),
                        (String) v.get(Option.OBJECT_STORE_S3_PREFIX),
                        (Boolean) v.get(Option.OBJECT_STORE_S3_PATH_STYLE),
                        (String) v.get(Option.OBJECT_STORE_S3_ACCESS_KEY),
                        (String) v.get(Option.OBJECT_STORE_S3_SECRET_KEY),
                        (Long) v.get(Option.OBJECT_STORE_CACHE_MAX_SIZE)));
    }

    @SuppressWarnings("unchecked")
    private static Set<QueryFeature> features(Object value) {
        return (Set<QueryFeature>) value;
    }

    /** The values as a nested YAML document with every key, in {@link Option} order. */
    static String toYaml(Map<Option, Object> values) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Option o : Option.values()) {
            String[] parts = o.key.split("\\.");
            Map<String, Object> section = root;
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>)
                        section.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                section = next;
            }
            section.put(parts[parts.length - 1], o.format(values.get(o)));
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as YAML", e);
        }
    }

    /** The {@code --help} text: every flag with its config key, default and meaning. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: sextant [flags]\n\n")
                .append(
                        "Sextant stores Prometheus remote-write and OTLP metrics and answers the Prometheus HTTP API.\n")
                .append("Every flag has a key in the YAML config file; flags override the file, the file overrides\n")
                .append("the defaults. Durations: 500ms, 10m, 1h30m, 15d. Sizes: 1048576, 128MB, 64MiB.\n\n")
                .append("Flags:\n");
        line(sb, "--config FILE", "YAML config file with the keys below.", "none");
        for (Option o : Option.values()) {
            line(sb, o.flag + " " + o.metavar, o.description + "\nConfig key: " + o.key + ".", o.defaultValue);
        }
        line(sb, "--print-config", "Print the effective configuration as YAML and exit.", null);
        line(sb, "--version", "Print the version and exit.", null);
        line(sb, "--help", "Print this text and exit.", null);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String flag, String description, String defaultValue) {
        sb.append("  ").append(flag).append('\n');
        for (String l : description.split("\n")) {
            sb.append("      ").append(l).append('\n');
        }
        if (defaultValue != null) {
            sb.append("      Default: ").append(defaultValue).append('\n');
        }
    }
}
