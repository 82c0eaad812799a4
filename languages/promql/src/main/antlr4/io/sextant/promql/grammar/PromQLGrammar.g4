/*
 * PromQL 3.x expression grammar, written for Sextant after reading Prometheus' generated_parser.y.
 *
 * The tokens come from io.sextant.promql.parser.PromQLLexer, a hand-written port of Prometheus' context-sensitive
 * lexer state machine: keywords are plain identifiers inside braces, only duration syntax is accepted inside
 * brackets, and fill/fill_left/fill_right are keywords only before "(". Comments never reach the parser.
 *
 * Operator precedence follows the order of the alternatives of expr (first binds tightest), with unary +/-
 * between ^ and * as in Prometheus. Semantic checks (types, offsets before ranges, argument counts) happen in
 * AstBuilder and Checker, never here, so that their messages and order match Prometheus.
 */
parser grammar PromQLGrammar;

tokens {
    ERROR, NUMBER, DURATION, STRING, IDENTIFIER, METRIC_IDENTIFIER,
    LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE, LEFT_BRACKET, RIGHT_BRACKET, COMMA, EQL, COLON,
    // operators
    ADD, SUB, MUL, DIV, MOD, POW, EQLC, NEQ, LTE, LSS, GTE, GTR, TRIM_UPPER, TRIM_LOWER, EQL_REGEX, NEQ_REGEX,
    AT, LAND, LOR, LUNLESS, ATAN2,
    // aggregators
    AVG, BOTTOMK, COUNT, COUNT_VALUES, GROUP, MAX, MIN, QUANTILE, STDDEV, STDVAR, SUM, TOPK, LIMITK, LIMIT_RATIO,
    // keywords
    BOOL, BY, GROUP_LEFT, GROUP_RIGHT, FILL, FILL_LEFT, FILL_RIGHT, IGNORING, OFFSET, SMOOTHED, ANCHORED, ON,
    WITHOUT,
    // preprocessor words
    START, END, STEP, RANGE, MAX_OF, MIN_OF
}

query
    : expr EOF
    ;

// A metric selector for match[] parameters: name, name{...} or {...}, nothing else.
metricSelector
    : vectorSelector EOF
    ;

expr
    : expr rangeSuffix                                                          # rangeExpr
    | expr OFFSET offsetDuration                                                # offsetExpr
    | expr AT atTimestamp                                                       # atExpr
    | expr (ANCHORED | SMOOTHED)                                                # extendedExpr
    | <assoc = right> expr op = POW binModifiers expr                           # binaryExpr
    | op = (ADD | SUB) expr                                                     # unaryExpr
    | expr op = (MUL | DIV | MOD | ATAN2) binModifiers expr                     # binaryExpr
    | expr op = (ADD | SUB) binModifiers expr                                   # binaryExpr
    | expr op = (EQLC | NEQ | LTE | LSS | GTE | GTR | TRIM_UPPER | TRIM_LOWER) binModifiers expr # binaryExpr
    | expr op = (LAND | LUNLESS) binModifiers expr                              # binaryExpr
    | expr op = LOR binModifiers expr                                           # binaryExpr
    | aggregation                                                               # aggregationExpr
    | functionCall                                                              # callExpr
    | LEFT_PAREN expr RIGHT_PAREN                                               # parenExpr
    | vectorSelector                                                            # selectorExpr
    | (NUMBER | DURATION)                                                       # numberExpr
    | STRING                                                                    # stringExpr
    ;

// [range] or [range:step] or [range:]
rangeSuffix
    : LEFT_BRACKET range = durationExpr (RIGHT_BRACKET | COLON step = durationExpr? RIGHT_BRACKET)
    ;

binModifiers
    : BOOL? (onOrIgnoring groupingLabels (groupSide = (GROUP_LEFT | GROUP_RIGHT) include = groupingLabels?)?)? fillModifiers?
    ;

onOrIgnoring
    : ON
    | IGNORING
    ;

fillModifiers
    : FILL fillValue
    | FILL_LEFT left = fillValue (FILL_RIGHT right = fillValue)?
    | FILL_RIGHT right = fillValue (FILL_LEFT left = fillValue)?
    ;

fillValue
    : LEFT_PAREN sign = (ADD | SUB)? value = (NUMBER | DURATION) RIGHT_PAREN
    ;

aggregation
    : aggregateOp (aggregateModifier functionArgs | functionArgs aggregateModifier?)
    ;

aggregateOp
    : AVG | BOTTOMK | COUNT | COUNT_VALUES | GROUP | MAX | MIN | QUANTILE | STDDEV | STDVAR | SUM | TOPK | LIMITK
    | LIMIT_RATIO
    ;

aggregateModifier
    : (BY | WITHOUT) groupingLabels
    ;

groupingLabels
    : LEFT_PAREN (groupingLabel (COMMA groupingLabel)* COMMA?)? RIGHT_PAREN
    ;

groupingLabel
    : maybeLabel
    | STRING
    ;

// Words the lexer may turn into keywords that are still fine as label names in grouping lists.
maybeLabel
    : AVG | BOOL | BOTTOMK | BY | COUNT | COUNT_VALUES | GROUP | GROUP_LEFT | GROUP_RIGHT | FILL | FILL_LEFT
    | FILL_RIGHT | IDENTIFIER | IGNORING | LAND | LOR | LUNLESS | MAX | METRIC_IDENTIFIER | MIN | OFFSET | ON
    | QUANTILE | STDDEV | STDVAR | SUM | TOPK | START | END | ATAN2 | LIMITK | LIMIT_RATIO | STEP | RANGE
    | ANCHORED | SMOOTHED | MAX_OF | MIN_OF
    ;

functionCall
    : name = (IDENTIFIER | START | END | STEP | RANGE | MAX_OF | MIN_OF) functionArgs
    ;

functionArgs
    : LEFT_PAREN (expr (COMMA expr)* trailingComma = COMMA?)? RIGHT_PAREN
    ;

vectorSelector
    : metricIdentifier labelMatchers?
    | labelMatchers
    ;

// Words the lexer may turn into keywords that are still fine as metric names.
metricIdentifier
    : AVG | BOTTOMK | BY | COUNT | COUNT_VALUES | FILL | FILL_LEFT | FILL_RIGHT | GROUP | IDENTIFIER | LAND | LOR
    | LUNLESS | MAX | METRIC_IDENTIFIER | MIN | OFFSET | QUANTILE | STDDEV | STDVAR | SUM | TOPK | WITHOUT | START
    | END | LIMITK | LIMIT_RATIO | STEP | RANGE | ANCHORED | SMOOTHED | MAX_OF | MIN_OF
    ;

labelMatchers
    : LEFT_BRACE (labelMatcher (COMMA labelMatcher)* COMMA?)? RIGHT_BRACE
    ;

labelMatcher
    : IDENTIFIER matchOp STRING
    | STRING (matchOp STRING)?
    ;

matchOp
    : EQL | NEQ | EQL_REGEX | NEQ_REGEX
    ;

// After @: a signed number or duration (seconds), start() or end().
atTimestamp
    : sign = (ADD | SUB)? value = (NUMBER | DURATION)
    | (START | END) LEFT_PAREN RIGHT_PAREN
    ;

// After offset the top level is restricted so that a following binary operator ends the offset:
// "foo offset -2^2" is "(foo offset -2)^2".
offsetDuration
    : sign = (ADD | SUB)? durationPrimary
    ;

durationExpr
    : <assoc = right> durationExpr op = POW durationExpr                  # durationBinary
    | op = (ADD | SUB) durationExpr                                       # durationUnary
    | durationExpr op = (MUL | DIV | MOD) durationExpr                    # durationBinary
    | durationExpr op = (ADD | SUB) durationExpr                          # durationBinary
    | durationPrimary                                                     # durationTerm
    ;

durationPrimary
    : (NUMBER | DURATION)                                                 # durationLiteral
    | (STEP | RANGE) LEFT_PAREN RIGHT_PAREN                               # durationStepOrRange
    | (MIN_OF | MAX_OF) LEFT_PAREN durationExpr COMMA durationExpr RIGHT_PAREN # durationMinMax
    | LEFT_PAREN durationExpr RIGHT_PAREN                                 # durationParen
    ;
