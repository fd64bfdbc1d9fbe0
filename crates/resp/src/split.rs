//! Argument splitting with Redis's `sdssplitargs` rules, shared by inline commands
//! and redis.conf lines.

/// Splits a line into arguments: whitespace separates, double quotes allow
/// `\n \r \t \b \a \\ \" \xHH` escapes, single quotes allow `\'`, and a closing quote
/// must be followed by whitespace or the end. Returns `None` on unbalanced quotes.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut args = Vec::new();
    let mut i = 0;
    let at = |i: usize| line.get(i).copied();
    loop {
        while at(i).is_some_and(is_c_space) {
            i += 1;
        }
        if i >= line.len() {
            return Some(args);
        }
        let mut current = Vec::new();
        let mut in_double = false;
        let mut in_single = false;
        loop {
            let c = at(i);
            if in_double {
                match c {
                    None => return None,
                    Some(b'\\') => {
                        if at(i + 1) == Some(b'x') {
                            if let (Some(h), Some(l)) =
                                (at(i + 2).and_then(hex), at(i + 3).and_then(hex))
                            {
                                current.push(h * 16 + l);
                                i += 4;
                                continue;
                            }
                        }
                        match at(i + 1) {
                            Some(next) => {
                                current.push(match next {
                                    b'n' => b'\n',
                                    b'r' => b'\r',
                                    b't' => b'\t',
                                    b'b' => 0x08,
                                    b'a' => 0x07,
                                    other => other,
                                });
                                i += 2;
                            }
                            None => {
                                current.push(b'\\');
                                i += 1;
                            }
                        }
                    }
                    Some(b'"') => {
                        if at(i + 1).is_some_and(|n| !is_c_space(n)) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => {
                        current.push(other);
                        i += 1;
                    }
                }
            } else if in_single {
                match c {
                    None => return None,
                    Some(b'\\') if at(i + 1) == Some(b'\'') => {
                        current.push(b'\'');
                        i += 2;
                    }
                    Some(b'\'') => {
                        if at(i + 1).is_some_and(|n| !is_c_space(n)) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(other) => {
                        current.push(other);
                        i += 1;
                    }
                }
            } else {
                match c {
                    None | Some(b' ' | b'\n' | b'\r' | b'\t' | 0) => {
                        i += 1;
                        break;
                    }
                    Some(b'"') => {
                        in_double = true;
                        i += 1;
                    }
                    Some(b'\'') => {
                        in_single = true;
                        i += 1;
                    }
                    Some(other) => {
                        current.push(other);
                        i += 1;
                    }
                }
            }
        }
        args.push(current);
    }
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::split_args;

    fn split(s: &str) -> Option<Vec<String>> {
        split_args(s.as_bytes()).map(|v| {
            v.into_iter()
                .map(|a| String::from_utf8_lossy(&a).into_owned())
                .collect()
        })
    }

    #[test]
    fn quoting_rules() {
        assert_eq!(
            split("set a b"),
            Some(vec!["set".into(), "a".into(), "b".into()])
        );
        assert_eq!(
            split("  set \"a b\"  'c d' "),
            Some(vec!["set".into(), "a b".into(), "c d".into()])
        );
        assert_eq!(split(r#""\x41\n""#), Some(vec!["A\n".into()]));
        assert_eq!(split(r#"'it\'s'"#), Some(vec!["it's".into()]));
        assert_eq!(split(r#"a"b c"d"#), None);
        assert_eq!(split(r#"a"b c""#), Some(vec!["ab c".into()]));
        assert_eq!(split("\"unterminated"), None);
        assert_eq!(split("'unterminated"), None);
        assert_eq!(split(""), Some(vec![]));
    }
}
