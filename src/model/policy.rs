//! IAM policy documents as the model sees them: statements with effects, actions, resources,
//! principals and conditions, each part with its site. Built by `adapt::policy` from JSON
//! text, `jsonencode` structures, `aws_iam_policy_document` data sources or CloudFormation
//! objects. The questions rules ask of them live here.

use super::{Truth, Val};
use crate::ir::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction` patterns (wildcards `*` and `?`, case-insensitive).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionSet {
    pub not: bool,
    pub patterns: Vec<String>,
}

impl ActionSet {
    /// Does the set cover `action` (e.g. `s3:GetObject`)?
    pub fn covers(&self, action: &str) -> bool {
        let hit = self.patterns.iter().any(|p| wildcard_match(p, action));
        hit != self.not
    }

    /// Does the set cover any action of a service (`s3`)?
    pub fn covers_service(&self, service: &str) -> bool {
        if self.not {
            // NotAction covers a service unless it excludes every action of it.
            let every_action = format!("{service}:*");
            return !self
                .patterns
                .iter()
                .any(|p| p.ends_with('*') && wildcard_match(p, &every_action));
        }
        self.patterns.iter().any(|p| {
            p == "*"
                || p.get(..service.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(service))
                    && p.as_bytes().get(service.len()) == Some(&b':')
        })
    }
}

/// What a `Resource` entry names.
#[derive(Debug, Clone, PartialEq)]
pub enum ResourceEntry {
    /// An ARN pattern (wildcards allowed).
    Arn(String),
    /// A bucket in scope, named by reference (`"${aws_s3_bucket.x.arn}/*"`).
    Bucket(super::Id),
    /// Not knowable.
    Unknown,
}

/// One principal of a `Principal` element.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalEntry {
    /// `*` (any), `AWS`, `Service`, `Federated`, `CanonicalUser`.
    pub kind: String,
    /// The identifier, at the place it is written.
    pub value: Val<String>,
}

/// One condition: operator, key and values.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator without prefixes or the `IfExists` suffix (`StringNotEquals`).
    pub operator: String,
    pub if_exists: bool,
    /// `ForAnyValue` / `ForAllValues`, when written.
    pub set_operator: Option<String>,
    /// The condition key, lower-cased (keys are case-insensitive).
    pub key: String,
    /// The values, each where it is written.
    pub values: Vec<Val<String>>,
    /// Where the operator is written.
    pub span: Span,
}

/// Condition keys rules ask about, spelled as AWS documents them (keys are case-insensitive:
/// ask [`Condition::is_on`]).
pub mod keys {
    pub const SOURCE_VPCE: &str = "aws:SourceVpce";
    pub const SOURCE_VPC: &str = "aws:SourceVpc";
    pub const AUTH_TYPE: &str = "s3:authType";
    pub const SIGNATURE_AGE: &str = "s3:signatureAge";
}

/// How a condition operator compares, for the operators rules judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// The value must match (`StringEquals`, `StringLike`).
    Matches,
    /// The value must not match (`StringNotEquals`, `StringNotLike`).
    DiffersFrom,
    /// The value must be greater (`NumericGreaterThan`, `NumericGreaterThanEquals`).
    Exceeds,
    /// Any other operator.
    Other,
}

impl Condition {
    /// Is the condition on `key` (one of [`keys`])?
    pub fn is_on(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }

    /// How its operator compares (without `IfExists`, which `if_exists` records).
    pub fn comparison(&self) -> Comparison {
        match self.operator.as_str() {
            "StringEquals" | "StringLike" => Comparison::Matches,
            "StringNotEquals" | "StringNotLike" => Comparison::DiffersFrom,
            "NumericGreaterThan" | "NumericGreaterThanEquals" => Comparison::Exceeds,
            _ => Comparison::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub effect: Val<Effect>,
    /// None when unknown.
    pub actions: Val<ActionSet>,
    /// `Resource` entries; `not_resource` when written as `NotResource`.
    pub resources: Vec<ResourceEntry>,
    pub not_resource: bool,
    /// `Principal` entries (empty when the statement has none, as in identity policies);
    /// `not_principal` for `NotPrincipal`. `principals_complete` is unknown when unreadable.
    pub principals: Vec<PrincipalEntry>,
    pub not_principal: bool,
    pub principals_complete: Truth,
    pub conditions: Vec<Condition>,
    /// Whether `conditions` are all of them: unknown when some could not be read.
    pub conditions_complete: Truth,
    pub span: Span,
}

impl Statement {
    pub fn is_deny(&self) -> Truth {
        self.effect.test(|e| *e == Effect::Deny)
    }

    pub fn is_allow(&self) -> Truth {
        self.effect.test(|e| *e == Effect::Allow)
    }

    /// Does the statement cover some S3 action?
    pub fn covers_s3(&self) -> Truth {
        self.actions.test(|actions| actions.covers_service("s3"))
    }

    /// Conditions on a key (lower-case), e.g. `aws:sourcevpce`.
    pub fn conditions_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Condition> + 'a {
        self.conditions.iter().filter(move |c| c.key == key)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
    /// Whether `statements` are all of them: unknown when some could not be read.
    pub complete: Truth,
    /// Where the document is written.
    pub span: Span,
}

/// Case-insensitive match with `*` (any run) and `?` (one character).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    // Policies are ASCII almost always: compare bytes, ignoring ASCII case, without copying.
    if pattern.is_ascii() && text.is_ascii() {
        return glob(
            pattern.as_bytes(),
            text.as_bytes(),
            u8::eq_ignore_ascii_case,
        );
    }
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    glob(&p, &t, |a, b| a == b)
}

/// `*` and `?` matching of `text` by `pattern`, with `same` deciding whether two symbols match.
fn glob<T: Copy + PartialEq + From<u8>>(
    pattern: &[T],
    text: &[T],
    same: impl Fn(&T, &T) -> bool,
) -> bool {
    let (star, any) = (T::from(b'*'), T::from(b'?'));
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut last_star, mut mark) = (None::<usize>, 0usize);
    while let Some(t) = text.get(ti) {
        match pattern.get(pi) {
            Some(p) if *p == any || (*p != star && same(p, t)) => {
                pi += 1;
                ti += 1;
                continue;
            }
            Some(p) if *p == star => {
                last_star = Some(pi);
                mark = ti;
                pi += 1;
                continue;
            }
            _ => {}
        }
        let Some(s) = last_star else {
            return false;
        };
        pi = s + 1;
        mark += 1;
        ti = mark;
    }
    while pattern.get(pi) == Some(&star) {
        pi += 1;
    }
    pi == pattern.len()
}

/// The bucket-name pattern of an S3 ARN (`arn:aws:s3:::data-*/*` → `data-*`); `*` → `*`.
pub fn s3_bucket_pattern(arn: &str) -> Option<String> {
    if arn == "*" {
        return Some("*".into());
    }
    let rest = arn.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let _partition = parts.next()?;
    let service = parts.next()?;
    if !wildcard_match(service, "s3") {
        return None;
    }
    let resource = parts.nth(2)?;
    let bucket = resource.split('/').next()?;
    (!bucket.is_empty()).then(|| bucket.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_iam() {
        assert!(wildcard_match("s3:Get*", "s3:GetObject"));
        assert!(wildcard_match("S3:*", "s3:listbucket"));
        assert!(wildcard_match("*", "sts:AssumeRole"));
        assert!(wildcard_match("s3:Get?bject", "s3:GetObject"));
        assert!(!wildcard_match("s3:Put*", "s3:GetObject"));
        assert!(wildcard_match("data-*", "data-2024"));
        assert!(!wildcard_match("data-*", "logs"));
        // A `*` in the text is matched by the pattern's `*` as any other character is.
        assert!(wildcard_match("*b", "*ab"));
        assert!(wildcard_match("s3:*", "s3:*"));
        assert!(!wildcard_match("s3:Get*", "s3:*"));
        // Case is ignored past ASCII too.
        assert!(wildcard_match("DATEN-\u{c4}*", "daten-\u{e4}1"));
        assert!(!wildcard_match("daten-\u{e4}?", "daten-\u{e4}"));
    }

    #[test]
    fn action_sets_cover_services() {
        let s3 = ActionSet {
            not: false,
            patterns: vec!["s3:GetObject".into()],
        };
        assert!(s3.covers_service("s3") && !s3.covers_service("glue"));
        let named = |pattern: &str| ActionSet {
            not: false,
            patterns: vec![pattern.into()],
        };
        // The service is named before the colon, in any case.
        assert!(named("S3:GetObject").covers_service("s3"));
        assert!(!named("s3express:CreateSession").covers_service("s3"));
        assert!(!named("s3").covers_service("s3"));
        let all = ActionSet {
            not: false,
            patterns: vec!["*".into()],
        };
        assert!(all.covers_service("s3"));
        let not_iam = ActionSet {
            not: true,
            patterns: vec!["iam:*".into()],
        };
        assert!(
            not_iam.covers_service("s3")
                && not_iam.covers("s3:GetObject")
                && !not_iam.covers("iam:PassRole")
        );
    }

    #[test]
    fn s3_arns_name_buckets() {
        assert_eq!(
            s3_bucket_pattern("arn:aws:s3:::spectrum-data/*").as_deref(),
            Some("spectrum-data")
        );
        assert_eq!(s3_bucket_pattern("arn:aws-cn:s3:::b").as_deref(), Some("b"));
        assert_eq!(
            s3_bucket_pattern("arn:aws:s3:::data-*").as_deref(),
            Some("data-*")
        );
        assert_eq!(s3_bucket_pattern("*").as_deref(), Some("*"));
        assert_eq!(s3_bucket_pattern("arn:aws:glue:us-east-1:1:catalog"), None);
    }
}
