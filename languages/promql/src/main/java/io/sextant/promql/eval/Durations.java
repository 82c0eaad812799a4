package io.sextant.promql.eval;

import static java.util.Objects.requireNonNull;

import io.sextant.promql.ast.DurationExpr;
import io.sextant.promql.ast.MatrixSelector;
import io.sextant.promql.ast.NumberLiteral;
import io.sextant.promql.ast.VectorSelector;
import io.sextant.promql.parser.ParsedQuery;

/**
 * Resolves a query's durations (offsets, ranges, subquery steps) to milliseconds before it is planned: literals
 * as written, duration expressions with the query's {@code step()} and {@code range()}.
 */
public final class Durations {
    private final ParsedQuery query;
    private final StepGrid queryGrid;

    public Durations(ParsedQuery query, StepGrid queryGrid) {
        this.query = requireNonNull(query, "query is null");
        this.queryGrid = requireNonNull(queryGrid, "queryGrid is null");
    }

    public long offset(VectorSelector vs) {
        return duration(vs.offsetExpr(), vs.offsetMillis(), false);
    }

    public long range(MatrixSelector ms) {
        return duration(ms.rangeExpr(), ms.rangeMillis(), true);
    }

    /**
     * A duration in ms: the literal, or the duration expression evaluated in float seconds with the query's
     * {@code step()} (0 for an instant query) and {@code range()}, truncated to ms as Prometheus does.
     */
    public long duration(DurationExpr expr, long literalMs, boolean positive) {
        if (expr == null) {
            return literalMs;
        }
        double seconds = durationSeconds(expr);
        String at = positionText(expr);
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            throw badDuration(at + "duration is NaN or infinite");
        }
        if (Math.abs(seconds) * 1000 >= 0x1p63) {
            throw badDuration(at + "duration is out of range");
        }
        long ms = (long) (seconds * 1000);
        if (positive && ms <= 0) {
            throw badDuration(at + "duration must be greater than 0");
        }
        return ms;
    }

    private String positionText(DurationExpr expr) {
        io.sextant.promql.parser.PositionRange p = query.positions().of(expr);
        return p == null ? "" : p.start() + ":" + p.end() + ": ";
    }

    private static RuntimeException badDuration(String message) {
        return new io.sextant.storage.SextantException(io.sextant.storage.ErrorCode.BAD_DATA, message);
    }

    private double durationSeconds(io.sextant.promql.ast.DurationNode n) {
        if (n instanceof NumberLiteral lit) {
            return lit.value();
        }
        DurationExpr d = (DurationExpr) n;
        return switch (d.op()) {
            case STEP -> queryGrid.start() == queryGrid.end() ? 0 : queryGrid.step() / 1000.0;
            case RANGE -> (queryGrid.end() - queryGrid.start()) / 1000.0;
            case MIN_OF -> Math.min(durationSeconds(d.lhs()), durationSeconds(d.rhs()));
            case MAX_OF -> Math.max(durationSeconds(d.lhs()), durationSeconds(d.rhs()));
            default -> {
                double r = durationSeconds(d.rhs());
                if (d.lhs() == null) {
                    yield d.op() == DurationExpr.Op.SUB ? -r : r;
                }
                double l = durationSeconds(d.lhs());
                yield switch (d.op()) {
                    case ADD -> l + r;
                    case SUB -> l - r;
                    case MUL -> l * r;
                    case DIV -> {
                        if (r == 0) {
                            throw badDuration(positionText(d) + "division by zero");
                        }
                        yield l / r;
                    }
                    case MOD -> {
                        if (r == 0) {
                            throw badDuration(positionText(d) + "modulo by zero");
                        }
                        yield l % r;
                    }
                    default -> GoMath.pow(l, r);
                };
            }
        };
    }
}
