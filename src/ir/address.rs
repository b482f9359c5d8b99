//! Terraform addresses and references, read into steps by one scanner:
//! `module.net["a"].aws_subnet.x[0].id` is `module`, `net`, `["a"]`, `aws_subnet`, `x`, `[0]`,
//! `id`. Instance keys keep Terraform's quoting (`["a"]`, `[0]`) so that they can be put back
//! into addresses as they are; a key may hold dots and brackets inside its quotes.

/// One step of an address or reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A name: `module`, a call's or resource's name, a type, an attribute.
    Attr(String),
    /// An instance key or index, with its brackets and quotes: `["a"]`, `[0]`.
    Key(String),
}

/// The steps of `text`; None when a key is not closed.
pub fn steps(text: &str) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut current = String::new();
    while let Some(c) = rest.chars().next() {
        match c {
            '.' => {
                if !current.is_empty() {
                    out.push(Step::Attr(std::mem::take(&mut current)));
                }
                rest = rest.get(1..)?;
            }
            '[' => {
                if !current.is_empty() {
                    out.push(Step::Attr(std::mem::take(&mut current)));
                }
                let len = key_len(rest)?;
                out.push(Step::Key(rest.get(..len)?.to_string()));
                rest = rest.get(len..)?;
            }
            _ => {
                current.push(c);
                rest = rest.get(c.len_utf8()..)?;
            }
        }
    }
    if !current.is_empty() {
        out.push(Step::Attr(current));
    }
    Some(out)
}

/// The length of the key `text` starts with (`["a]"]` is 6 bytes), quotes and escapes
/// respected; None when `text` does not start with a closed key.
pub fn key_len(text: &str) -> Option<usize> {
    if !text.starts_with('[') {
        return None;
    }
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ']' {
            return Some(i + 1);
        }
    }
    None
}

/// One module call on the way to a resource: the call's name and the instance's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleStep {
    pub name: String,
    pub key: Option<String>,
}

/// The module calls of a module instance's address (`module.a["x"].module.b`): `a` with
/// `["x"]`, then `b`. Steps that are not module calls are passed over.
pub fn module_path(text: &str) -> Vec<ModuleStep> {
    let Some(steps) = steps(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut iter = steps.into_iter().peekable();
    while let Some(step) = iter.next() {
        if step != Step::Attr("module".into()) {
            continue;
        }
        match module_call(&mut iter) {
            Some(call) => out.push(call),
            None => break,
        }
    }
    out
}

/// The call after a `module` step: its name and, if one follows, its key.
fn module_call(iter: &mut std::iter::Peekable<std::vec::IntoIter<Step>>) -> Option<ModuleStep> {
    let Some(Step::Attr(name)) = iter.next() else {
        return None;
    };
    let key = match iter.next_if(|step| matches!(step, Step::Key(_))) {
        Some(Step::Key(k)) => Some(k),
        _ => None,
    };
    Some(ModuleStep { name, key })
}

/// The key at the end of an address (`aws_sg.x["k"]`, `module.a[0]`), if any.
pub fn trailing_key(text: &str) -> Option<String> {
    if !text.ends_with(']') {
        return None;
    }
    match steps(text)?.pop() {
        Some(Step::Key(k)) => Some(k),
        _ => None,
    }
}

/// A Terraform resource instance's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The module calls from the root, outermost first.
    pub modules: Vec<ModuleStep>,
    /// A data source (`data.` in front of the type).
    pub data: bool,
    pub kind: String,
    pub name: String,
    pub key: Option<String>,
}

impl Address {
    /// Reads a resource instance's address; None for anything else (a reference with
    /// attributes, a CloudFormation logical id, a module's address).
    pub fn parse(text: &str) -> Option<Address> {
        let mut iter = steps(text)?.into_iter().peekable();
        let mut modules = Vec::new();
        while iter.next_if_eq(&Step::Attr("module".into())).is_some() {
            modules.push(module_call(&mut iter)?);
        }
        let data = iter.next_if_eq(&Step::Attr("data".into())).is_some();
        let (Some(Step::Attr(kind)), Some(Step::Attr(name))) = (iter.next(), iter.next()) else {
            return None;
        };
        let key = match iter.next() {
            None => None,
            Some(Step::Key(k)) => Some(k),
            Some(Step::Attr(_)) => return None,
        };
        iter.next().is_none().then_some(Address {
            modules,
            data,
            kind,
            name,
            key,
        })
    }

    /// The address as its own module names it: `module.net["a"].aws_network_acl.main[0]` is
    /// `aws_network_acl.main[0]` there.
    pub fn local(&self) -> String {
        format!(
            "{}{}.{}{}",
            if self.data { "data." } else { "" },
            self.kind,
            self.name,
            self.key.as_deref().unwrap_or("")
        )
    }
}

/// `address` as its own module names it (see [`Address::local`]); what is not a Terraform
/// address (a CloudFormation logical id) is its own name.
pub fn local_name(address: &str) -> String {
    Address::parse(address).map_or_else(|| address.to_string(), |a| a.local())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(s: &str) -> Step {
        Step::Attr(s.into())
    }

    fn key(s: &str) -> Step {
        Step::Key(s.into())
    }

    #[test]
    fn references_split_into_steps_with_keys_as_written() {
        assert_eq!(
            steps("module.net[\"a.b\"].aws_subnet.x[0].id"),
            Some(vec![
                attr("module"),
                attr("net"),
                key("[\"a.b\"]"),
                attr("aws_subnet"),
                attr("x"),
                key("[0]"),
                attr("id"),
            ])
        );
        assert_eq!(
            steps("a[\"k]\\\"\"].b"),
            Some(vec![attr("a"), key("[\"k]\\\"\"]"), attr("b")])
        );
        assert_eq!(steps("a[\"open"), None);
        assert_eq!(key_len("[\"a]\"].x"), Some(6));
        assert_eq!(key_len("x[0]"), None);
    }

    #[test]
    fn addresses_are_read_into_their_parts() {
        let address = Address::parse("module.net[\"a.b\"].module.inner.data.aws_vpc.main[0]");
        assert_eq!(
            address,
            Some(Address {
                modules: vec![
                    ModuleStep {
                        name: "net".into(),
                        key: Some("[\"a.b\"]".into())
                    },
                    ModuleStep {
                        name: "inner".into(),
                        key: None
                    },
                ],
                data: true,
                kind: "aws_vpc".into(),
                name: "main".into(),
                key: Some("[0]".into()),
            })
        );
        assert_eq!(
            address.map(|a| a.local()).as_deref(),
            Some("data.aws_vpc.main[0]")
        );
        assert_eq!(Address::parse("aws_vpc.main.id"), None);
        assert_eq!(Address::parse("module.net"), None);
        assert_eq!(Address::parse("Nacl"), None);
        assert_eq!(local_name("Nacl"), "Nacl");
        assert_eq!(
            local_name("module.net[\"a.b\"].aws_network_acl.main"),
            "aws_network_acl.main"
        );
    }

    #[test]
    fn module_paths_and_trailing_keys() {
        assert_eq!(
            module_path("module.a[\"x\"].module.b"),
            vec![
                ModuleStep {
                    name: "a".into(),
                    key: Some("[\"x\"]".into())
                },
                ModuleStep {
                    name: "b".into(),
                    key: None
                },
            ]
        );
        assert_eq!(
            trailing_key("aws_sg.x[\"k]\"]").as_deref(),
            Some("[\"k]\"]")
        );
        assert_eq!(trailing_key("aws_sg.x"), None);
    }
}
