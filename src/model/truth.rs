//! Three-valued answers.

/// The answer to a question whose inputs may be unknown. Deliberately has no conversion to
/// `bool`: callers must decide what Unknown means for them (rules fire only on `True`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    pub fn from_known(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }

    pub fn is_true(self) -> bool {
        self == Truth::True
    }

    pub fn is_false(self) -> bool {
        self == Truth::False
    }

    /// Kleene disjunction: true if either is true, false only if both are false.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, Truth::False) => Truth::False,
            _ => Truth::Unknown,
        }
    }

    /// Kleene conjunction: false if either is false, true only if both are true.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, Truth::True) => Truth::True,
            _ => Truth::Unknown,
        }
    }

    /// Disjunction over many answers.
    pub fn any(items: impl IntoIterator<Item = Truth>) -> Truth {
        items.into_iter().fold(Truth::False, Truth::or)
    }
}

/// Kleene negation: unknown stays unknown.
impl std::ops::Not for Truth {
    type Output = Truth;

    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::*;
    use super::*;

    #[test]
    fn unknown_is_neither_true_nor_false() {
        assert!(!Unknown.is_true());
        assert!(!Unknown.is_false());
        assert_eq!(Unknown.or(False), Unknown);
        assert_eq!(Unknown.or(True), True);
        assert_eq!(Unknown.and(False), False);
        assert_eq!((!Unknown, !True, !False), (Unknown, False, True));
        assert_eq!(Truth::any([False, Unknown]), Unknown);
        assert_eq!(Truth::any([]), False);
    }
}
