package io.sextant.promql.parser;

import static io.sextant.promql.grammar.PromQLGrammar.*;

import io.sextant.promql.ast.AggregateExpr;
import io.sextant.promql.ast.AggregateOp;
import io.sextant.promql.ast.At;
import io.sextant.promql.ast.BinaryExpr;
import io.sextant.promql.ast.BinaryOp;
import io.sextant.promql.ast.Call;
import io.sextant.promql.ast.DurationExpr;
import io.sextant.promql.ast.DurationNode;
import io.sextant.promql.ast.Expr;
import io.sextant.promql.ast.Function;
import io.sextant.promql.ast.Functions;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.NumberLiteral;
import io.sextant.promql.ast.ParenExpr;
import io.sextant.promql.ast.RangeExtension;
import io.sextant.promql.ast.StringLiteral;
import io.sextant.promql.ast.SubqueryExpr;
import io.sextant.promql.ast.UnaryExpr;
import io.sextant.promql.ast.VectorMatching;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.grammar.PromQLGrammar;
import io.sextant.storage.Labels;
import io.sextant.storage.Matcher;
import io.sextant.storage.SextantException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns the parse tree into the AST, raising the errors Prometheus raises while parsing (unknown functions,
 * argument counts of aggregations, offsets and {@code @} in the wrong place, bad durations...). Children are
 * built before their parent, which is the order in which Prometheus' LR parser reduces and so reports them; the
 * first error is thrown.
 */
final class AstBuilder {
    private static final double MAX_DURATION_SECONDS = 0x1p63 / 1e9;

    private final String query;
    private final ParserOptions options;
    private final Positions positions;

    AstBuilder(String query, ParserOptions options, Positions positions) {
        this.query = query;
        this.options = options;
        this.positions = positions;
    }

    // ---- errors and positions

    private PromQLParseException error(PositionRange at, String message) {
        return new PromQLParseException(query, at, message);
    }

    private PromQLParseException error(Object node, String message) {
        return error(positions.of(node), message);
    }

    private static PositionRange range(Token t) {
        return new PositionRange(t.getStartIndex(), t.getStopIndex() + 1);
    }

    private static PositionRange range(Token from, Token to) {
        return new PositionRange(from.getStartIndex(), to.getStopIndex() + 1);
    }

    private static PositionRange range(ParserRuleContext ctx) {
        return range(ctx.getStart(), ctx.getStop());
    }

    private <T> T at(T node, PositionRange range) {
        positions.put(node, range);
        return node;
    }

    // ---- expressions

    Expr query(PromQLGrammar.QueryContext ctx) {
        return expr(ctx.expr());
    }

    List<Matcher> metricSelector(PromQLGrammar.MetricSelectorContext ctx) {
        return vectorSelector(ctx.vectorSelector()).matchers();
    }

    private Expr expr(PromQLGrammar.ExprContext ctx) {
        if (ctx instanceof PromQLGrammar.NumberExprContext n) {
            return numberLiteral(n.getStart());
        }
        if (ctx instanceof PromQLGrammar.StringExprContext s) {
            return at(new StringLiteral(unquote(s.STRING().getSymbol())), range(s.getStart()));
        }
        if (ctx instanceof PromQLGrammar.SelectorExprContext s) {
            return vectorSelector(s.vectorSelector());
        }
        if (ctx instanceof PromQLGrammar.ParenExprContext p) {
            return at(new ParenExpr(expr(p.expr())), range(p));
        }
        if (ctx instanceof PromQLGrammar.CallExprContext c) {
            return call(c.functionCall());
        }
        if (ctx instanceof PromQLGrammar.AggregationExprContext a) {
            return aggregation(a.aggregation());
        }
        if (ctx instanceof PromQLGrammar.UnaryExprContext u) {
            return unary(u);
        }
        if (ctx instanceof PromQLGrammar.BinaryExprContext b) {
            return binary(b);
        }
        if (ctx instanceof PromQLGrammar.RangeExprContext r) {
            return rangeOrSubquery(expr(r.expr()), r.rangeSuffix());
        }
        if (ctx instanceof PromQLGrammar.OffsetExprContext o) {
            return offset(expr(o.expr()), o.offsetDuration(), o);
        }
        if (ctx instanceof PromQLGrammar.AtExprContext a) {
            return atModifier(expr(a.expr()), a.atTimestamp(), a);
        }
        if (ctx instanceof PromQLGrammar.ExtendedExprContext x) {
            return extension(expr(x.expr()), x.ANCHORED() != null);
        }
        throw new IllegalStateException("unknown expression context " + ctx.getClass());
    }

    private NumberLiteral numberLiteral(Token t) {
        double v = t.getType() == DURATION ? durationSeconds(t) : number(t);
        return at(new NumberLiteral(v, t.getType() == DURATION), range(t));
    }

    private double number(Token t) {
        try {
            return GoNumbers.parseLiteral(t.getText());
        } catch (IllegalArgumentException e) {
            throw error(range(t), "error parsing number: " + e.getMessage());
        }
    }

    /** A DURATION token in seconds, as Go's {@code Duration.Seconds()} of {@code model.ParseDuration}. */
    private double durationSeconds(Token t) {
        long nanos;
        try {
            nanos = parseDurationNanos(t.getText());
        } catch (IllegalArgumentException e) {
            throw error(range(t), e.getMessage());
        }
        return (nanos / 1_000_000_000L) + (nanos % 1_000_000_000L) / 1e9;
    }

    /** Prometheus' {@code model.ParseDuration}, in nanoseconds, with its error texts. */
    static long parseDurationNanos(String s) {
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        String invalid = "not a valid duration string: " + GoText.quote(s);
        long total = 0;
        int lastUnit = 0;
        int i = 0;
        while (i < s.length()) {
            if (!PromQLLexer.isDigit(s.charAt(i))) {
                throw new IllegalArgumentException(invalid);
            }
            int j = i;
            while (j < s.length() && PromQLLexer.isDigit(s.charAt(j))) {
                j++;
            }
            long v;
            try {
                v = Long.parseUnsignedLong(s.substring(i, j));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(invalid);
            }
            int k = j;
            while (k < s.length() && !PromQLLexer.isDigit(s.charAt(k))) {
                k++;
            }
            if (k == j) {
                throw new IllegalArgumentException(invalid);
            }
            String unit = s.substring(j, k);
            int pos;
            long mult;
            switch (unit) {
                case "ms" -> {
                    pos = 7;
                    mult = 1_000_000L;
                }
                case "s" -> {
                    pos = 6;
                    mult = 1_000_000_000L;
                }
                case "m" -> {
                    pos = 5;
                    mult = 60_000_000_000L;
                }
                case "h" -> {
                    pos = 4;
                    mult = 3_600_000_000_000L;
                }
                case "d" -> {
                    pos = 3;
                    mult = 86_400_000_000_000L;
                }
                case "w" -> {
                    pos = 2;
                    mult = 7 * 86_400_000_000_000L;
                }
                case "y" -> {
                    pos = 1;
                    mult = 365 * 86_400_000_000_000L;
                }
                default ->
                    throw new IllegalArgumentException(
                            "unknown unit " + GoText.quote(unit) + " in duration " + GoText.quote(s));
            }
            if (pos <= lastUnit) {
                throw new IllegalArgumentException(invalid);
            }
            lastUnit = pos;
            // Go computes in uint64 nanoseconds: v may be at most 2^63 / mult, the sum at most 2^63 - 1
            if (Long.compareUnsigned(v, Long.divideUnsigned(Long.MIN_VALUE, mult)) > 0) {
                throw new IllegalArgumentException("duration out of range");
            }
            long sum = total + v * mult;
            if (Long.compareUnsigned(sum, Long.MAX_VALUE) > 0) {
                throw new IllegalArgumentException("duration out of range");
            }
            total = sum;
            i = k;
        }
        return total;
    }

    private static String unquote(Token t) {
        byte[] bytes = unquoteBytes(GoText.utf8(t.getText()));
        return GoText.decode(bytes, 0, bytes.length);
    }

    /** Go's unquoting of a lexed string token (already validated by the lexer) into raw bytes. */
    private static byte[] unquoteBytes(byte[] s) {
        byte quote = s[0];
        if (quote == '`') {
            return Arrays.copyOfRange(s, 1, s.length - 1);
        }
        java.io.ByteArrayOutputStream out = new ByteArrayOutputStream(s.length);
        for (int i = 1; i < s.length - 1; i++) {
            byte c = s[i];
            if (c != '\\') {
                out.write(c);
                continue;
            }
            byte e = s[++i];
            switch (e) {
                case 'a' -> out.write(0x07);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0B);
                case 'x' -> {
                    out.write(Integer.parseInt(new String(s, i + 1, 2, StandardCharsets.US_ASCII), 16));
                    i += 2;
                }
                case 'u', 'U' -> {
                    int n = e == 'u' ? 4 : 8;
                    int cp = Integer.parseInt(new String(s, i + 1, n, StandardCharsets.US_ASCII), 16);
                    byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                    out.write(utf8, 0, utf8.length);
                    i += n;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        out.write(Integer.parseInt(new String(s, i, 3, StandardCharsets.US_ASCII), 8));
                        i += 2;
                    } else {
                        // \\, \' and \" stand for themselves
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    // ---- selectors

    private VectorSelector vectorSelector(PromQLGrammar.VectorSelectorContext ctx) {
        String name =
                ctx.metricIdentifier() == null ? "" : ctx.metricIdentifier().getText();
        List<Matcher> matchers = new ArrayList<>();
        if (ctx.labelMatchers() != null) {
            for (PromQLGrammar.LabelMatcherContext m : ctx.labelMatchers().labelMatcher()) {
                matchers.add(labelMatcher(m));
            }
        }
        if (!name.isEmpty()) {
            matchers.add(Matcher.equal(Labels.METRIC_NAME, name));
        }
        return at(VectorSelector.of(name, matchers), range(ctx));
    }

    private Matcher labelMatcher(PromQLGrammar.LabelMatcherContext ctx) {
        if (ctx.matchOp() == null) {
            // a lone quoted string is the metric name
            Token t = ctx.getStart();
            return newMatcher(Matcher.Type.EQUAL, Labels.METRIC_NAME, unquote(t), range(t));
        }
        Token label = ctx.getStart();
        Token value = ctx.getStop();
        String name = label.getType() == IDENTIFIER ? label.getText() : unquote(label);
        Matcher.Type type =
                switch (ctx.matchOp().getStart().getType()) {
                    case EQL -> Matcher.Type.EQUAL;
                    case NEQ -> Matcher.Type.NOT_EQUAL;
                    case EQL_REGEX -> Matcher.Type.REGEX;
                    default -> Matcher.Type.NOT_REGEX;
                };
        return newMatcher(type, name, unquote(value), range(label, value));
    }

    private Matcher newMatcher(Matcher.Type type, String name, String value, PositionRange where) {
        try {
            return Matcher.of(type, name, value);
        } catch (SextantException e) {
            // the cause carries Go's regexp error text
            throw error(where, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }

    private Expr rangeOrSubquery(Expr inner, PromQLGrammar.RangeSuffixContext ctx) {
        DurationNode rangeNode = positiveDuration(ctx.range);
        DurationNode stepNode = ctx.step == null ? null : positiveDuration(ctx.step);
        PositionRange whole =
                new PositionRange(positions.of(inner).start(), ctx.getStop().getStopIndex() + 1);
        if (ctx.COLON() != null) {
            return at(
                    new SubqueryExpr(
                            inner,
                            spanMillis(rangeNode),
                            spanExpr(rangeNode),
                            stepNode == null ? 0 : spanMillis(stepNode),
                            stepNode == null ? null : spanExpr(stepNode),
                            0,
                            null,
                            At.NONE),
                    whole);
        }
        String problem = null;
        if (!(inner instanceof VectorSelector vs)) {
            problem = "ranges only allowed for vector selectors";
        } else if (vs.hasOffset()) {
            problem = "no offset modifiers allowed before range";
        } else if (vs.at().isSet()) {
            problem = "no @ modifiers allowed before range";
        }
        if (problem != null) {
            throw error(range(ctx), problem);
        }
        return at(new MatrixSelector((VectorSelector) inner, spanMillis(rangeNode), spanExpr(rangeNode)), whole);
    }

    private DurationNode positiveDuration(PromQLGrammar.DurationExprContext ctx) {
        DurationNode d = duration(ctx);
        if (d instanceof NumberLiteral n && n.value() <= 0) {
            throw error(n, "duration must be greater than 0");
        }
        return d;
    }

    /** A literal duration in ms: Prometheus rounds seconds to nanoseconds, and ms truncate those. */
    private static long spanMillis(DurationNode d) {
        if (d instanceof NumberLiteral n) {
            return goRound(n.value() * 1e9) / 1_000_000;
        }
        return 0;
    }

    private static DurationExpr spanExpr(DurationNode d) {
        return d instanceof DurationExpr e ? e : null;
    }

    /** Go's {@code int64(math.Round(x))}: half away from zero, saturating like the JVM where Go is undefined. */
    static long goRound(double x) {
        double a = Math.abs(x);
        double f = Math.floor(a);
        // a - f is exact, so halves are recognised without the x + 0.5 rounding error of Math.round
        double r = a - f >= 0.5 ? f + 1 : f;
        return (long) Math.copySign(r, x);
    }

    private Expr offset(Expr target, PromQLGrammar.OffsetDurationContext ctx, ParserRuleContext whole) {
        DurationNode d = offsetDuration(ctx);
        long millis = spanMillis(d);
        DurationExpr expr = spanExpr(d);
        PositionRange targetRange = positions.of(target);
        PositionRange extended =
                new PositionRange(targetRange.start(), whole.getStop().getStopIndex() + 1);
        if (target instanceof VectorSelector vs) {
            requireNoOffset(vs.hasOffset(), target);
            return at(vs.withOffset(millis, expr), extended);
        }
        if (target instanceof MatrixSelector m) {
            requireNoOffset(m.selector().hasOffset(), target);
            return at(m.withSelector(m.selector().withOffset(millis, expr)), extended);
        }
        if (target instanceof SubqueryExpr s) {
            requireNoOffset(s.hasOffset(), target);
            return at(s.withOffset(millis, expr), extended);
        }
        throw error(
                target,
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void requireNoOffset(boolean hasOffset, Expr target) {
        if (hasOffset) {
            throw error(target, "offset may not be set multiple times");
        }
    }

    private Expr atModifier(Expr target, PromQLGrammar.AtTimestampContext ctx, ParserRuleContext whole) {
        At at;
        if (ctx.START() != null) {
            at = At.START;
        } else if (ctx.END() != null) {
            at = At.END;
        } else {
            double ts = ctx.value.getType() == DURATION ? durationSeconds(ctx.value) : number(ctx.value);
            if (ctx.sign != null && ctx.sign.getType() == SUB) {
                ts = -ts;
            }
            if (Double.isNaN(ts) || Double.isInfinite(ts) || ts >= 0x1p63 || ts <= -0x1p63) {
                throw error(target, "timestamp out of bounds for @ modifier: " + GoNumbers.formatF(ts));
            }
            at = At.timestamp(goRound(ts * 1000));
        }
        PositionRange targetRange = positions.of(target);
        PositionRange extended =
                new PositionRange(targetRange.start(), whole.getStop().getStopIndex() + 1);
        if (target instanceof VectorSelector vs) {
            requireNoAt(vs.at(), target);
            return at(vs.withAt(at), extended);
        }
        if (target instanceof MatrixSelector m) {
            requireNoAt(m.selector().at(), target);
            return at(m.withSelector(m.selector().withAt(at)), extended);
        }
        if (target instanceof SubqueryExpr s) {
            requireNoAt(s.at(), target);
            return at(s.withAt(at), extended);
        }
        throw error(
                target,
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void requireNoAt(At existing, Expr target) {
        if (existing.isSet()) {
            throw error(target, "@ <timestamp> may not be set multiple times");
        }
    }

    private Expr extension(Expr target, boolean anchored) {
        String name = anchored ? "anchored" : "smoothed";
        if (!options.extendedRangeSelectors()) {
            throw error(target, name + " modifier is experimental and not enabled");
        }
        RangeExtension wanted = anchored ? RangeExtension.ANCHORED : RangeExtension.SMOOTHED;
        RangeExtension other = anchored ? RangeExtension.SMOOTHED : RangeExtension.ANCHORED;
        if (target instanceof VectorSelector vs) {
            if (vs.extension() == other) {
                throw error(target, "anchored and smoothed modifiers cannot be used together");
            }
            return at(vs.withExtension(wanted), positions.of(target));
        }
        if (target instanceof MatrixSelector m) {
            if (m.selector().extension() == other) {
                throw error(target, "anchored and smoothed modifiers cannot be used together");
            }
            return at(m.withSelector(m.selector().withExtension(wanted)), positions.of(target));
        }
        if (target instanceof SubqueryExpr) {
            throw error(target, name + " modifier is not supported for subqueries");
        }
        throw error(target, name + " modifier not implemented");
    }

    // ---- operators

    private Expr unary(PromQLGrammar.UnaryExprContext ctx) {
        Expr inner = expr(ctx.expr());
        boolean negative = ctx.op.getType() == SUB;
        PositionRange r =
                new PositionRange(ctx.op.getStartIndex(), positions.of(inner).end());
        if (inner instanceof NumberLiteral n) {
            return at(new NumberLiteral(negative ? -n.value() : n.value(), n.duration()), r);
        }
        return at(new UnaryExpr(negative, inner), r);
    }

    private Expr binary(PromQLGrammar.BinaryExprContext ctx) {
        Expr lhs = expr(ctx.expr(0));
        VectorMatching matching = binModifiers(ctx.binModifiers());
        boolean returnBool = ctx.binModifiers().BOOL() != null;
        Expr rhs = expr(ctx.expr(1));
        BinaryExpr b = new BinaryExpr(binaryOp(ctx.op), lhs, rhs, matching, returnBool);
        at(b, new PositionRange(positions.of(lhs).start(), positions.of(rhs).end()));
        if (matching.hasFill() && !options.fillModifiers()) {
            throw error(b, "binop fill modifiers are experimental and not enabled");
        }
        return b;
    }

    private static BinaryOp binaryOp(Token op) {
        return switch (op.getType()) {
            case ADD -> BinaryOp.ADD;
            case SUB -> BinaryOp.SUB;
            case MUL -> BinaryOp.MUL;
            case DIV -> BinaryOp.DIV;
            case MOD -> BinaryOp.MOD;
            case POW -> BinaryOp.POW;
            case ATAN2 -> BinaryOp.ATAN2;
            case EQLC -> BinaryOp.EQLC;
            case NEQ -> BinaryOp.NEQ;
            case GTR -> BinaryOp.GTR;
            case LSS -> BinaryOp.LSS;
            case GTE -> BinaryOp.GTE;
            case LTE -> BinaryOp.LTE;
            case TRIM_UPPER -> BinaryOp.TRIM_UPPER;
            case TRIM_LOWER -> BinaryOp.TRIM_LOWER;
            case LAND -> BinaryOp.AND;
            case LOR -> BinaryOp.OR;
            case LUNLESS -> BinaryOp.UNLESS;
            default -> throw new IllegalStateException("not a binary operator: " + op.getText());
        };
    }

    private VectorMatching binModifiers(PromQLGrammar.BinModifiersContext ctx) {
        List<String> matching = List.of();
        List<String> include = List.of();
        boolean on = false;
        VectorMatching.Cardinality card = VectorMatching.Cardinality.ONE_TO_ONE;
        if (ctx.onOrIgnoring() != null) {
            on = ctx.onOrIgnoring().ON() != null;
            matching = groupingLabels(ctx.groupingLabels(0));
            if (ctx.groupSide != null) {
                card = ctx.groupSide.getType() == GROUP_LEFT
                        ? VectorMatching.Cardinality.MANY_TO_ONE
                        : VectorMatching.Cardinality.ONE_TO_MANY;
                if (ctx.include != null) {
                    include = groupingLabels(ctx.include);
                }
            }
        }
        Double fillLhs = null;
        Double fillRhs = null;
        PromQLGrammar.FillModifiersContext fill = ctx.fillModifiers();
        if (fill != null) {
            if (fill.FILL() != null) {
                fillLhs = fillValue(fill.fillValue(0));
                fillRhs = fillLhs;
            } else {
                // Prometheus reduces the fill values in source order
                for (PromQLGrammar.FillValueContext v : fill.fillValue()) {
                    double value = fillValue(v);
                    if (v == fill.left) {
                        fillLhs = value;
                    } else {
                        fillRhs = value;
                    }
                }
            }
        }
        return new VectorMatching(card, matching, on, include, fillLhs, fillRhs);
    }

    private double fillValue(PromQLGrammar.FillValueContext ctx) {
        double v = ctx.value.getType() == DURATION ? durationSeconds(ctx.value) : number(ctx.value);
        return ctx.sign != null && ctx.sign.getType() == SUB ? -v : v;
    }

    private List<String> groupingLabels(PromQLGrammar.GroupingLabelsContext ctx) {
        List<String> labels = new ArrayList<>();
        for (PromQLGrammar.GroupingLabelContext l : ctx.groupingLabel()) {
            Token t = l.getStart();
            String name = t.getType() == STRING ? unquote(t) : t.getText();
            if (name.isEmpty() || !GoText.isValidUtf8(name)) {
                throw error(range(t), "invalid label name for grouping: " + GoText.quote(name));
            }
            labels.add(name);
        }
        return labels;
    }

    // ---- calls and aggregations

    private List<Expr> functionArgs(PromQLGrammar.FunctionArgsContext ctx) {
        List<Expr> args = new ArrayList<>();
        for (PromQLGrammar.ExprContext e : ctx.expr()) {
            args.add(expr(e));
        }
        if (ctx.trailingComma != null) {
            throw error(range(ctx.trailingComma), "trailing commas not allowed in function call args");
        }
        return args;
    }

    private Expr call(PromQLGrammar.FunctionCallContext ctx) {
        List<Expr> args = functionArgs(ctx.functionArgs());
        String name = ctx.name.getText();
        if (ctx.name.getType() != IDENTIFIER) {
            // start(), step() and friends are keywords, matched in any case; the function has the canonical name
            name = name.toLowerCase(Locale.ROOT);
        }
        Function f = Functions.get(name).orElse(null);
        if (f == null) {
            throw error(range(ctx.name), "unknown function with name " + GoText.quote(ctx.name.getText()));
        }
        if (f.experimental() && !options.experimentalFunctions()) {
            throw error(range(ctx.name), "function " + GoText.quote(ctx.name.getText()) + " is not enabled");
        }
        return at(new Call(f, args), range(ctx));
    }

    private Expr aggregation(PromQLGrammar.AggregationContext ctx) {
        List<String> grouping = List.of();
        boolean without = false;
        PromQLGrammar.AggregateModifierContext modifier = ctx.aggregateModifier();
        boolean modifierFirst = modifier != null
                && modifier.getStart().getTokenIndex()
                        < ctx.functionArgs().getStart().getTokenIndex();
        if (modifier != null && modifierFirst) {
            without = modifier.WITHOUT() != null;
            grouping = groupingLabels(modifier.groupingLabels());
        }
        List<Expr> args = functionArgs(ctx.functionArgs());
        if (modifier != null && !modifierFirst) {
            without = modifier.WITHOUT() != null;
            grouping = groupingLabels(modifier.groupingLabels());
        }
        AggregateOp op = AggregateOp.valueOf(ctx.aggregateOp().getText().toUpperCase(Locale.ROOT));
        PositionRange r = range(ctx);
        if (args.isEmpty()) {
            throw error(r, "no arguments for aggregate expression provided");
        }
        int desired = 1;
        Expr param = null;
        if (op.hasParam()) {
            if (op.experimental() && !options.experimentalFunctions()) {
                throw error(
                        r,
                        op.text()
                                + "() is experimental and must be enabled with"
                                + " --enable-feature=promql-experimental-functions");
            }
            desired = 2;
            param = args.get(0);
        }
        if (args.size() != desired) {
            throw error(
                    r,
                    "wrong number of arguments for aggregate expression provided, expected " + desired + ", got "
                            + args.size());
        }
        return at(new AggregateExpr(op, param, args.get(desired - 1), grouping, without), r);
    }

    // ---- durations

    private DurationNode offsetDuration(PromQLGrammar.OffsetDurationContext ctx) {
        Token sign = ctx.sign;
        PromQLGrammar.DurationPrimaryContext p = ctx.durationPrimary();
        if (p instanceof PromQLGrammar.DurationLiteralContext lit) {
            NumberLiteral n = literalDuration(lit.getStart(), sign);
            return n;
        }
        if (p instanceof PromQLGrammar.DurationParenContext paren) {
            DurationNode inner = duration(paren.durationExpr());
            if (sign == null) {
                experimental(inner);
                return wrap(inner, range(paren));
            }
            return applyUnary(sign, inner, true, range(paren));
        }
        DurationNode primary = durationPrimary(p);
        if (sign == null || sign.getType() == ADD) {
            return primary;
        }
        return at(
                new DurationExpr(DurationExpr.Op.SUB, null, primary, false),
                new PositionRange(sign.getStartIndex(), positions.of(primary).end()));
    }

    private NumberLiteral literalDuration(Token t, Token sign) {
        NumberLiteral n = numberLiteral(t);
        if (sign == null) {
            checkDurationRange(n, n);
            return n;
        }
        NumberLiteral signed = new NumberLiteral(sign.getType() == SUB ? -n.value() : n.value(), n.duration());
        at(signed, new PositionRange(sign.getStartIndex(), range(t).end()));
        checkDurationRange(signed, sign);
        return signed;
    }

    private void checkDurationRange(NumberLiteral n, Object blame) {
        if (n.value() > MAX_DURATION_SECONDS || n.value() < -MAX_DURATION_SECONDS) {
            throw error(blame instanceof Token t ? range(t) : positions.of(blame), "duration out of range");
        }
    }

    private DurationNode duration(PromQLGrammar.DurationExprContext ctx) {
        if (ctx instanceof PromQLGrammar.DurationTermContext t) {
            return durationPrimary(t.durationPrimary());
        }
        if (ctx instanceof PromQLGrammar.DurationUnaryContext u) {
            return applyUnary(u.op, duration(u.durationExpr()), false, null);
        }
        PromQLGrammar.DurationBinaryContext b = (PromQLGrammar.DurationBinaryContext) ctx;
        DurationNode lhs = duration(b.durationExpr(0));
        DurationNode rhs = duration(b.durationExpr(1));
        experimental(lhs);
        DurationExpr.Op op =
                switch (b.op.getType()) {
                    case ADD -> DurationExpr.Op.ADD;
                    case SUB -> DurationExpr.Op.SUB;
                    case MUL -> DurationExpr.Op.MUL;
                    case DIV -> DurationExpr.Op.DIV;
                    case MOD -> DurationExpr.Op.MOD;
                    default -> DurationExpr.Op.POW;
                };
        if ((op == DurationExpr.Op.DIV || op == DurationExpr.Op.MOD)
                && rhs instanceof NumberLiteral n
                && n.value() == 0) {
            throw error(range(b.op), op == DurationExpr.Op.DIV ? "division by zero" : "modulo by zero");
        }
        return at(
                new DurationExpr(op, lhs, rhs, false),
                new PositionRange(positions.of(lhs).start(), positions.of(rhs).end()));
    }

    private DurationNode durationPrimary(PromQLGrammar.DurationPrimaryContext ctx) {
        if (ctx instanceof PromQLGrammar.DurationLiteralContext lit) {
            return literalDuration(lit.getStart(), null);
        }
        if (ctx instanceof PromQLGrammar.DurationStepOrRangeContext s) {
            DurationExpr d = new DurationExpr(
                    s.STEP() != null ? DurationExpr.Op.STEP : DurationExpr.Op.RANGE, null, null, false);
            at(d, range(s));
            experimental(d);
            return d;
        }
        if (ctx instanceof PromQLGrammar.DurationMinMaxContext m) {
            DurationNode lhs = duration(m.durationExpr(0));
            DurationNode rhs = duration(m.durationExpr(1));
            DurationExpr d = new DurationExpr(
                    m.MIN_OF() != null ? DurationExpr.Op.MIN_OF : DurationExpr.Op.MAX_OF, lhs, rhs, false);
            at(d, new PositionRange(positions.of(lhs).start(), positions.of(rhs).end()));
            experimental(d);
            return d;
        }
        PromQLGrammar.DurationParenContext p = (PromQLGrammar.DurationParenContext) ctx;
        DurationNode inner = duration(p.durationExpr());
        experimental(inner);
        return wrap(inner, range(p));
    }

    /**
     * Parentheses: a duration expression is marked wrapped; a literal becomes a wrapped unary {@code +} so that
     * it prints with its parentheses, as Prometheus' {@code wrapParenDurationExpr}.
     */
    private DurationExpr wrap(DurationNode inner, PositionRange parens) {
        if (inner instanceof DurationExpr d) {
            return at(d.withWrapped(true), positions.of(d));
        }
        return at(new DurationExpr(DurationExpr.Op.ADD, null, inner, true), parens);
    }

    /** Prometheus' {@code applyUnaryOpToDurationExpr}; {@code parens} is set for the {@code -( d )} form. */
    private DurationNode applyUnary(Token op, DurationNode inner, boolean wrapped, PositionRange parens) {
        DurationNode e = wrapped ? wrap(inner, parens) : inner;
        boolean negative = op.getType() == SUB;
        if (e instanceof DurationExpr d) {
            if (!negative) {
                return d;
            }
            return at(
                    new DurationExpr(DurationExpr.Op.SUB, null, d, false),
                    new PositionRange(op.getStartIndex(), positions.of(d).end()));
        }
        NumberLiteral n = (NumberLiteral) e;
        NumberLiteral signed = new NumberLiteral(negative ? -n.value() : n.value(), n.duration());
        at(signed, new PositionRange(op.getStartIndex(), positions.of(n).end()));
        checkDurationRange(signed, op);
        return signed;
    }

    private void experimental(DurationNode d) {
        if (!options.durationExpressions()) {
            throw error(d, "experimental duration expression is not enabled");
        }
    }
}
