//! XLSForm expressions (`relevant`, `calculation`) to Svar conditions and scores, and Svar
//! conditions back to `relevant`. Only what Svar can mean exactly is translated: comparisons
//! of a question or score with a value, `selected()`, `and`, `or`, `not()`, and sums and means
//! of questions; anything else is refused with what was not understood.

use serde_json::{Value, json};
use std::collections::HashMap;

/// What a `${name}` in an expression refers to.
#[derive(Debug, Clone)]
pub enum Name {
    /// A question, with its choices' names mapped to their Svar values (selects only).
    Item {
        /// Whether it is a `select_multiple` (tested with `selected()`).
        multiple: bool,
        /// Choice name to Svar value.
        choices: Option<HashMap<String, f64>>,
    },
    /// A score (a `calculate` row Svar imports as a score).
    Score,
    /// A `calculate` row that is not a sum or mean, which Svar does not carry over.
    Calculation,
    /// A field the phone records (`hidden`, `start`, `deviceid`, …), which a kiosk does not.
    NotAsked,
}

/// The names an expression may use.
pub type Names = HashMap<String, Name>;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ref(String),
    Num(f64),
    Str(String),
    Word(String),
    Op(&'static str),
    Open,
    Close,
    Comma,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().take(2).collect();
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '$' if chars.get(i + 1) == Some(&'{') => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("a `${` is not closed with `}`")?;
                out.push(Token::Ref(chars[i + 2..i + end].iter().collect()));
                i += end + 1;
            }
            // Curly quotes pasted from a word processor are read as the straight ones.
            '\'' | '"' | '‘' | '“' => {
                let close = match c {
                    '‘' => '’',
                    '“' => '”',
                    other => other,
                };
                let end = chars[i + 1..]
                    .iter()
                    .position(|&q| q == close)
                    .ok_or("a quoted text is not closed")?;
                out.push(Token::Str(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            ',' => {
                out.push(Token::Comma);
                i += 1;
            }
            // A path (`../name`, `./name`, `/data/group/name`) names its last part.
            '.' | '/'
                if chars
                    .get(i + 1)
                    .is_some_and(|n| *n == '.' || *n == '/' || n.is_alphabetic()) =>
            {
                let end = chars[i..]
                    .iter()
                    .position(|c| !(c.is_alphanumeric() || "._-/".contains(*c)))
                    .unwrap_or(chars.len() - i);
                let path: String = chars[i..i + end].iter().collect();
                let last = path.rsplit('/').next().unwrap_or_default();
                if last.is_empty() || last.starts_with('.') {
                    return Err(format!("the path `{path}` does not name a question"));
                }
                out.push(Token::Ref(last.to_owned()));
                i += end;
            }
            _ if ["!=", "<=", ">="].contains(&rest.as_str()) => {
                out.push(Token::Op(match rest.as_str() {
                    "!=" => "!=",
                    "<=" => "<=",
                    _ => ">=",
                }));
                i += 2;
            }
            '=' | '<' | '>' | '+' | '-' | '*' | '/' => {
                out.push(Token::Op(match c {
                    '=' => "=",
                    '<' => "<",
                    '>' => ">",
                    '+' => "+",
                    '-' => "-",
                    '*' => "*",
                    _ => "/",
                }));
                i += 1;
            }
            c if c.is_ascii_digit() || c == '.' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| !(c.is_ascii_digit() || *c == '.'))
                    .unwrap_or(chars.len() - i);
                let number: String = chars[i..i + end].iter().collect();
                out.push(Token::Num(
                    number
                        .parse()
                        .map_err(|_| format!("`{number}` is not a number"))?,
                ));
                i += end;
            }
            c if c.is_alphabetic() || c == '_' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| !(c.is_alphanumeric() || *c == '_' || *c == '-' || *c == ':'))
                    .unwrap_or(chars.len() - i);
                out.push(Token::Word(chars[i..i + end].iter().collect()));
                i += end;
            }
            other => return Err(format!("`{other}` is not understood here")),
        }
    }
    Ok(out)
}

struct Parser<'n> {
    tokens: Vec<Token>,
    at: usize,
    names: &'n Names,
}

/// An operand of a comparison.
enum Operand {
    Ref(String),
    Value(Value),
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn expect(&mut self, token: Token, what: &str) -> Result<(), String> {
        match self.next() {
            Some(t) if t == token => Ok(()),
            _ => Err(format!("{what} is missing")),
        }
    }

    fn word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn or(&mut self) -> Result<Value, String> {
        self.joined("or", "any", Self::and)
    }

    fn and(&mut self) -> Result<Value, String> {
        self.joined("and", "all", Self::unary)
    }

    /// Terms read by `term` joined by `word`: one term as it is, several under `key`.
    fn joined(
        &mut self,
        word: &str,
        key: &str,
        term: fn(&mut Self) -> Result<Value, String>,
    ) -> Result<Value, String> {
        let mut parts = vec![term(self)?];
        while self.word(word) {
            self.at += 1;
            parts.push(term(self)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            json!({ key: parts })
        })
    }

    fn unary(&mut self) -> Result<Value, String> {
        if self.word("not") {
            self.at += 1;
            self.expect(Token::Open, "`(` after `not`")?;
            let inner = self.or()?;
            self.expect(Token::Close, "`)` closing `not(`")?;
            return Ok(json!({ "not": inner }));
        }
        if self.peek() == Some(&Token::Open) {
            self.at += 1;
            let inner = self.or()?;
            self.expect(Token::Close, "a closing `)`")?;
            return Ok(inner);
        }
        if self.word("selected") || self.word("contains") {
            let Some(Token::Word(function)) = self.next() else {
                unreachable!("checked by word()");
            };
            self.expect(Token::Open, "`(`")?;
            let Some(Token::Ref(name)) = self.next() else {
                return Err(format!(
                    "`{function}(` must name a question: `{function}(${{q}}, 'v')`"
                ));
            };
            self.expect(Token::Comma, "`,`")?;
            let Some(Token::Str(value)) = self.next() else {
                return Err(format!("`{function}(` takes a quoted value"));
            };
            self.expect(Token::Close, "`)`")?;
            return self.test(
                &name,
                if function == "selected" {
                    "selected"
                } else {
                    "contains"
                },
                Value::String(value),
            );
        }
        self.comparison()
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.next() {
            Some(Token::Ref(name)) => Ok(Operand::Ref(name)),
            Some(Token::Num(n)) => Ok(Operand::Value(json!(n))),
            Some(Token::Op("-")) => match self.next() {
                Some(Token::Num(n)) => Ok(Operand::Value(json!(-n))),
                _ => Err("a `-` must be followed by a number".into()),
            },
            Some(Token::Str(s)) => Ok(Operand::Value(Value::String(s))),
            Some(Token::Word(w)) if w == "date" => {
                self.expect(Token::Open, "`(` after `date`")?;
                let Some(Token::Str(day)) = self.next() else {
                    return Err("`date(` takes a quoted date 'YYYY-MM-DD'".into());
                };
                self.expect(Token::Close, "`)` closing `date(`")?;
                Ok(Operand::Value(Value::String(day)))
            }
            Some(Token::Word(w)) => Err(format!("`{w}` is not something Svar can test")),
            Some(other) => Err(format!("`{}` is not understood here", show(&other))),
            None => Err("the expression ends too soon".into()),
        }
    }

    fn comparison(&mut self) -> Result<Value, String> {
        let left = self.operand()?;
        let Some(Token::Op(op)) = self.next() else {
            return Err("a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`) is expected".into());
        };
        let right = self.operand()?;
        let (name, op, value) = match (left, right) {
            (Operand::Ref(name), Operand::Value(v)) => (name, op, v),
            (Operand::Value(v), Operand::Ref(name)) => (name, flip(op), v),
            _ => return Err("a comparison must be between a question and a value".into()),
        };
        self.test(&name, op, value)
    }

    /// A test of `${name}` against a value.
    fn test(&mut self, name: &str, op: &str, value: Value) -> Result<Value, String> {
        let Some(kind) = self.names.get(name) else {
            return Err(format!(
                "`${{{name}}}` is not a question or score of this form"
            ));
        };
        let empty = value.as_str() == Some("");
        match kind {
            Name::NotAsked => Err(format!(
                "`${{{name}}}` is recorded by the phone, not asked, so a kiosk has no answer to test"
            )),
            Name::Calculation => Err(format!(
                "`${{{name}}}` is a calculation that is not a sum or mean of questions, which Svar does not carry over"
            )),
            Name::Score => {
                let Some(n) = number(&value) else {
                    return Err(format!("the score `{name}` is compared with a number"));
                };
                let op = svar_op(op)
                    .ok_or("a score is compared with `=`, `!=`, `<`, `<=`, `>` or `>=`")?;
                Ok(json!({"score": name, "op": op, "value": n}))
            }
            Name::Item { multiple, choices } => {
                if empty && op == "=" {
                    return Ok(json!({"item": name, "op": "not_answered"}));
                }
                if empty && op == "!=" {
                    return Ok(json!({"item": name, "op": "answered"}));
                }
                let value = match (choices, &value) {
                    (Some(map), Value::String(s)) => json!(
                        map.get(s)
                            .copied()
                            .ok_or_else(|| { format!("`{s}` is not a choice of `{name}`") })?
                    ),
                    (Some(map), Value::Number(n)) => {
                        let key = n.to_string();
                        json!(map.get(&key).copied().or(n.as_f64()).unwrap_or_default())
                    }
                    (None, Value::String(s)) => {
                        number(&value).map_or_else(|| json!(s), |n| json!(n))
                    }
                    _ => value.clone(),
                };
                let op = match op {
                    "selected" if *multiple => "contains",
                    "selected" => "equals",
                    "contains" => "contains",
                    other => svar_op(other).ok_or("this comparison is not understood")?,
                };
                Ok(json!({"item": name, "op": op, "value": value}))
            }
        }
    }
}

fn show(token: &Token) -> String {
    match token {
        Token::Ref(n) => format!("${{{n}}}"),
        Token::Num(n) => n.to_string(),
        Token::Str(s) => format!("'{s}'"),
        Token::Word(w) => w.clone(),
        Token::Op(o) => (*o).to_owned(),
        Token::Open => "(".into(),
        Token::Close => ")".into(),
        Token::Comma => ",".into(),
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flip(op: &'static str) -> &'static str {
    match op {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        other => other,
    }
}

fn svar_op(op: &str) -> Option<&'static str> {
    Some(match op {
        "=" => "equals",
        "!=" => "not_equals",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        ">=" => ">=",
        _ => return None,
    })
}

/// Translates a `relevant` expression into a Svar condition.
pub fn condition(text: &str, names: &Names) -> Result<Value, String> {
    let mut p = Parser {
        tokens: tokens(text)?,
        at: 0,
        names,
    };
    let condition = p.or()?;
    match p.peek() {
        None => Ok(condition),
        Some(t) => Err(format!("`{}` is not understood here", show(t))),
    }
}

/// A `calculation` Svar imports as a score: the sum of questions, or their mean
/// (`(… + …) div N` with N the number of questions).
pub fn score(text: &str) -> Option<(&'static str, Vec<String>)> {
    let tokens = tokens(text).ok()?;
    let mut inner: &[Token] = &tokens;
    let mut divisor = None;
    if let [
        Token::Open,
        middle @ ..,
        Token::Close,
        Token::Word(div),
        Token::Num(n),
    ] = &tokens[..]
        && div == "div"
    {
        inner = middle;
        divisor = Some(*n);
    } else if let [
        Token::Open,
        middle @ ..,
        Token::Close,
        Token::Op("/"),
        Token::Num(n),
    ] = &tokens[..]
    {
        inner = middle;
        divisor = Some(*n);
    }
    let mut items = Vec::new();
    for (k, token) in inner.iter().enumerate() {
        match (k % 2, token) {
            (0, Token::Ref(name)) => items.push(name.clone()),
            (1, Token::Op("+")) => {}
            _ => return None,
        }
    }
    if items.is_empty() || inner.len().is_multiple_of(2) {
        return None;
    }
    match divisor {
        None => Some(("sum", items)),
        Some(n) if n == items.len() as f64 => Some(("mean", items)),
        Some(_) => None,
    }
}

/// Writes a Svar condition as a `relevant` expression: `quoted` says which items are selects
/// (their values are written quoted), `score_name` the XLSForm name of each score.
pub fn relevant(
    condition: &Value,
    quoted: &dyn Fn(&str) -> bool,
    score_name: &dyn Fn(&str) -> String,
) -> Option<String> {
    let list = |key: &str, joiner: &str| -> Option<String> {
        let parts: Option<Vec<String>> = condition[key]
            .as_array()?
            .iter()
            .map(|c| relevant(c, quoted, score_name).map(|r| format!("({r})")))
            .collect();
        Some(parts?.join(joiner))
    };
    if condition.get("all").is_some() {
        return list("all", " and ");
    }
    if condition.get("any").is_some() {
        return list("any", " or ");
    }
    if let Some(inner) = condition.get("not") {
        return Some(format!("not({})", relevant(inner, quoted, score_name)?));
    }
    let op = condition["op"].as_str()?;
    let value = &condition["value"];
    if let Some(score) = condition["score"].as_str() {
        let name = score_name(score);
        return Some(format!(
            "${{{name}}} {} {}",
            xls_op(op)?,
            literal(value, false)
        ));
    }
    let item = condition["item"].as_str()?;
    Some(match op {
        "answered" => format!("${{{item}}} != ''"),
        "not_answered" => format!("${{{item}}} = ''"),
        "contains" if value.is_string() && !quoted(item) => {
            format!("contains(${{{item}}}, {})", literal(value, true))
        }
        "contains" => format!("selected(${{{item}}}, {})", literal(value, true)),
        other => format!(
            "${{{item}}} {} {}",
            xls_op(other)?,
            literal(value, quoted(item))
        ),
    })
}

fn xls_op(op: &str) -> Option<&'static str> {
    Some(match op {
        "equals" => "=",
        "not_equals" => "!=",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        ">=" => ">=",
        _ => return None,
    })
}

/// A value as XLSForm writes it: a date as `date('…')`, a select's value quoted.
fn literal(value: &Value, quote: bool) -> String {
    match value {
        Value::String(s) if is_date(s) => format!("date('{s}')"),
        Value::String(s) => format!("'{s}'"),
        Value::Number(n) => {
            let n = number_text(n.as_f64().unwrap_or_default());
            if quote { format!("'{n}'") } else { n }
        }
        other => other.to_string(),
    }
}

fn is_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-'
}

/// A number as a choice name and in expressions: `2`, not `2.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let choices: HashMap<String, f64> =
            [("yes".to_owned(), 1.0), ("no".to_owned(), 0.0)].into();
        [
            (
                "q1".to_owned(),
                Name::Item {
                    multiple: false,
                    choices: Some(choices),
                },
            ),
            (
                "pain".to_owned(),
                Name::Item {
                    multiple: false,
                    choices: None,
                },
            ),
            (
                "where".to_owned(),
                Name::Item {
                    multiple: true,
                    choices: None,
                },
            ),
            ("total".to_owned(), Name::Score),
        ]
        .into()
    }

    #[test]
    fn relevant_expressions_become_conditions() {
        let n = names();
        assert_eq!(
            condition("${q1} = 'yes' and ${pain} >= 5", &n).unwrap(),
            json!({"all": [{"item": "q1", "op": "equals", "value": 1.0},
                           {"item": "pain", "op": ">=", "value": 5.0}]})
        );
        assert_eq!(
            condition("not(selected(${where}, 'knee')) or 10 < ${total}", &n).unwrap(),
            json!({"any": [{"not": {"item": "where", "op": "contains", "value": "knee"}},
                           {"score": "total", "op": ">", "value": 10.0}]})
        );
        assert_eq!(
            condition("${pain} != ''", &n).unwrap(),
            json!({"item": "pain", "op": "answered"})
        );
        assert!(
            condition("${nothing} = 1", &n)
                .unwrap_err()
                .contains("`${nothing}`")
        );
        assert!(condition("count-selected(${where}) > 1", &n).is_err());
        assert!(
            condition("${q1} = 'maybe'", &n)
                .unwrap_err()
                .contains("not a choice")
        );
    }

    #[test]
    fn sums_and_means_become_scores() {
        assert_eq!(
            score("${a} + ${b} + ${c}"),
            Some(("sum", vec!["a".into(), "b".into(), "c".into()]))
        );
        assert_eq!(
            score("(${a} + ${b}) div 2"),
            Some(("mean", vec!["a".into(), "b".into()]))
        );
        assert_eq!(score("(${a} + ${b}) div 3"), None);
        assert_eq!(score("if(${a} > 1, 1, 0)"), None);
    }

    #[test]
    fn conditions_are_written_back_as_they_are_read() {
        let mut n = names();
        // As Svar writes its selects: choice names are the option values.
        let numbered: HashMap<String, f64> = [("0".to_owned(), 0.0), ("1".to_owned(), 1.0)].into();
        n.insert(
            "q1".into(),
            Name::Item {
                multiple: false,
                choices: Some(numbered),
            },
        );
        let quoted = |item: &str| item == "q1";
        for c in [
            json!({"item": "q1", "op": "equals", "value": 1.0}),
            json!({"any": [{"item": "pain", "op": ">", "value": 3.0}, {"not": {"item": "where", "op": "contains", "value": "knee"}}]}),
            json!({"score": "total", "op": ">=", "value": 9.0}),
            json!({"item": "pain", "op": "not_answered"}),
        ] {
            let text = relevant(&c, &quoted, &|s: &str| s.to_owned()).unwrap();
            assert_eq!(condition(&text, &n).unwrap(), c, "{text}");
        }
    }
}
