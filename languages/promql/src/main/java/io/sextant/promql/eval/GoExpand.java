package io.sextant.promql.eval;

import com.google.re2j.Matcher;

/**
 * Go's {@code regexp.Expand} for label_replace: {@code $1}/{@code ${1}} and {@code $name}/{@code ${name}}
 * (a name is the longest run of letters, digits and {@code _}, so {@code $1x} is group "1x"), {@code $$} is a
 * literal dollar, a missing group expands to nothing. Java's replacement syntax differs.
 */
final class GoExpand {
    private GoExpand() {}

    static String expand(String template, Matcher m) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                name = close < 0 ? "" : template.substring(i + 2, close);
                if (close < 0 || name.isEmpty() || !isName(name)) {
                    out.append(c);
                    i++;
                    continue;
                }
                end = close + 1;
            } else {
                end = i + 1;
                while (end < template.length() && isNameChar(template.charAt(end))) {
                    end++;
                }
                name = template.substring(i + 1, end);
                if (name.isEmpty()) {
                    out.append(c);
                    i++;
                    continue;
                }
            }
            out.append(group(m, name));
            i = end;
        }
        return out.toString();
    }

    private static String group(Matcher m, String name) {
        String g;
        if (name.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            int n;
            try {
                n = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return "";
            }
            g = n <= m.groupCount() ? m.group(n) : null;
        } else {
            try {
                g = m.group(name);
            } catch (IllegalArgumentException e) {
                g = null;
            }
        }
        return g == null ? "" : g;
    }

    private static boolean isName(String s) {
        return s.chars().allMatch(ch -> isNameChar((char) ch));
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
