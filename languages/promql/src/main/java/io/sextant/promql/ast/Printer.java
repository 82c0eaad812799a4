package io.sextant.promql.ast;

import io.sextant.promql.parser.GoNumbers;
import io.sextant.promql.parser.GoText;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.text.Durations;
import io.sextant.storage.text.GoFloat;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Prometheus' single-line {@code String()} form of expressions, which parses back to an equal tree. */
final class Printer {
    private Printer() {}

    static String print(Expr e) {
        StringBuilder sb = new StringBuilder();
        write(sb, e);
        return sb.toString();
    }

    static String print(DurationExpr e) {
        StringBuilder sb = new StringBuilder();
        writeDuration(sb, e);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Expr e) {
        if (e instanceof NumberLiteral n) {
            writeNumber(sb, n);
        } else if (e instanceof StringLiteral s) {
            sb.append(GoText.quote(s.value()));
        } else if (e instanceof VectorSelector v) {
            writeSelector(sb, v);
        } else if (e instanceof MatrixSelector m) {
            VectorSelector v = m.selector();
            writeSelector(sb, v.withoutModifiers());
            sb.append('[');
            writeSpan(sb, m.rangeMillis(), m.rangeExpr());
            sb.append(']');
            writeExtension(sb, v.extension());
            writeAt(sb, v.at());
            writeOffset(sb, v.offsetMillis(), v.offsetExpr());
        } else if (e instanceof SubqueryExpr s) {
            write(sb, s.expr());
            writeSubquerySuffix(sb, s);
        } else if (e instanceof AggregateExpr a) {
            writeAggregateHead(sb, a);
            sb.append('(');
            if (a.param() != null) {
                write(sb, a.param());
                sb.append(", ");
            }
            write(sb, a.expr());
            sb.append(')');
        } else if (e instanceof BinaryExpr b) {
            write(sb, b.lhs());
            sb.append(' ');
            writeBinaryOperator(sb, b);
            sb.append(' ');
            write(sb, b.rhs());
        } else if (e instanceof UnaryExpr u) {
            sb.append(u.negative() ? '-' : '+');
            write(sb, u.expr());
        } else if (e instanceof ParenExpr p) {
            sb.append('(');
            write(sb, p.expr());
            sb.append(')');
        } else if (e instanceof Call c) {
            sb.append(c.function().name()).append('(');
            for (int i = 0; i < c.args().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                write(sb, c.args().get(i));
            }
            sb.append(')');
        } else {
            throw new IllegalStateException("unknown node " + e.getClass());
        }
    }

    private static void writeNumber(StringBuilder sb, NumberLiteral n) {
        double v = n.value();
        if (!n.duration()) {
            GoFloat.append(sb, v, false);
        } else if (v < 0) {
            sb.append('-').append(formatSeconds(-v));
        } else {
            sb.append(formatSeconds(v));
        }
    }

    /** Prometheus' {@code model.Duration(seconds * 1e9).String()}: nanoseconds truncated, printed in ms units. */
    private static String formatSeconds(double seconds) {
        long nanos = (long) (seconds * 1e9);
        return formatMillis(nanos / 1_000_000);
    }

    static String formatMillis(long millis) {
        return Durations.format(Duration.ofMillis(millis));
    }

    private static void writeSelector(StringBuilder sb, VectorSelector v) {
        List<String> parts = new ArrayList<>(v.matchers().size());
        for (Matcher m : v.matchers()) {
            if (m.name().equals(Labels.METRIC_NAME)
                    && m.type() == Matcher.Type.EQUAL
                    && m.value().equals(v.name())
                    && !m.value().isEmpty()) {
                continue;
            }
            parts.add(matcherString(m));
        }
        sb.append(v.name());
        if (parts.isEmpty() && v.name().isEmpty()) {
            // Prometheus prints nothing here (info(x, {}) becomes "info(x, )"), which would not parse back
            sb.append("{}");
        } else if (!parts.isEmpty()) {
            // Go sorts these strings byte-wise
            parts.sort((a, b) -> Arrays.compareUnsigned(GoText.utf8(a), GoText.utf8(b)));
            sb.append('{').append(String.join(",", parts)).append('}');
        }
        writeAt(sb, v.at());
        writeExtension(sb, v.extension());
        writeOffset(sb, v.offsetMillis(), v.offsetExpr());
    }

    /** Prometheus' {@code labels.Matcher.String()}: the name quoted unless it is a legacy name. */
    static String matcherString(Matcher m) {
        return labelName(m.name()) + m.type().symbol() + GoText.quote(m.value());
    }

    static String labelName(String name) {
        return Labels.isLegacyName(name) ? name : GoText.quote(name);
    }

    private static void writeAt(StringBuilder sb, At at) {
        switch (at.kind()) {
            case NONE -> {}
            case TIMESTAMP ->
                sb.append(" @ ")
                        .append(new BigDecimal(at.millis() / 1000.0)
                                .setScale(3, RoundingMode.HALF_EVEN)
                                .toPlainString());
            case START -> sb.append(" @ start()");
            case END -> sb.append(" @ end()");
        }
    }

    private static void writeExtension(StringBuilder sb, RangeExtension extension) {
        switch (extension) {
            case NONE -> {}
            case ANCHORED -> sb.append(" anchored");
            case SMOOTHED -> sb.append(" smoothed");
        }
    }

    private static void writeOffset(StringBuilder sb, long millis, DurationExpr expr) {
        if (expr != null) {
            sb.append(" offset ");
            writeDuration(sb, expr);
        } else if (millis > 0) {
            sb.append(" offset ").append(formatMillis(millis));
        } else if (millis < 0) {
            sb.append(" offset -").append(formatMillis(-millis));
        }
    }

    private static void writeSpan(StringBuilder sb, long millis, DurationExpr expr) {
        if (expr != null) {
            writeDuration(sb, expr);
        } else {
            sb.append(formatMillis(millis));
        }
    }

    static void writeSubquerySuffix(StringBuilder sb, SubqueryExpr s) {
        sb.append('[');
        writeSpan(sb, s.rangeMillis(), s.rangeExpr());
        sb.append(':');
        if (s.stepMillis() != 0) {
            sb.append(formatMillis(s.stepMillis()));
        } else if (s.stepExpr() != null) {
            writeDuration(sb, s.stepExpr());
        }
        sb.append(']');
        writeAt(sb, s.at());
        writeOffset(sb, s.offsetMillis(), s.offsetExpr());
    }

    /** {@code sum by (a, b) } or {@code sum without () }, or just {@code sum}. */
    static void writeAggregateHead(StringBuilder sb, AggregateExpr a) {
        sb.append(a.op().text());
        if (a.without()) {
            sb.append(" without (");
            writeLabels(sb, a.grouping());
            sb.append(") ");
        } else if (!a.grouping().isEmpty()) {
            sb.append(" by (");
            writeLabels(sb, a.grouping());
            sb.append(") ");
        }
    }

    private static void writeLabels(StringBuilder sb, List<String> labels) {
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(labelName(labels.get(i)));
        }
    }

    /** The operator with {@code bool}, matching and fill modifiers, e.g. {@code > bool on (a) group_left (b)}. */
    static void writeBinaryOperator(StringBuilder sb, BinaryExpr b) {
        sb.append(b.op().text());
        if (b.returnBool()) {
            sb.append(" bool");
        }
        b.vectorMatching().ifPresent(vm -> {
            boolean grouped = vm.card() == VectorMatching.Cardinality.MANY_TO_ONE
                    || vm.card() == VectorMatching.Cardinality.ONE_TO_MANY;
            if (!vm.matchingLabels().isEmpty() || vm.on() || grouped) {
                sb.append(vm.on() ? " on (" : " ignoring (");
                writeLabels(sb, vm.matchingLabels());
                sb.append(')');
            }
            if (grouped) {
                sb.append(vm.card() == VectorMatching.Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (");
                writeLabels(sb, vm.include());
                sb.append(')');
            }
            if (vm.fillLhs() != null && vm.fillLhs().equals(vm.fillRhs())) {
                sb.append(" fill (").append(GoNumbers.formatG(vm.fillLhs())).append(')');
            } else {
                if (vm.fillLhs() != null) {
                    sb.append(" fill_left (")
                            .append(GoNumbers.formatG(vm.fillLhs()))
                            .append(')');
                }
                if (vm.fillRhs() != null) {
                    sb.append(" fill_right (")
                            .append(GoNumbers.formatG(vm.fillRhs()))
                            .append(')');
                }
            }
        });
    }

    private static void writeDurationNode(StringBuilder sb, DurationNode n) {
        if (n instanceof NumberLiteral l) {
            writeNumber(sb, l);
        } else {
            writeDuration(sb, (DurationExpr) n);
        }
    }

    private static void writeDuration(StringBuilder sb, DurationExpr d) {
        if (d.wrapped()) {
            sb.append('(');
        }
        switch (d.op()) {
            case STEP -> sb.append("step()");
            case RANGE -> sb.append("range()");
            case MIN_OF, MAX_OF -> {
                sb.append(d.op().text()).append('(');
                writeDurationNode(sb, d.lhs());
                sb.append(", ");
                writeDurationNode(sb, d.rhs());
                sb.append(')');
            }
            default -> {
                if (d.lhs() == null) {
                    if (d.op() == DurationExpr.Op.SUB) {
                        sb.append('-');
                    }
                    writeDurationNode(sb, d.rhs());
                } else {
                    writeDurationNode(sb, d.lhs());
                    sb.append(' ').append(d.op().text()).append(' ');
                    writeDurationNode(sb, d.rhs());
                }
            }
        }
        if (d.wrapped()) {
            sb.append(')');
        }
    }
}
