//! The expression language of `relevant`, `constraint`, `required` and `calculation` cells: the
//! common subset of XLSForm/XPath that checklists use, parsed once at import and evaluated purely.
//!
//! # Grammar
//!
//! ```text
//! expr      := or
//! or        := and ( "or" and )*
//! and       := equality ( "and" equality )*
//! equality  := relation ( ("=" | "!=") relation )*
//! relation  := additive ( ("<" | "<=" | ">" | ">=") additive )*
//! additive  := multiply ( ("+" | "-") multiply )*
//! multiply  := unary ( ("*" | "div" | "mod") unary )*
//! unary     := "-" unary | primary
//! primary   := number | 'string' | "string" | "${" name "}" | "." | "(" expr ")"
//!            | function "(" [ expr ( "," expr )* ] ")"
//! ```
//!
//! Functions: `not(x)`, `true()`, `false()`, `selected(list, 'value')`, `count-selected(list)`,
//! `string-length(s)`, `if(cond, a, b)`, `today()`, `concat(a, …)`, `number(x)`, `int(x)`,
//! `round(x[, digits])`, `coalesce(a, b)`, `string(x)`, `contains(s, t)`.
//!
//! Anything else is refused at import with the sheet, row, column and the construct named:
//! other functions (`regex`, `jr:choice-name`, `pulldata`, `once`, `now`, `indexed-repeat`, …,
//! `regex` because it would need a regular-expression engine whose dialect differs from
//! XPath's), XPath paths (`/data/x`, `..`, bare names), and `|`, `[ ]` predicates.
//!
//! # Values
//!
//! As in XPath, values are numbers, strings or booleans (plus dates, which ODK also has).
//! An unanswered question is the empty string. Comparing a number with a string converts the
//! string to a number (the empty string becomes NaN, so `${age} > 5` is false while `age` is
//! unanswered); dates compare with dates and with `YYYY-MM-DD` strings. A `select_multiple`
//! answer is its choice names joined by spaces, as in ODK. `today()` is the date the caller
//! passes in [`Env::today`], so evaluation stays pure.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most tokens (numbers, names, operators…) one expression may have.
pub const MAX_TOKENS: usize = 500;

/// A parsed expression with the text it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expression {
    /// The expression as written in the sheet.
    pub source: String,
    /// The parsed tree.
    pub ast: Expr,
}

impl Expression {
    /// Parses `source`; the error says what is wrong and where in the text.
    pub fn parse(source: &str) -> Result<Self, String> {
        let tokens = tokenize(source)?;
        // The parser and evaluator recurse once per nesting level; capping the token count
        // caps that depth, so a hostile cell cannot overflow the stack.
        if tokens.len() > MAX_TOKENS {
            return Err(format!(
                "the expression is too long ({} parts; at most {MAX_TOKENS})",
                tokens.len()
            ));
        }
        let mut parser = Parser { tokens, pos: 0 };
        let ast = parser.or()?;
        if let Some(token) = parser.tokens.get(parser.pos) {
            return Err(format!(
                "unexpected `{}` after a complete expression",
                token.0
            ));
        }
        Ok(Self {
            source: source.to_owned(),
            ast,
        })
    }

    /// Every `${name}` the expression refers to, in order of appearance.
    pub fn references(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.ast.collect_refs(&mut out);
        out
    }

    /// Evaluates the expression; `current` is the value of `.`.
    pub fn eval(&self, env: &dyn Env, current: &Value) -> Value {
        self.ast.eval(env, current)
    }
}

/// The expression tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Expr {
    /// A number literal.
    Number {
        /// Its value.
        value: f64,
    },
    /// A string literal.
    Text {
        /// Its value.
        value: String,
    },
    /// `${name}`.
    Ref {
        /// The question's name.
        name: String,
    },
    /// `.`: the value of the question the expression belongs to.
    Current,
    /// `-x`.
    Negate {
        /// The operand.
        operand: Box<Expr>,
    },
    /// A binary operator.
    Binary {
        /// Which operator.
        operator: BinOp,
        /// Left operand.
        left: Box<Expr>,
        /// Right operand.
        right: Box<Expr>,
    },
    /// A call of one of the supported functions.
    Call {
        /// Which function.
        function: Function,
        /// Its arguments.
        args: Vec<Expr>,
    },
}

/// Binary operators, loosest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `div`
    Div,
    /// `mod`
    Mod,
}

/// The supported functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Function {
    /// `not(x)`
    Not,
    /// `true()`
    True,
    /// `false()`
    False,
    /// `selected(list, value)`
    Selected,
    /// `count-selected(list)`
    CountSelected,
    /// `string-length(s)`
    StringLength,
    /// `if(cond, then, else)`
    If,
    /// `today()`
    Today,
    /// `concat(a, …)`
    Concat,
    /// `number(x)`
    Number,
    /// `int(x)`
    Int,
    /// `round(x[, digits])`
    Round,
    /// `coalesce(a, b)`
    Coalesce,
    /// `string(x)`
    String,
    /// `contains(s, t)`
    Contains,
}

impl Function {
    fn lookup(name: &str) -> Option<(Self, usize, usize)> {
        // (function, fewest arguments, most arguments)
        Some(match name {
            "not" => (Self::Not, 1, 1),
            "true" => (Self::True, 0, 0),
            "false" => (Self::False, 0, 0),
            "selected" => (Self::Selected, 2, 2),
            "count-selected" => (Self::CountSelected, 1, 1),
            "string-length" => (Self::StringLength, 1, 1),
            "if" => (Self::If, 3, 3),
            "today" => (Self::Today, 0, 0),
            "concat" => (Self::Concat, 1, usize::MAX),
            "number" => (Self::Number, 1, 1),
            "int" => (Self::Int, 1, 1),
            "round" => (Self::Round, 1, 2),
            "coalesce" => (Self::Coalesce, 2, 2),
            "string" => (Self::String, 1, 1),
            "contains" => (Self::Contains, 2, 2),
            _ => return None,
        })
    }
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A number (integers and decimals alike, as in XPath).
    Number(f64),
    /// A string; unanswered questions are the empty string.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
}

impl Value {
    /// The empty string: an unanswered question.
    pub fn empty() -> Self {
        Self::Text(String::new())
    }

    /// XPath `boolean()`.
    pub fn truthy(&self) -> bool {
        match self {
            Self::Number(n) => *n != 0.0 && !n.is_nan(),
            Self::Text(s) => !s.is_empty(),
            Self::Bool(b) => *b,
            Self::Date(_) => true,
        }
    }

    /// XPath `number()`: NaN for text that is not a number; dates are days since 1970-01-01.
    pub fn number(&self) -> f64 {
        match self {
            Self::Number(n) => *n,
            Self::Text(s) => s.trim().parse().unwrap_or(f64::NAN),
            Self::Bool(b) => f64::from(u8::from(*b)),
            Self::Date(d) => days_since_epoch(*d),
        }
    }

    fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Self::Date(d) => Some(*d),
            Self::Text(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) if n.is_nan() => f.write_str("NaN"),
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(s) => f.write_str(s),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

fn days_since_epoch(d: NaiveDate) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (d - epoch).num_days() as f64
}

/// What an expression can see: the answers and today's date.
pub trait Env {
    /// The value of `${name}`; [`Value::empty`] when unanswered or not relevant.
    fn value(&self, name: &str) -> Value;
    /// The date `today()` returns.
    fn today(&self) -> NaiveDate;
}

impl Expr {
    fn collect_refs<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Self::Ref { name } => out.push(name),
            Self::Negate { operand } => operand.collect_refs(out),
            Self::Binary { left, right, .. } => {
                left.collect_refs(out);
                right.collect_refs(out);
            }
            Self::Call { args, .. } => args.iter().for_each(|a| a.collect_refs(out)),
            Self::Number { .. } | Self::Text { .. } | Self::Current => {}
        }
    }

    fn eval(&self, env: &dyn Env, current: &Value) -> Value {
        match self {
            Self::Number { value } => Value::Number(*value),
            Self::Text { value } => Value::Text(value.clone()),
            Self::Ref { name } => env.value(name),
            Self::Current => current.clone(),
            Self::Negate { operand } => Value::Number(-operand.eval(env, current).number()),
            Self::Binary {
                operator,
                left,
                right,
            } => {
                let l = left.eval(env, current);
                // `and`/`or` short-circuit, as in XPath.
                match operator {
                    BinOp::And if !l.truthy() => return Value::Bool(false),
                    BinOp::Or if l.truthy() => return Value::Bool(true),
                    _ => {}
                }
                let r = right.eval(env, current);
                binary(*operator, &l, &r)
            }
            Self::Call { function, args } => {
                let arg = |i: usize| {
                    args.get(i)
                        .map_or_else(Value::empty, |a| a.eval(env, current))
                };
                match function {
                    Function::Not => Value::Bool(!arg(0).truthy()),
                    Function::True => Value::Bool(true),
                    Function::False => Value::Bool(false),
                    Function::Selected => {
                        let list = arg(0).to_string();
                        let wanted = arg(1).to_string();
                        let wanted = wanted.trim();
                        Value::Bool(list.split_whitespace().any(|v| v == wanted))
                    }
                    Function::CountSelected => {
                        Value::Number(arg(0).to_string().split_whitespace().count() as f64)
                    }
                    Function::StringLength => {
                        Value::Number(arg(0).to_string().chars().count() as f64)
                    }
                    Function::If => {
                        if arg(0).truthy() {
                            arg(1)
                        } else {
                            arg(2)
                        }
                    }
                    Function::Today => Value::Date(env.today()),
                    Function::Concat => {
                        Value::Text((0..args.len()).map(|i| arg(i).to_string()).collect())
                    }
                    Function::Number => Value::Number(arg(0).number()),
                    Function::Int => Value::Number(arg(0).number().trunc()),
                    Function::Round => {
                        let x = arg(0).number();
                        let digits = if args.len() > 1 { arg(1).number() } else { 0.0 };
                        let scale = 10f64.powf(digits.trunc());
                        Value::Number((x * scale).round() / scale)
                    }
                    Function::Coalesce => {
                        let first = arg(0);
                        if first.to_string().is_empty() {
                            arg(1)
                        } else {
                            first
                        }
                    }
                    Function::String => Value::Text(arg(0).to_string()),
                    Function::Contains => {
                        Value::Bool(arg(0).to_string().contains(&arg(1).to_string()))
                    }
                }
            }
        }
    }
}

fn binary(op: BinOp, l: &Value, r: &Value) -> Value {
    match op {
        BinOp::Or | BinOp::And => Value::Bool(r.truthy()),
        BinOp::Eq | BinOp::Ne => {
            let equal = equals(l, r);
            Value::Bool(if op == BinOp::Eq { equal } else { !equal })
        }
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let (a, b) = match (l.as_date(), r.as_date()) {
                (Some(a), Some(b))
                    if matches!(l, Value::Date(_)) || matches!(r, Value::Date(_)) =>
                {
                    (days_since_epoch(a), days_since_epoch(b))
                }
                _ => (l.number(), r.number()),
            };
            // NaN makes every comparison false, which is XPath's rule too.
            Value::Bool(match op {
                BinOp::Lt => a < b,
                BinOp::Le => a <= b,
                BinOp::Gt => a > b,
                _ => a >= b,
            })
        }
        BinOp::Add => Value::Number(l.number() + r.number()),
        BinOp::Sub => Value::Number(l.number() - r.number()),
        BinOp::Mul => Value::Number(l.number() * r.number()),
        BinOp::Div => Value::Number(l.number() / r.number()),
        BinOp::Mod => Value::Number(l.number() % r.number()),
    }
}

fn equals(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Bool(a), b) | (b, Value::Bool(a)) => *a == b.truthy(),
        (Value::Date(_), _) | (_, Value::Date(_)) => match (l.as_date(), r.as_date()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        (Value::Number(a), b) | (b, Value::Number(a)) => *a == b.number(),
        (Value::Text(a), Value::Text(b)) => a == b,
    }
}

// ---- tokenizer ----

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Number(f64),
    Str(String),
    Ref(String),
    Name(String),
    Dot,
    Sym(&'static str),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Str(s) => write!(f, "'{s}'"),
            Self::Ref(n) => write!(f, "${{{n}}}"),
            Self::Name(n) => f.write_str(n),
            Self::Dot => f.write_str("."),
            Self::Sym(s) => f.write_str(s),
        }
    }
}

struct Token(Tok);

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

fn tokenize(src: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '$' if next == Some('{') => {
                let start = i + 2;
                let end = chars[start..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("`${` without its closing `}`")?;
                let name: String = chars[start..start + end].iter().collect();
                let name = name.trim().to_owned();
                if name.is_empty() {
                    return Err("empty reference `${}`".into());
                }
                out.push(Token(Tok::Ref(name)));
                i = start + end + 1;
            }
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|&q| q == c).ok_or_else(|| {
                    format!("string starting at character {} is never closed", i + 1)
                })?;
                out.push(Token(Tok::Str(chars[i + 1..i + 1 + end].iter().collect())));
                i += end + 2;
            }
            c if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                let n = text
                    .parse()
                    .map_err(|_| format!("`{text}` is not a number"))?;
                out.push(Token(Tok::Number(n)));
            }
            '.' if next == Some('.') => {
                return Err("XPath paths (`..`) are not supported; use ${name}".into());
            }
            '.' => {
                out.push(Token(Tok::Dot));
                i += 1;
            }
            '/' => return Err("XPath paths (`/…`) are not supported; use ${name}".into()),
            '|' | '[' | ']' | '@' => {
                return Err(format!("`{c}` (XPath node sets) is not supported"));
            }
            '!' if next == Some('=') => {
                out.push(Token(Tok::Sym("!=")));
                i += 2;
            }
            '<' | '>' if next == Some('=') => {
                out.push(Token(Tok::Sym(if c == '<' { "<=" } else { ">=" })));
                i += 2;
            }
            '=' | '<' | '>' | '+' | '-' | '*' | '(' | ')' | ',' => {
                let sym = match c {
                    '=' => "=",
                    '<' => "<",
                    '>' => ">",
                    '+' => "+",
                    '-' => "-",
                    '*' => "*",
                    '(' => "(",
                    ')' => ")",
                    _ => ",",
                };
                out.push(Token(Tok::Sym(sym)));
                i += 1;
            }
            c if is_name_start(c) => {
                let start = i;
                while i < chars.len() && is_name_char(chars[i]) {
                    i += 1;
                }
                out.push(Token(Tok::Name(chars[start..i].iter().collect())));
            }
            other => return Err(format!("unexpected character `{other}`")),
        }
    }
    Ok(out)
}

// ---- parser ----

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.0)
    }

    fn eat_sym(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(s)) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Name(n)) if n == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn binary_level(
        &mut self,
        next: fn(&mut Self) -> Result<Expr, String>,
        ops: &[(&str, bool, BinOp)],
    ) -> Result<Expr, String> {
        let mut left = next(self)?;
        'outer: loop {
            for &(text, word, op) in ops {
                let matched = if word {
                    self.eat_word(text)
                } else {
                    self.eat_sym(text)
                };
                if matched {
                    let right = next(self)?;
                    left = Expr::Binary {
                        operator: op,
                        left: Box::new(left),
                        right: Box::new(right),
                    };
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        self.binary_level(Self::and, &[("or", true, BinOp::Or)])
    }
    fn and(&mut self) -> Result<Expr, String> {
        self.binary_level(Self::equality, &[("and", true, BinOp::And)])
    }
    fn equality(&mut self) -> Result<Expr, String> {
        self.binary_level(
            Self::relation,
            &[("=", false, BinOp::Eq), ("!=", false, BinOp::Ne)],
        )
    }
    fn relation(&mut self) -> Result<Expr, String> {
        self.binary_level(
            Self::additive,
            &[
                ("<=", false, BinOp::Le),
                (">=", false, BinOp::Ge),
                ("<", false, BinOp::Lt),
                (">", false, BinOp::Gt),
            ],
        )
    }
    fn additive(&mut self) -> Result<Expr, String> {
        self.binary_level(
            Self::multiply,
            &[("+", false, BinOp::Add), ("-", false, BinOp::Sub)],
        )
    }
    fn multiply(&mut self) -> Result<Expr, String> {
        self.binary_level(
            Self::unary,
            &[
                ("*", false, BinOp::Mul),
                ("div", true, BinOp::Div),
                ("mod", true, BinOp::Mod),
            ],
        )
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_sym("-") {
            return Ok(Expr::Negate {
                operand: Box::new(self.unary()?),
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(token) = self.peek().cloned() else {
            return Err("the expression ends where a value was expected".into());
        };
        self.pos += 1;
        match token {
            Tok::Number(value) => Ok(Expr::Number { value }),
            Tok::Str(value) => Ok(Expr::Text { value }),
            Tok::Ref(name) => Ok(Expr::Ref { name }),
            Tok::Dot => Ok(Expr::Current),
            Tok::Sym("(") => {
                let inner = self.or()?;
                if !self.eat_sym(")") {
                    return Err("`(` without its closing `)`".into());
                }
                Ok(inner)
            }
            Tok::Name(name) => {
                if !self.eat_sym("(") {
                    return Err(format!(
                        "`{name}` is an XPath path, which is not supported; refer to questions as ${{name}}"
                    ));
                }
                let Some((function, min, max)) = Function::lookup(&name) else {
                    return Err(format!("unsupported function `{name}()`"));
                };
                let mut args = Vec::new();
                if !self.eat_sym(")") {
                    loop {
                        args.push(self.or()?);
                        if self.eat_sym(")") {
                            break;
                        }
                        if !self.eat_sym(",") {
                            return Err(format!(
                                "expected `,` or `)` in the arguments of `{name}()`"
                            ));
                        }
                    }
                }
                if args.len() < min || args.len() > max {
                    let wanted = if min == max {
                        format!("{min}")
                    } else if max == usize::MAX {
                        format!("at least {min}")
                    } else {
                        format!("{min} to {max}")
                    };
                    return Err(format!(
                        "`{name}()` takes {wanted} argument(s), not {}",
                        args.len()
                    ));
                }
                Ok(Expr::Call { function, args })
            }
            Tok::Sym(s) => Err(format!("unexpected `{s}` where a value was expected")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct E;
    impl Env for E {
        fn value(&self, name: &str) -> Value {
            match name {
                "age" => Value::Number(30.0),
                "sel" => Value::Text("a b".into()),
                _ => Value::empty(),
            }
        }
        fn today(&self) -> NaiveDate {
            NaiveDate::from_ymd_opt(2025, 1, 2).unwrap()
        }
    }

    fn ev(s: &str) -> Value {
        Expression::parse(s).unwrap().eval(&E, &Value::Number(4.0))
    }

    #[test]
    fn evaluates_common_forms() {
        assert_eq!(ev("1 + 2 * 3"), Value::Number(7.0));
        assert_eq!(ev("${age} >= 18 and . < 5"), Value::Bool(true));
        assert_eq!(ev("selected(${sel}, 'b')"), Value::Bool(true));
        assert_eq!(ev("count-selected(${sel})"), Value::Number(2.0));
        assert_eq!(ev("if(${none} = '', 'x', 'y')"), Value::Text("x".into()));
        assert_eq!(ev("${none} > 5"), Value::Bool(false));
        assert_eq!(ev("7 mod 3 + 6 div 4"), Value::Number(2.5));
        assert_eq!(ev("today() > '2024-12-31'"), Value::Bool(true));
        assert_eq!(ev("not(selected (., 'x'))"), Value::Bool(true));
        assert_eq!(ev("-${age}-1"), Value::Number(-31.0));
    }

    #[test]
    fn refuses_unsupported() {
        assert!(
            Expression::parse("regex(., 'a')")
                .unwrap_err()
                .contains("regex")
        );
        assert!(Expression::parse("/data/x = 1").is_err());
        assert!(Expression::parse("(1 + 2").is_err());
        assert!(Expression::parse("1 +").is_err());
        assert!(Expression::parse("'abc").is_err());
        let deep = format!("{}1{}", "(".repeat(400), ")".repeat(400));
        assert!(Expression::parse(&deep).unwrap_err().contains("too long"));
    }
}
