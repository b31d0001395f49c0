//! The small expression language of derived scores.
//!
//! `if(score.total <= 3, 0, if(score.psychosocial >= 4, 2, 1))`: numbers, `item.X` and
//! `score.X` references, arithmetic, comparisons, `and`/`or`/`not` and a few functions. There
//! are no loops, no assignment and no I/O, so evaluation always ends. Null (an unanswered item
//! or a score without a value) spreads through arithmetic. It is our own because references
//! must be resolved against the form when it loads (an unknown `score.x` is a load error with
//! its column), which general-purpose evaluator crates do not offer.

use std::fmt;

/// Longest expression accepted, in characters.
pub const MAX_LEN: usize = 2000;
/// Deepest nesting of parentheses and calls accepted.
pub const MAX_NESTING: usize = 32;

/// An expression whose references are of type `R`: [`Name`] as parsed, resolved ones later.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<R> {
    /// A number literal.
    Num(f64),
    /// A reference to an item's answer or a score's value.
    Ref(R),
    /// `-x`
    Neg(Box<Expr<R>>),
    /// `not x`
    Not(Box<Expr<R>>),
    /// `a op b`
    Binary(BinOp, Box<Expr<R>>, Box<Expr<R>>),
    /// `f(a, b, …)`
    Call(Func, Vec<Expr<R>>),
}

/// What a reference points into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Namespace {
    /// `item.X`: an item's answer.
    Item,
    /// `score.X`: another score's value.
    Score,
}

/// A reference as written, with its character offset in the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// `item` or `score`.
    pub namespace: Namespace,
    /// The id after the dot.
    pub name: String,
    /// Character offset of the reference in the expression.
    pub offset: usize,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `==`
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
    /// `and`
    And,
    /// `or`
    Or,
}

/// Built-in functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    /// Smallest argument.
    Min,
    /// Largest argument.
    Max,
    /// Absolute value.
    Abs,
    /// `round(x, decimals)`, half away from zero.
    Round,
    /// `if(condition, then, else)`.
    If,
    /// First non-null argument.
    Coalesce,
    /// 1 when the argument has a value, else 0.
    Answered,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "round" => Func::Round,
            "if" => Func::If,
            "coalesce" => Func::Coalesce,
            "answered" => Func::Answered,
            _ => return None,
        })
    }

    /// Allowed argument counts (min, max).
    fn arity(self) -> (usize, usize) {
        match self {
            Func::Min | Func::Max | Func::Coalesce => (1, 32),
            Func::Abs | Func::Answered => (1, 1),
            Func::Round => (2, 2),
            Func::If => (3, 3),
        }
    }
}

/// A syntax or reference error, at a character offset of the expression.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message} (at character {})", offset + 1)]
pub struct ExprError {
    /// Character offset from 0.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        offset,
        message: message.into(),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Word(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(n) => write!(f, "{n}"),
            Tok::Word(w) => write!(f, "`{w}`"),
            Tok::Op(o) => write!(f, "`{o}`"),
            Tok::LParen => f.write_str("`(`"),
            Tok::RParen => f.write_str("`)`"),
            Tok::Comma => f.write_str("`,`"),
            Tok::End => f.write_str("the end"),
        }
    }
}

fn tokenize(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            match text.parse::<f64>() {
                Ok(n) if n.is_finite() => Tok::Num(n),
                _ => return err(start, format!("`{text}` is not a number")),
            }
        } else if c.is_ascii_alphabetic() || c == '_' {
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            Tok::Word(chars[start..i].iter().collect())
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = ["==", "!=", "<=", ">="].into_iter().find(|op| *op == two);
            if let Some(op) = op {
                i += 2;
                Tok::Op(op)
            } else {
                i += 1;
                match c {
                    '+' => Tok::Op("+"),
                    '-' => Tok::Op("-"),
                    '*' => Tok::Op("*"),
                    '/' => Tok::Op("/"),
                    '<' => Tok::Op("<"),
                    '>' => Tok::Op(">"),
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    '=' => return err(start, "use `==` to compare"),
                    '&' | '|' | '!' => return err(start, "use `and`, `or` and `not`"),
                    _ => return err(start, format!("unexpected character `{c}`")),
                }
            }
        };
        out.push((tok, start));
    }
    out.push((Tok::End, chars.len()));
    Ok(out)
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr<Name>, ExprError> {
    let len = src.chars().count();
    if len > MAX_LEN {
        return err(
            MAX_LEN,
            format!("the expression is longer than {MAX_LEN} characters"),
        );
    }
    let mut parser = Parser {
        toks: tokenize(src)?,
        pos: 0,
        depth: 0,
    };
    if parser.peek() == &Tok::End {
        return err(0, "the expression is empty");
    }
    let expr = parser.or()?;
    match parser.peek() {
        Tok::End => Ok(expr),
        tok => {
            let message = format!("unexpected {tok}: expected an operator or the end");
            err(parser.offset(), message)
        }
    }
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn offset(&self) -> usize {
        self.toks[self.pos].1
    }
    fn bump(&mut self) -> (Tok, usize) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Tok::Word(w) if w == word) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn eat_op(&mut self, ops: &[(&str, BinOp)]) -> Option<BinOp> {
        let found = match self.peek() {
            Tok::Op(o) => ops.iter().find(|(s, _)| s == o).map(|(_, op)| *op),
            _ => None,
        };
        if found.is_some() {
            self.bump();
        }
        found
    }
    fn nest(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return err(
                self.offset(),
                format!("nested more than {MAX_NESTING} levels deep"),
            );
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr<Name>, ExprError> {
        let mut lhs = self.and()?;
        while self.eat_word("or") {
            lhs = Expr::Binary(BinOp::Or, Box::new(lhs), Box::new(self.and()?));
        }
        Ok(lhs)
    }
    fn and(&mut self) -> Result<Expr<Name>, ExprError> {
        let mut lhs = self.not()?;
        while self.eat_word("and") {
            lhs = Expr::Binary(BinOp::And, Box::new(lhs), Box::new(self.not()?));
        }
        Ok(lhs)
    }
    fn not(&mut self) -> Result<Expr<Name>, ExprError> {
        if self.eat_word("not") {
            self.nest()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.comparison()
    }
    fn comparison(&mut self) -> Result<Expr<Name>, ExprError> {
        const OPS: [(&str, BinOp); 6] = [
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
            ("<", BinOp::Lt),
            ("<=", BinOp::Le),
            (">", BinOp::Gt),
            (">=", BinOp::Ge),
        ];
        let lhs = self.sum()?;
        match self.eat_op(&OPS) {
            Some(op) => {
                let rhs = self.sum()?;
                let at = self.offset();
                if self.eat_op(&OPS).is_some() {
                    return err(at, "comparisons cannot be chained; use `and`");
                }
                Ok(Expr::Binary(op, Box::new(lhs), Box::new(rhs)))
            }
            None => Ok(lhs),
        }
    }
    fn sum(&mut self) -> Result<Expr<Name>, ExprError> {
        let mut lhs = self.product()?;
        while let Some(op) = self.eat_op(&[("+", BinOp::Add), ("-", BinOp::Sub)]) {
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(self.product()?));
        }
        Ok(lhs)
    }
    fn product(&mut self) -> Result<Expr<Name>, ExprError> {
        let mut lhs = self.unary()?;
        while let Some(op) = self.eat_op(&[("*", BinOp::Mul), ("/", BinOp::Div)]) {
            lhs = Expr::Binary(op, Box::new(lhs), Box::new(self.unary()?));
        }
        Ok(lhs)
    }
    fn unary(&mut self) -> Result<Expr<Name>, ExprError> {
        if self.eat_op(&[("-", BinOp::Sub)]).is_some() {
            self.nest()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr<Name>, ExprError> {
        let (tok, offset) = self.bump();
        match tok {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::LParen => {
                self.nest()?;
                let inner = self.or()?;
                self.depth -= 1;
                self.expect_close(offset)?;
                Ok(inner)
            }
            Tok::Word(word) => self.word(word, offset),
            tok => err(
                offset,
                format!("unexpected {tok}: expected a number, a reference or `(`"),
            ),
        }
    }
    fn expect_close(&mut self, open: usize) -> Result<(), ExprError> {
        match self.bump() {
            (Tok::RParen, _) => Ok(()),
            (tok, offset) => err(
                offset,
                format!(
                    "expected `)` to close the `(` at character {}, found {tok}",
                    open + 1
                ),
            ),
        }
    }
    fn word(&mut self, word: String, offset: usize) -> Result<Expr<Name>, ExprError> {
        if self.peek() == &Tok::LParen {
            let Some(func) = Func::from_name(&word) else {
                return err(
                    offset,
                    format!(
                        "unknown function `{word}`; known: min, max, abs, round, if, coalesce, answered"
                    ),
                );
            };
            let open = self.offset();
            self.bump();
            self.nest()?;
            let mut args = Vec::new();
            if self.peek() != &Tok::RParen {
                loop {
                    args.push(self.or()?);
                    if self.peek() == &Tok::Comma {
                        self.bump();
                    } else {
                        break;
                    }
                }
            }
            self.depth -= 1;
            self.expect_close(open)?;
            let (lo, hi) = func.arity();
            if args.len() < lo || args.len() > hi {
                let wanted = if lo == hi {
                    format!("{lo}")
                } else {
                    format!("{lo} to {hi}")
                };
                return err(
                    offset,
                    format!("`{word}` takes {wanted} argument(s), not {}", args.len()),
                );
            }
            return Ok(Expr::Call(func, args));
        }
        let (namespace, name) = match word.split_once('.') {
            Some(("item", name)) => (Namespace::Item, name),
            Some(("score", name)) => (Namespace::Score, name),
            _ => {
                return err(
                    offset,
                    format!("`{word}` is not a reference: write `item.<id>` or `score.<id>`"),
                );
            }
        };
        if !crate::id::is_valid_id(name) {
            return err(
                offset + word.find('.').map_or(0, |d| d + 1),
                format!("`{name}` is not a valid id"),
            );
        }
        Ok(Expr::Ref(Name {
            namespace,
            name: name.to_owned(),
            offset,
        }))
    }
}

impl<R> Expr<R> {
    /// Replaces every reference through `resolve`, stopping at the first failure.
    pub fn resolve<S, E>(
        &self,
        resolve: &mut impl FnMut(&R) -> Result<S, E>,
    ) -> Result<Expr<S>, E> {
        Ok(match self {
            Expr::Num(n) => Expr::Num(*n),
            Expr::Ref(r) => Expr::Ref(resolve(r)?),
            Expr::Neg(e) => Expr::Neg(Box::new(e.resolve(resolve)?)),
            Expr::Not(e) => Expr::Not(Box::new(e.resolve(resolve)?)),
            Expr::Binary(op, a, b) => Expr::Binary(
                *op,
                Box::new(a.resolve(resolve)?),
                Box::new(b.resolve(resolve)?),
            ),
            Expr::Call(f, args) => Expr::Call(
                *f,
                args.iter()
                    .map(|a| a.resolve(resolve))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// Visits every reference.
    pub fn for_each_ref(&self, visit: &mut impl FnMut(&R)) {
        match self {
            Expr::Num(_) => {}
            Expr::Ref(r) => visit(r),
            Expr::Neg(e) | Expr::Not(e) => e.for_each_ref(visit),
            Expr::Binary(_, a, b) => {
                a.for_each_ref(visit);
                b.for_each_ref(visit);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.for_each_ref(visit)),
        }
    }

    /// True when every value the expression can take is a whole number, given which
    /// references are whole-numbered. Used to check that bands leave no gaps.
    pub fn is_whole(&self, ref_is_whole: &impl Fn(&R) -> bool) -> bool {
        match self {
            Expr::Num(n) => n.fract() == 0.0,
            Expr::Ref(r) => ref_is_whole(r),
            Expr::Not(_) => true,
            Expr::Neg(e) => e.is_whole(ref_is_whole),
            Expr::Binary(op, a, b) => match op {
                BinOp::Add | BinOp::Sub | BinOp::Mul => {
                    a.is_whole(ref_is_whole) && b.is_whole(ref_is_whole)
                }
                BinOp::Div => false,
                _ => true,
            },
            Expr::Call(f, args) => match f {
                Func::Answered => true,
                Func::Round => matches!(args.get(1), Some(Expr::Num(d)) if *d <= 0.0),
                Func::If => args[1..].iter().all(|a| a.is_whole(ref_is_whole)),
                _ => args.iter().all(|a| a.is_whole(ref_is_whole)),
            },
        }
    }

    /// Evaluates with `lookup` giving each reference's value (`None` for null).
    pub fn eval(&self, lookup: &impl Fn(&R) -> Option<f64>) -> Option<f64> {
        let truth = |b: bool| Some(if b { 1.0 } else { 0.0 });
        match self {
            Expr::Num(n) => Some(*n),
            Expr::Ref(r) => lookup(r),
            Expr::Neg(e) => e.eval(lookup).map(|v| -v),
            Expr::Not(e) => e.eval(lookup).and_then(|v| truth(v == 0.0)),
            Expr::Binary(op, a, b) => {
                let (x, y) = (a.eval(lookup), b.eval(lookup));
                match op {
                    // Kleene logic: a known false decides `and`, a known true decides `or`.
                    BinOp::And => match (x, y) {
                        (Some(0.0), _) | (_, Some(0.0)) => truth(false),
                        (Some(_), Some(_)) => truth(true),
                        _ => None,
                    },
                    BinOp::Or => match (x, y) {
                        (Some(v), _) | (_, Some(v)) if v != 0.0 => truth(true),
                        (Some(_), Some(_)) => truth(false),
                        _ => None,
                    },
                    _ => {
                        let (x, y) = (x?, y?);
                        match op {
                            BinOp::Add => Some(x + y),
                            BinOp::Sub => Some(x - y),
                            BinOp::Mul => Some(x * y),
                            BinOp::Div => (y != 0.0).then(|| x / y),
                            BinOp::Eq => truth(x == y),
                            BinOp::Ne => truth(x != y),
                            BinOp::Lt => truth(x < y),
                            BinOp::Le => truth(x <= y),
                            BinOp::Gt => truth(x > y),
                            BinOp::Ge => truth(x >= y),
                            BinOp::And | BinOp::Or => unreachable!("handled above"),
                        }
                    }
                }
            }
            Expr::Call(f, args) => {
                let mut vals = args.iter().map(|a| a.eval(lookup));
                match f {
                    Func::Min => vals.try_fold(f64::INFINITY, |m, v| v.map(|v| m.min(v))),
                    Func::Max => vals.try_fold(f64::NEG_INFINITY, |m, v| v.map(|v| m.max(v))),
                    Func::Abs => args[0].eval(lookup).map(f64::abs),
                    Func::Round => {
                        let (x, d) = (args[0].eval(lookup)?, args[1].eval(lookup)?);
                        let scale = 10f64.powi(d.clamp(-15.0, 15.0) as i32);
                        Some((x * scale).round() / scale)
                    }
                    Func::If => match args[0].eval(lookup)? {
                        c if c != 0.0 => args[1].eval(lookup),
                        _ => args[2].eval(lookup),
                    },
                    Func::Coalesce => vals.flatten().next(),
                    Func::Answered => truth(args[0].eval(lookup).is_some()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str) -> Option<f64> {
        let e = parse(src).expect("parses");
        e.eval(&|n: &Name| match (n.namespace, n.name.as_str()) {
            (Namespace::Score, "total") => Some(5.0),
            (Namespace::Score, "psychosocial") => Some(4.0),
            (Namespace::Item, "q1") => Some(2.0),
            _ => None,
        })
    }

    #[test]
    fn arithmetic_and_precedence() {
        assert_eq!(eval("1 + 2 * 3"), Some(7.0));
        assert_eq!(eval("(1 + 2) * 3"), Some(9.0));
        assert_eq!(eval("-item.q1 + 10"), Some(8.0));
        assert_eq!(eval("10 / 4"), Some(2.5));
        assert_eq!(eval("1 / 0"), None);
        assert_eq!(eval("round(2 / 3, 2)"), Some(0.67));
    }

    #[test]
    fn logic_with_nulls() {
        assert_eq!(
            eval("score.total >= 4 and score.psychosocial >= 4"),
            Some(1.0)
        );
        assert_eq!(eval("item.missing == 1"), None);
        assert_eq!(eval("item.missing == 1 and 0"), Some(0.0));
        assert_eq!(eval("item.missing == 1 or 1"), Some(1.0));
        assert_eq!(eval("not (1 > 2)"), Some(1.0));
        assert_eq!(eval("coalesce(item.missing, 3)"), Some(3.0));
        assert_eq!(
            eval("answered(item.missing) + answered(item.q1)"),
            Some(1.0)
        );
        assert_eq!(eval("max(1, item.missing)"), None);
    }

    #[test]
    fn start_back_risk_rule() {
        let rule = "if(score.total <= 3, 0, if(score.psychosocial >= 4, 2, 1))";
        assert_eq!(eval(rule), Some(2.0));
    }

    #[test]
    fn errors_carry_positions() {
        let e = parse("score.a + + 1").unwrap_err();
        assert_eq!(e.offset, 10);
        assert_eq!(parse("1 +").unwrap_err().offset, 3);
        assert_eq!(parse("foo(1)").unwrap_err().offset, 0);
        assert_eq!(parse("total + 1").unwrap_err().offset, 0);
        assert_eq!(parse("(1 + 2").unwrap_err().offset, 6);
        assert_eq!(parse("1 < 2 < 3").unwrap_err().offset, 6);
        assert_eq!(parse("if(1, 2)").unwrap_err().offset, 0);
        assert_eq!(parse("1 = 2").unwrap_err().offset, 2);
        assert!(parse("").is_err());
        assert!(parse(&"(".repeat(100)).is_err());
        assert!(parse(&"-".repeat(100)).is_err());
    }

    #[test]
    fn whole_number_inference() {
        let whole = |src: &str| parse(src).unwrap().is_whole(&|_: &Name| true);
        assert!(whole("score.a + 2 * score.b"));
        assert!(whole("if(score.a > 1, 2, 0)"));
        assert!(!whole("score.a / 2"));
        assert!(!whole("score.a + 0.5"));
    }
}
