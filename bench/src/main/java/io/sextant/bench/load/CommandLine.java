package io.sextant.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The bench tools' options: {@code --name value}, {@code --name=value}, or a bare {@code --flag}. */
public final class CommandLine {
    private CommandLine() {}

    /**
     * The options in {@code args} by name; {@code flags} take no value (their value is {@code "true"}). Errors
     * carry {@code usage}.
     */
    public static Map<String, String> parse(String[] args, Set<String> flags, String usage) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a + "\n" + usage);
            }
            String k = a.substring(2);
            int eq = k.indexOf('=');
            if (eq >= 0) {
                o.put(k.substring(0, eq), k.substring(eq + 1));
            } else if (flags.contains(k)) {
                o.put(k, "true");
            } else if (i + 1 < args.length) {
                o.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException("missing value for " + a);
            }
        }
        return o;
    }
}
